"""What bakers actually say, class by class: prices in words and local money, asides, self-corrections,
speech-recognition homophones, several items with their own prices, pounds sterling against pounds of weight,
metric packs, and sentences that are about nothing the bakery does. The sentences are this file's own; the
frozen held-out sets are never copied here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core.speech.normalize import normalize
from core.speech.numbers import tokenize
from core.speech.operations import SAID
from core.speech.parse import parse_utterance

TODAY = dt.date(2026, 11, 26)  # a Thursday


def _ops(text: str) -> list[dict[str, Any]]:
    return [op.args for op in parse_utterance(text, TODAY).operations]


def _one(text: str) -> dict[str, Any]:
    ops = _ops(text)
    assert len(ops) == 1, ops
    return ops[0]


def _said(text: str) -> str:
    return " ".join(t.text for t in normalize(tokenize(text)))


# prices in words -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "price"), [
    ("a sack of rye flour for nineteen ninety five", "19.95"),
    ("two tubs of sour cream at safeway two twenty nine each", "4.58"),
    ("six limes for a dollar twenty five", "1.25"),
    ("ten pounds of bread flour was eight fifty at costco", "8.50"),
    ("a jar of honey for twelve dollars and forty cents", "12.40"),
    ("a tray of eggs at the market six seventy five", "6.75"),
])
def test_a_price_said_in_words_is_dollars_and_cents(text: str, price: str) -> None:
    assert _one(text)["price"] == Decimal(price)


def test_bare_words_read_as_a_price_are_a_guess_and_flagged_but_an_introduced_price_is_not() -> None:
    guessed = parse_utterance("a dozen eggs at kroger three fifty nine", TODAY)
    assert guessed.operations[0].args["price"] == Decimal("3.59")
    assert guessed.operations[0].confidence["price"] < 0.6
    assert any("bare words" in note for note in guessed.unresolved)
    said = parse_utterance("a dozen eggs at kroger for three fifty nine", TODAY)
    assert said.operations[0].confidence["price"] == SAID


def test_two_numbers_before_a_unit_are_an_amount_not_a_price() -> None:
    args = _one("bought two twenty pound bags of flour")
    assert (args["packages"], args["package_size"], args["price"]) == (2, 20, None)


# UK money and pounds sterling against pounds of weight ---------------------------------------

@pytest.mark.parametrize(("text", "price"), [
    ("a 500 g tub of mascarpone at tesco for two pounds thirty", "2.30"),
    ("three pints of milk from the co op one pound fifty five", "1.55"),
    ("a dozen eggs for three quid", "3"),
    ("6 lemons at sainsburys 30p each", "1.80"),
    ("bought 200g of yeast for £1.20", "1.20"),
    ("a bag of oats for a fiver", "5"),
    ("a pound of cherries for a pound twenty", "1.20"),
    ("2 tins of golden syrup at morrisons 1 pound 45 each", "2.90"),
])
def test_uk_money(text: str, price: str) -> None:
    assert _one(text)["price"] == Decimal(price)


def test_pounds_of_weight_stay_weight_and_pounds_paid_are_money() -> None:
    butter = _one("2 pounds of butter for 4 pounds 50 at tesco")
    assert (butter["quantity"], butter["unit"], butter["price"]) == (2, "LBR", Decimal("4.50"))
    weight = _one("King Arthur flour, 5 pounds")
    assert (weight["quantity"], weight["unit"], weight["price"]) == (5, "LBR", None)
    vanilla = _one("a 100 ml bottle of vanilla at waitrose four pounds")  # the amount was said: the rest is paid
    assert (vanilla["quantity"], vanilla["unit"], vanilla["price"]) == (100, "MLT", Decimal(4))
    dollars = _one("bought 3 pounds of apples for 2 dollars")
    assert (dollars["quantity"], dollars["unit"], dollars["price"]) == (3, "LBR", Decimal(2))


# euro formats ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "price"), [
    ("a kilo of flour 1,25 € at carrefour", "1.25"),
    ("two 250 g packs of butter for 2,19 € each at lidl", "4.38"),
    ("500 g of hazelnuts 6,49 at rewe", "6.49"),
    ("€3.20 for a litre of cream", "3.20"),
    ("yeast 2 packets 1 euro 50", "1.50"),
    ("a bag of sugar for one euro twenty", "1.20"),
])
def test_euro_formats(text: str, price: str) -> None:
    assert _one(text)["price"] == Decimal(price)


def test_a_decimal_comma_is_one_number_and_a_thousands_comma_is_not_a_decimal() -> None:
    assert [t.text for t in tokenize("0,89 and 1,500")] == ["0.89", "and", "1500"]


# price per unit ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "price"), [
    ("2.5 pounds of cheddar at 6.99 a pound", "17.48"),
    ("walnuts 8.49 per pound, I got three pounds at kroger", "25.47"),
    ("got half a kilo of almonds at 12 euros a kilo", "6"),
    ("3 kilos of pears at 1,40 per kilo", "4.20"),
    ("two dozen eggs at 3.10 each", "6.20"),  # each dozen, not each egg
])
def test_a_price_per_unit_is_multiplied_by_what_was_bought(text: str, price: str) -> None:
    assert _one(text)["price"] == Decimal(price)


# asides -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "quantity", "unit"), [
    ("bought 3 bags of chocolate chips, which is about 2 pounds, for 9 dollars", 3, "BG"),
    ("got 8 sticks of butter that's two pounds at aldi for 7.98", 8, "STI"),
    ("thirty six eggs thats three dozen for 9.50", 36, "H87"),
    ("got 2 bottles of milk, that's 4 litres, for 2,30", 2, "BO"),
])
def test_an_aside_restating_the_amount_is_not_part_of_the_item(text: str, quantity: int, unit: str) -> None:
    args = _one(text)
    assert (args["quantity"], args["unit"]) == (quantity, unit)
    assert " " not in args["item_name"] or "that" not in args["item_name"]


def test_a_restated_price_is_still_the_price() -> None:
    assert _one("bought 2 pounds of pecans, that was 15 bucks")["price"] == Decimal(15)


# self-corrections -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "field", "value"), [
    ("bought four no five bags of flour at costco", "quantity", 5),
    ("picked up two, sorry, three dozen eggs at walmart", "quantity", 36),
    ("a 10 pound bag of potatoes for 5.99 no wait 4.99", "price", Decimal("4.99")),
    ("6 apples for two dollars, I mean three dollars", "price", Decimal(3)),
    ("got two pints of double cream, oh no, three pints", "quantity", 3),
    ("got a gallon of milk and I mean two gallons of milk", "quantity", 2),
])
def test_the_corrected_number_wins(text: str, field: str, value: Any) -> None:
    args = _one(text)
    assert args[field] == value
    assert not {"no", "wait", "sorry", "mean"} & set((args["item_name"] or "").split())


def test_a_correction_keeps_the_words_said_after_the_first_number() -> None:
    assert _said("bought 3 bags no sorry 4 of flour") == "bought 4 bags of flour"


# speech-recognition homophones ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "quantity"), [
    ("bought to bags of sugar at target 3.19 each", 2),
    ("we got for pounds of butter for 12 dollars", 4),
    ("picked up to 5 pound bags of flour", 10),
])
def test_for_and_to_heard_where_a_count_stands(text: str, quantity: int) -> None:
    parsed = parse_utterance(text, TODAY)
    assert parsed.operations[0].args["quantity"] == quantity
    assert parsed.operations[0].confidence["quantity"] < 0.6  # a guess: flagged for the review screen


def test_for_and_to_as_words_stay_words() -> None:
    assert _one("got 2 bags of flour for 6 dollars")["price"] == Decimal(6)
    assert _said("went to costco for flour") == "went to costco for flour"


# fillers ----------------------------------------------------------------------------------------

def test_fillers_are_not_part_of_anything() -> None:
    assert _said("um so yeah I got uh like 3 pounds of butter") == "i got 3 pounds of butter"
    assert _one("i got uh, like, 10 pounds of sugar at costco for 12 bucks")["item_name"] == "sugar"


# several items with their own prices ------------------------------------------------------------

def test_several_items_each_with_its_own_price() -> None:
    ops = _ops("3 cartons of cream 1.20 each and a dozen eggs 2.50 at tesco")
    assert [(o["item_name"], o["price"]) for o in ops] == [("cream", Decimal("3.60")), ("eggs", Decimal("2.50"))]
    ops = _ops("kaufhof? no: 1 kg flour 0,79 and butter 250 g 1,99")
    assert [(o["item_name"], o["price"]) for o in ops][-2:] == [("flour", Decimal("0.79")),
                                                                ("butter", Decimal("1.99"))]


def test_prices_named_after_the_items() -> None:
    ops = _ops("got flour and sugar at costco, flour was 9.99 and sugar was 6.49")
    assert [(o["item_name"], o["price"]) for o in ops] == [("flour", Decimal("9.99")), ("sugar", Decimal("6.49"))]
    ops = _ops("a bag of rice and a jar of honey at safeway, rice was 3.49, honey was 7.99")
    assert [(o["item_name"], o["price"]) for o in ops] == [("rice", Decimal("3.49")), ("honey", Decimal("7.99"))]


def test_one_total_for_several_items_is_not_split_by_guesswork() -> None:
    parsed = parse_utterance("2 kilos of flour and a kilo of sugar for 3 pounds 40 altogether", TODAY)
    assert [op.args["price"] for op in parsed.operations] == [None, None]
    assert any("together" in note for note in parsed.unresolved)


# metric packs -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("got a 1.5 kg bag of bread flour for 1,40", (Decimal("1.5"), "KGM", 1, Decimal("1.5"), "BG")),
    ("bought a 750 ml bottle of olive oil for 4,99", (750, "MLT", 1, 750, "BO")),
    ("two 1 kg bags of semolina at metro 1,89 each", (2, "KGM", 2, 1, "BG")),
    ("bought 4 250g packs of butter", (1000, "GRM", 4, 250, "PK")),
    ("cocoa powder 250 gram tin 3,20", (250, "GRM", 1, 250, "PK")),
    ("a box of 30 eggs for seven fifty", (30, "H87", 1, 30, "BX")),
])
def test_metric_packs(text: str, expected: tuple[Any, ...]) -> None:
    args = _one(text)
    assert (args["quantity"], args["unit"], args["packages"], args["package_size"], args["package_unit"]) == expected


# the day it was bought -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "day"), [
    ("on monday I bought 2 bags of flour at aldi", "2026-11-23"),
    ("last thursday got a tub of cream for 2,10", "2026-11-19"),
    ("bought 500 g of raisins on the 2nd for 3.10", "2026-11-02"),
    ("bought butter on the 28th for 4 dollars", "2026-10-28"),
])
def test_the_day_bought_is_the_latest_such_day_not_after_today(text: str, day: str) -> None:
    args = _one(text)
    assert args["purchased_on"] == day
    assert not {"on", "monday", "thursday", "the"} & set(args["item_name"].split())


# knowing what it does not know ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "turn the oven light off", "what time is it in london", "can you repeat that", "remind me at five",
    "one two one two", "check check one two", "how much is three times four", "i'll call you back in ten minutes",
    "what's on the calendar for friday", "can you hear me now",
])
def test_off_topic_english_is_not_understood(text: str) -> None:
    parsed = parse_utterance(text, TODAY)
    assert parsed.operations == [] and parsed.kind == "unknown", parsed


def test_not_understood_names_the_words_it_could_not_place() -> None:
    parsed = parse_utterance("set a reminder for twenty minutes", TODAY)
    assert parsed.operations == []
    assert any("could not place" in note and "reminder" in note for note in parsed.unresolved)


def test_an_operation_proven_by_the_sentence_keeps_a_strange_name_but_flags_it() -> None:
    parsed = parse_utterance("bought 2 pounds of what you said at costco for $5", TODAY)
    op = parsed.operations[0]
    assert op.args["price"] == Decimal(5) and op.confidence["item_name"] < 0.6


def test_unknown_food_words_are_still_names() -> None:
    """The grammar need not know every ingredient: shape places the name."""
    assert _one("bought 2 pounds of pistachio flour at costco")["item_name"] == "pistachio flour"
    assert _one("a jar of chinese five spice for 3.99")["item_name"] == "chinese five spice"


def test_every_field_carries_a_confidence() -> None:
    for text in ("two 5 lb bags of King Arthur flour at costco for $4.99 each, on monday",
                 "the butter is half gone", "bake sale on saturday: 5 dozen cookies"):
        for op in parse_utterance(text, TODAY).operations:
            fields = {k for k, v in op.args.items() if v is not None and k != "package_type"}
            assert fields <= set(op.confidence), (text, fields - set(op.confidence))


# more of what people say ------------------------------------------------------------------------

def test_two_amounts_of_one_kind_said_together_are_added() -> None:
    args = _one("bought 2 pounds 8 ounces of cheese for 11.50")
    assert (args["item_name"], args["quantity"], args["unit"]) == ("cheese", Decimal("2.5"), "LBR")
    args = _one("a kilo and 200 grams of apples")
    assert (args["item_name"], args["quantity"], args["unit"]) == ("apples", Decimal("1.2"), "KGM")


def test_what_an_item_is_for_is_not_its_name() -> None:
    assert _one("i bought three pounds of ground beef for the meat pies, nine dollars")["item_name"] == "ground beef"


def test_an_event_with_a_price_said_stays_an_event() -> None:
    parsed = parse_utterance("birthday order for saturday, two dozen cupcakes, one fifty each", TODAY)
    assert parsed.kind == "event" and parsed.operations[0].args["date"] == "2026-11-28"


def test_a_name_that_says_nothing_is_flagged() -> None:
    parsed = parse_utterance("bought stuff at costco for 200 dollars", TODAY)
    assert parsed.operations[0].confidence["item_name"] < 0.6


def test_what_comes_before_the_buying_verb_is_not_the_item() -> None:
    args = _one("the tuesday before last I bought 2 bags of flour")
    assert (args["item_name"], args["quantity"], args["unit"]) == ("flour", 2, "BG")


def test_where_in_the_store_is_not_the_store() -> None:
    assert _one("2 pounds of walnuts from the bulk bins at winco")["store"] == "WinCo"
    assert _one("at winco I got walnuts from the bulk bins 2 pounds")["store"] == "WinCo"


def test_oh_for_zero_in_a_price() -> None:
    assert _one("a dozen large eggs for four oh nine")["price"] == Decimal("4.09")


def test_a_dozen_after_dollars_is_per_dozen_not_cents() -> None:
    assert _one("got 2 dozen eggs at the farmers market they were 5 dollars a dozen")["price"] == Decimal(10)


def test_a_dollar_sign_belongs_to_the_number_after_it() -> None:
    ops = _ops("costco: butter 4 lbs $12.99, eggs 5 dozen $14.49")
    assert [(o["item_name"], o["quantity"], o["price"]) for o in ops] == [
        ("butter", 4, Decimal("12.99")), ("eggs", 60, Decimal("14.49"))]


def test_a_count_said_after_the_item() -> None:
    assert _one("bought vanilla beans, 10 of them, for 15 dollars")["quantity"] == 10


def test_levels_said_loosely() -> None:
    assert _one("we're down to our last bag of flour") == {"item_name": "flour", "quantity": 1, "unit": "BG"}
    assert _one("used about half the butter this morning")["item_name"] == "butter"


def test_a_weekday_with_the_day_of_the_month_is_that_day() -> None:
    args = _one("school party on friday the 4th 60 cupcakes")
    assert args["date"] == "2026-12-04" and args["items"] == [{"finished_good": "cupcakes", "quantity": 60}]


def test_a_known_store_said_last_or_gone_to() -> None:
    assert _one("flour 2 x 25 lb at 12.49 each costco")["store"] == "Costco"
    assert _one("so I went to Aldi and got 3 bags of flour for like 2 bucks each")["store"] == "Aldi"


def test_a_delivery_is_not_an_item() -> None:
    args = _one("we got a delivery from sysco, 50 lbs of flour for 28 dollars")
    assert (args["item_name"], args["price"], args["store"]) == ("flour", Decimal(28), "Sysco")


def test_adverbs_are_not_level_names() -> None:
    assert [op["item_name"] for op in _ops("we're completely out of eggs and the milk is half gone")] == [
        "eggs", "milk"]


def test_wishes_and_questions_are_not_purchases_but_requests_to_log_are() -> None:
    assert _ops("can we get more flour next week") == []
    assert _one("I want to buy 2 bags of flour")["quantity"] == 2
    args = _one("add a purchase: 3 bags of flour, 12 dollars, costco")
    assert (args["item_name"], args["price"], args["store"]) == ("flour", Decimal(12), "Costco")
    assert _one("eggs are 3.49 at kroger")["item_name"] == "eggs"


def test_the_size_of_each_package_after_the_name_is_weight_not_money() -> None:
    args = _one("two bags of flour 25 pounds each")
    assert (args["item_name"], args["quantity"], args["package_size"], args["price"]) == ("flour", 50, 25, None)
    args = _one("2 bags of sugar 4 pounds each at 3 dollars each")
    assert (args["quantity"], args["price"]) == (8, Decimal(6))


def test_at_a_price_after_several_is_each_and_flagged() -> None:
    parsed = parse_utterance("Lidl had butter on offer, got 4 blocks at 1,49", TODAY)
    op = parsed.operations[0]
    assert (op.args["item_name"], op.args["price"], op.args["store"]) == ("butter", Decimal("5.96"), "Lidl")
    assert op.confidence["price"] < 0.6
    assert _one("got 4 blocks of butter for 1,49")["price"] == Decimal("1.49")  # "for": what was paid


def test_a_pound_each_and_a_wholesaler_said_loosely() -> None:
    assert _one("got three bags of caster sugar from asda at a pound each")["price"] == Decimal(3)
    args = _one("right so I've just come back from the cash and carry with two 16 kilo sacks of strong white flour "
                "at eleven pounds each")
    assert (args["item_name"], args["quantity"], args["price"], args["store"]) == (
        "strong white flour", 32, Decimal(22), "Cash and Carry")


def test_a_corrected_name_is_replaced() -> None:
    assert _one("the eggs no wait the milk is half gone")["item_name"] == "milk"
    assert _one("bought 2 bags of flour no sorry sugar at aldi")["item_name"] == "sugar"
    assert _one("the flour, sorry, is half gone")["item_name"] == "flour"


def test_an_amount_after_a_vague_level_is_the_level() -> None:
    assert _one("flour's running low, maybe 2 kilos") == {"item_name": "flour", "quantity": 2, "unit": "KGM"}
    assert _one("the vanilla is nearly finished")["remaining_percentage"] == 10


def test_events_said_loosely() -> None:
    args = _one("um we've got a baby shower on the 8th, they want 3 dozen cake pops")
    assert (args["name"], args["date"], args["items"][0]["finished_good"], args["items"][0]["quantity"]) == (
        "Baby Shower", "2026-12-08", "cake pops", 36)
    args = _one("for the school bake sale on december 4th can you put down 100 cookies")
    assert args["items"] == [{"finished_good": "cookies", "quantity": 100}]
    assert _one("next friday's wedding needs 150 macarons")["date"] == "2026-11-27"


def test_packs_of_so_many_and_cases_of_cans() -> None:
    args = _one("two 12 packs of eggs at 4.99 each")
    assert (args["quantity"], args["unit"], args["packages"], args["package_size"], args["price"]) == (
        24, "H87", 2, 12, Decimal("9.98"))
    args = _one("bought a case of 24 cans of evaporated milk at sams club for 19.98")
    assert (args["item_name"], args["quantity"], args["unit"], args["package_size"]) == (
        "evaporated milk", 24, "CA", 24)


def test_a_barcode_is_a_placed_name_and_a_recipient_is_not_part_of_it() -> None:
    parsed = parse_utterance("bought 2 of 071012050504 for $9 at Costco", TODAY)
    assert parsed.operations[0].confidence["item_name"] == SAID
    assert _one("gave away 3 loaves of bread to the shelter")["item_name"] == "bread"
