"""Each grammar rule on its own: purchases, inventory levels, events, and what is flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core.speech.parse import parse_utterance

TODAY = dt.date(2026, 11, 20)


def _args(text: str, k: int = 0) -> dict[str, Any]:
    return parse_utterance(text, TODAY).operations[k].args


# purchases ---------------------------------------------------------------------------------

def test_packages_of_a_size_are_bought_as_their_total_weight() -> None:
    args = _args("two 5 lb bags of flour")
    assert (args["quantity"], args["unit"], args["packages"], args["package_size"]) == (10, "LBR", 2, 5)


def test_a_price_each_is_multiplied_by_the_packages() -> None:
    assert _args("three 16 oz bags of chocolate chips at $2.99 each")["price"] == Decimal("8.97")


def test_a_price_per_pound_is_multiplied_by_the_pounds_bought() -> None:
    assert _args("got 2 kg of butter at $4 a pound")["price"] == Decimal("17.64")


def test_a_price_per_pound_cannot_apply_to_bags_of_unknown_size_and_is_flagged() -> None:
    parsed = parse_utterance("two bags of flour at $1 a pound", TODAY)
    assert parsed.operations[0].args["price"] is None
    assert any("per pound" in note for note in parsed.unresolved)


def test_price_words_eight_bucks_and_dollars_and_cents_are_money() -> None:
    assert _args("eight bucks for a pound of pecans")["price"] == 8
    assert _args("a pound of pecans for 8 dollars and 50 cents")["price"] == Decimal("8.5")
    assert _args("a pound of pecans for four ninety nine")["price"] == Decimal("4.99")


def test_one_price_for_several_items_is_not_split_but_flagged() -> None:
    parsed = parse_utterance("two pounds of butter and a dozen eggs at Costco for $14", TODAY)
    assert [op.args["price"] for op in parsed.operations] == [None, None]
    assert any("14" in note and "together" in note for note in parsed.unresolved)


def test_a_stated_total_prices_the_one_line_left_without_a_price() -> None:
    parsed = parse_utterance("butter for $8 and 2 cups of flour, $10 total", TODAY)
    assert [op.args["price"] for op in parsed.operations] == [8, 2]
    assert parsed.operations[1].confidence["price"] < 1


def test_store_after_at_or_from_is_taken_and_known_stores_are_spelled_right() -> None:
    assert _args("a pound of butter from trader joes for $4")["store"] == "Trader Joe's"
    assert _args("a pound of butter at the corner market for $4")["store"] == "Corner Market"


def test_a_known_brand_is_split_from_the_item_name() -> None:
    args = _args("a 5 lb bag of King Arthur bread flour for $7")
    assert (args["brand"], args["item_name"]) == ("King Arthur", "bread flour")


def test_a_missing_store_quantity_or_price_is_flagged_never_guessed() -> None:
    parsed = parse_utterance("bought flour", TODAY)
    args = parsed.operations[0].args
    assert (args["quantity"], args["price"], args["store"]) == (None, None, None)
    assert {"quantity of flour not said", "price of flour not said", "store: not said"} <= set(parsed.unresolved)


def test_eggs_are_an_item_not_a_unit() -> None:
    args = _args("6 eggs for $2")
    assert (args["item_name"], args["quantity"], args["unit"]) == ("eggs", 6, "H87")


def test_yesterday_dates_the_purchase() -> None:
    assert _args("yesterday I bought a pound of butter for $4")["purchased_on"] == "2026-11-19"


# inventory levels -------------------------------------------------------------------------

def test_gone_means_the_rest_is_left() -> None:
    assert _args("the milk is a quarter gone")["remaining_percentage"] == 75


def test_full_and_left_mean_what_is_left() -> None:
    assert _args("flour bag about 40% full")["remaining_percentage"] == 40
    assert _args("a quarter of the sugar left")["remaining_percentage"] == 25


def test_out_of_is_zero() -> None:
    assert _args("we ran out of baking soda") == {"item_name": "baking soda", "remaining_percentage": 0}


def test_a_vague_level_is_low_confidence_and_flagged() -> None:
    parsed = parse_utterance("the vanilla is almost empty", TODAY)
    assert parsed.operations[0].confidence["remaining_percentage"] < 1
    assert parsed.unresolved


def test_an_amount_left_is_a_quantity_not_a_percentage() -> None:
    args = _args("only 2 cups of flour left")
    assert (args["quantity"], args["unit"]) == (2, "G21")
    assert "remaining_percentage" not in args


def test_several_items_share_the_level_said_after_them() -> None:
    parsed = parse_utterance("butter and cream cheese are half gone", TODAY)
    assert [(op.args["item_name"], op.args["remaining_percentage"]) for op in parsed.operations] == [
        ("butter", 50), ("cream cheese", 50)
    ]


# events -----------------------------------------------------------------------------------

def test_a_date_without_a_year_is_the_next_one_on_or_after_today() -> None:
    assert _args("bake sale on November 20: 50 cookies")["date"] == "2026-11-20"
    assert _args("bake sale on November 19: 50 cookies")["date"] == "2027-11-19"


def test_dozens_become_pieces() -> None:
    items = _args("bake sale on December 12th: 10 dozen sugar cookies")["items"]
    assert items == [{"finished_good": "sugar cookies", "quantity": 120, "said": "10 dozen"}]


def test_pans_keep_their_count_and_are_flagged() -> None:
    parsed = parse_utterance("bake sale on December 12th: 4 pans of brownies", TODAY)
    assert parsed.operations[0].args["items"] == [{"finished_good": "brownies", "quantity": 4, "per": "pan"}]
    assert any("pan" in note for note in parsed.unresolved)


def test_weekdays_and_relative_days_resolve_from_today() -> None:
    assert _args("potluck on Sunday: 2 pies")["date"] == "2026-11-22"
    assert _args("party tomorrow with 20 cookies")["date"] == "2026-11-21"
    assert _args("party in two weeks with 20 cookies")["date"] == "2026-12-04"


def test_an_event_without_a_name_is_flagged() -> None:
    parsed = parse_utterance("on December 3rd we need 40 cookies", TODAY)
    assert parsed.operations[0].args["name"] is None
    assert "event name not said" in parsed.unresolved


def test_an_impossible_date_is_flagged() -> None:
    parsed = parse_utterance("party on February 30th with 10 cookies", TODAY)
    assert parsed.operations[0].args["date"] is None
    assert any("not a calendar day" in note for note in parsed.unresolved)


def test_json_output_has_the_cli_shape() -> None:
    out = parse_utterance("I bought two pounds of flour at Costco for $8", TODAY).to_json()
    assert out["operations"] == [{"op": "add_purchase", "args": {
        "item_name": "flour", "quantity": 2, "unit": "LBR", "price": 8, "store": "Costco"}}]


@pytest.mark.parametrize("text", ["the weather is lovely today", "hello there", "what should I bake next",
                                  "remind me to call mum"])
def test_a_sentence_about_nothing_bought_proposes_nothing(text: str) -> None:
    parsed = parse_utterance(text, dt.date(2026, 11, 20))
    assert (parsed.kind, parsed.operations) == ("unknown", [])
    assert parsed.unresolved
