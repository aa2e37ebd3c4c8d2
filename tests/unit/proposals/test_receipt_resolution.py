"""Receipt lines a baker can confirm as read (issue 12): one test per resolution rule, each through the path a
receipt takes in the core (the line parser, `draft_operations`, a proposal) and, where it matters, confirmed
as proposed — no edits."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product
from core.memory_repository import MemoryStore
from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import ProposedOperation, Source
from core.receipts.lines import read_receipt_text
from core.recipes.entities import Recipe, RecipeIngredient
from core.speech.operations import Operation, ParsedInput
from core.speech.parse import parse_utterance
from core.stock.lots import Lot, Purchase

TODAY = dt.date(2026, 12, 2)
AT = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)
_IDS = itertools.count(1)

INGREDIENTS = {
    "sugar_granulated": "Sugar, granulated", "sugar_powdered": "Sugar, powdered", "sugar_superfine": "Sugar, superfine",
    "cocoa_powder_natural": "Cocoa powder, natural", "butter_unsalted": "Butter, unsalted",
    "butter_salted": "Butter, salted", "milk_whole": "Milk, whole", "chocolate_chips_milk": "Chocolate chips, milk",
    "corn_syrup_dark": "Corn syrup, dark", "corn_syrup_light": "Corn syrup, light", "baking_powder": "Baking powder",
    "chocolate_baking_unsweetened": "Chocolate, baking unsweetened", "eggs_whole": "Eggs, whole",
}
PRODUCTS = (  # id, ingredient, brand, name, unit, size
    ("domino-gran-4lb", "sugar_granulated", "Domino", "Premium Pure Cane Granulated Sugar", "LBR", 4),
    ("domino-powdered-2lb", "sugar_powdered", "Domino", "Confectioners Sugar", "LBR", 2),
    ("hershey-cocoa-10oz", "cocoa_powder_natural", "Hershey's", "Natural Unsweetened Cocoa", "ONZ", 10),
    ("kerry-unsalted-8oz", "butter_unsalted", "Kerry", "Unsalted Butter", "ONZ", 8),
    ("kirkland-salted-1lb", "butter_salted", "Costco", "Kirkland Signature Salted Sweet Cream Butter", "LBR", 1),
    ("karo-dark", "corn_syrup_dark", "Karo", "Dark Corn Syrup", "OZA", 16),
    ("karo-light", "corn_syrup_light", "Karo", "Light Corn Syrup", "OZA", 16),
    ("nestle-milk-chips", "chocolate_chips_milk", "Nestle", "Milk Chocolate Morsels", "ONZ", 11.5),
    ("guittard-cocoa-rouge", "chocolate_baking_unsweetened", "Guittard", "Cocoa Rouge Cocoa Powder", "ONZ", 8),
    ("eggs-18", "eggs_whole", "Pete and Gerry's", "Large Eggs", "H87", 18),
)


def _bakery() -> Bakery:
    bakery = Bakery()
    for slug, name in INGREDIENTS.items():
        bakery.ingredients[slug] = Ingredient(slug=slug, display_name=name)
    for key, slug, brand, name, unit, size in PRODUCTS:
        bakery.products[key] = Product(id=key, ingredient_slug=slug, brand=brand, product_name=name,
                                       package_unit=unit, package_unit_quantity=Decimal(str(size)))
    return bakery


def _bought(bakery: Bakery, product_id: str, times: int = 1, *, left: bool = True) -> None:
    product = bakery.products[product_id]
    for n in range(times):
        key = f"{product_id}-{n}"
        bakery.purchases[key] = Purchase(id=key, product_id=product_id, supplier_slug=None,
                                         purchased_on=TODAY - dt.timedelta(days=30 * (n + 1)),
                                         quantity_purchased=Decimal(1), unit_price=Decimal(4))
        bakery.lots[f"lot-{key}"] = Lot(id=f"lot-{key}", product_id=product_id,
                                        ingredient_slug=product.ingredient_slug,
                                        quantity=product.package_unit_quantity if left else Decimal(0),
                                        unit=product.package_unit, unit_cost=Decimal(1), purchase_id=key,
                                        purchased_on=TODAY - dt.timedelta(days=30 * (n + 1)))


def _receipt(*items: str) -> ParsedInput:
    """The lines (name, then the price at the end of the line) as a till prints them, read by the line parser."""
    text = "\n".join(["HILLTOP GROCERY", "12/01/2026 10:22", *items, "TOTAL   99.99"])
    reading = read_receipt_text(text, TODAY)
    return ParsedInput("", "receipt", reading.operations(), list(reading.notes))


def _draft(parsed: ParsedInput, bakery: Bakery) -> tuple[list[ProposedOperation], list[str]]:
    return draft_operations(parsed, bakery)


def _confirm(bakery: Bakery, operations: list[ProposedOperation]) -> tuple[MemoryStore, Any]:
    """Submitted and confirmed exactly as proposed."""
    store = MemoryStore(bakery)
    new_id = lambda prefix: f"{prefix}-{next(_IDS)}"  # noqa: E731
    proposal = service.submit(store.unit_of_work(), source=Source.RECEIPT, operations=operations, by="baker",
                              model="offline-receipt-ocr", at=AT, new_id=new_id)
    return store, service.confirm(store.unit_of_work(), proposal.id, by="baker", at=AT, new_id=new_id)


def _bought_now(store: MemoryStore, confirmed: Any, index: int = 0) -> tuple[Purchase, Product]:
    key = next(c.key for c in confirmed.effects[index].created if c.collection == "purchases")
    purchase = store.bakery.purchases[key]
    return purchase, store.bakery.products[purchase.product_id]


def test_a_name_several_ingredients_share_is_what_this_bakery_buys_preselected_and_flagged() -> None:
    bakery = _bakery()
    _bought(bakery, "domino-gran-4lb", 3)
    (op,), _ = _draft(_receipt("SUGAR 10 LB   7.99"), bakery)
    assert op.args["ingredient_slug"] == "sugar_granulated"
    assert any("matched by what you usually buy" in f for f in op.flags)
    assert {a["key"] for a in op.args["alternatives"]} >= {"sugar_powdered"}


def test_without_anything_bought_held_or_baked_with_a_shared_name_is_left_to_the_baker() -> None:
    (op,), notes = _draft(_receipt("SUGAR 10 LB   7.99"), _bakery())
    assert "ingredient_slug" not in op.args and "product_id" not in op.args
    assert any("matches several" in n for n in notes) and len(op.args["alternatives"]) >= 2


def test_what_is_in_stock_ranks_next_then_what_the_recipes_use() -> None:
    bakery = _bakery()
    _bought(bakery, "domino-powdered-2lb", 1)
    bakery.purchases.clear()  # held (a lot from the starting stock), never bought here
    (op,), _ = _draft(_receipt("SUGAR 10 LB   7.99"), bakery)
    assert op.args["ingredient_slug"] == "sugar_powdered"
    assert any("matched by what you have in stock" in f for f in op.flags)
    baked = _bakery()
    baked.recipes["cookies"] = Recipe(slug="cookies", name="Cookies", ingredients=(
        RecipeIngredient("sugar_granulated", Decimal(1), "G21"),))
    (op,), _ = _draft(_receipt("SUGAR 10 LB   7.99"), baked)
    assert op.args["ingredient_slug"] == "sugar_granulated"
    assert any("matched by what your recipes use" in f for f in op.flags)


def test_the_product_whose_package_is_the_size_read_is_chosen() -> None:
    bakery = _bakery()
    bakery.products["hershey-cocoa-8oz"] = Product(
        id="hershey-cocoa-8oz", ingredient_slug="cocoa_powder_natural", brand="Hershey's",
        product_name="Natural Unsweetened Cocoa", package_unit="ONZ", package_unit_quantity=Decimal(8))
    (op,), _ = _draft(_receipt("HERSHEYS COCOA NAT UNSWT 8OZ   3.79"), bakery)
    assert op.args["product_id"] == "hershey-cocoa-8oz"
    (op,), _ = _draft(_receipt("HRSHY COCOA NAT UNSWT 0.625 LB   3.79"), bakery)  # 10 oz, in pounds
    assert op.args["product_id"] == "hershey-cocoa-10oz"


def test_when_no_package_is_the_size_read_a_new_product_of_the_ingredient_is_proposed_and_confirms() -> None:
    """The issue: the receipt's 8-oz tin was matched to the catalog's 10-oz product and could not be confirmed."""
    bakery = _bakery()
    operations, _ = _draft(_receipt("HERSHEYS COCOA NAT UNSWT 8OZ   3.79"), bakery)
    (op,) = operations
    assert op.args["ingredient_slug"] == "cocoa_powder_natural" and "product_id" not in op.args
    assert op.args["brand"] == "Hershey's"
    assert any("confirming adds a new product of Cocoa powder, natural, 8 oz" in f for f in op.flags)
    store, confirmed = _confirm(bakery, operations)
    purchase, product = _bought_now(store, confirmed)
    assert (product.ingredient_slug, product.package_unit, product.package_unit_quantity, product.brand) == \
        ("cocoa_powder_natural", "ONZ", Decimal(8), "Hershey's")
    assert purchase.quantity_purchased == 1 and product.id != "hershey-cocoa-10oz"


def test_a_bare_count_of_a_packaged_product_is_that_many_packages() -> None:
    """The issue: '4 H87 cannot be counted in Kerry Unsalted Butter's packages (ONZ)'."""
    bakery = _bakery()
    operations, _ = _draft(_receipt("KERRY UNSALTED BUTTER   15.96", "  4 @ 3.99"), bakery)
    (op,) = operations
    args = op.args
    assert (args["product_id"], args["packages"], args["package_size"], args["quantity"], args["unit"]) == \
        ("kerry-unsalted-8oz", 4, 8, 32, "ONZ")
    assert any("read as 4 packages of" in f for f in op.flags)
    store, confirmed = _confirm(bakery, operations)
    purchase, product = _bought_now(store, confirmed)
    assert (product.id, purchase.quantity_purchased, purchase.unit_price) == \
        ("kerry-unsalted-8oz", 4, Decimal("3.99"))


def test_a_count_said_as_pieces_of_a_counted_product_stays_pieces() -> None:
    """Speech: "a dozen eggs" is 12 eggs, not 12 cartons of 18."""
    parsed = parse_utterance("I bought a dozen eggs for $4.50", TODAY)
    (op,), _ = _draft(parsed, _bakery())
    assert (op.args["quantity"], op.args["unit"]) == (12, "H87") and op.args.get("packages") != 12


def test_a_unit_word_inside_the_name_is_the_size() -> None:
    bakery = _bakery()
    operations, _ = _draft(_receipt("2 @ 3.89 WHOLE MILK GAL   7.78"), bakery)
    (op,) = operations
    args = op.args
    assert (args["ingredient_slug"], args["quantity"], args["unit"], args["packages"], args["package_size"]) == \
        ("milk_whole", 2, "GLL", 2, 1)
    store, confirmed = _confirm(bakery, operations)
    purchase, product = _bought_now(store, confirmed)
    assert (product.package_unit, product.package_unit_quantity, purchase.quantity_purchased) == \
        ("GLL", Decimal(1), 2)


def test_a_multipack_whose_total_is_one_package_is_that_package() -> None:
    bakery = _bakery()
    operations, _ = _draft(_receipt("KS SALTED BUTTER 4X4OZ   5.49"), bakery)
    (op,) = operations
    assert (op.args["product_id"], op.args["packages"], op.args["package_size"], op.args["quantity"]) == \
        ("kirkland-salted-1lb", 1, 16, 16)
    store, confirmed = _confirm(bakery, operations)
    assert _bought_now(store, confirmed)[0].quantity_purchased == 1


def test_a_name_that_explains_more_of_the_line_wins_over_what_is_bought_more() -> None:
    bakery = _bakery()
    _bought(bakery, "karo-light", 5)
    (op,), _ = _draft(_receipt("KARO DK CORN SYRUP 16 FL OZ   4.29"), bakery)
    assert op.args["product_id"] == "karo-dark"


def test_what_an_ingredient_is_comes_before_what_is_bought() -> None:
    """"milk" is Milk, whole however much milk chocolate is bought; an exact name is that ingredient."""
    bakery = _bakery()
    _bought(bakery, "nestle-milk-chips", 6)
    _bought(bakery, "guittard-cocoa-rouge", 6)
    (milk,), _ = _draft(_receipt("MILK   3.49"), bakery)
    assert milk.args["ingredient_slug"] == "milk_whole"
    (powder,), _ = _draft(_receipt("BAKING POWDER 10OZ   2.89"), bakery)
    assert powder.args["ingredient_slug"] == "baking_powder"


def test_british_baking_words_find_the_american_names() -> None:
    (op,), _ = _draft(_receipt("CASTER SUGAR 1KG   1.25"), _bakery())
    assert op.args["ingredient_slug"] == "sugar_superfine"


def test_something_no_bakery_catalog_has_is_flagged_never_matched() -> None:
    (op,), notes = _draft(_receipt("PAPER TOWELS 6 RL   8.99"), _bakery())
    assert "ingredient_slug" not in op.args and any("matches nothing" in n for n in notes)


def test_a_spoken_purchase_still_resolves_as_before() -> None:
    """Shared with speech: a brand and name said pick the product; its size fits."""
    parsed = parse_utterance("two 4 lb bags of Domino granulated sugar for $7", TODAY)
    (op,), _ = _draft(parsed, _bakery())
    assert (op.args["product_id"], op.args["quantity"]) == ("domino-gran-4lb", 8)
    spoken = Operation("add_purchase", {"item_name": "butter", "brand": "Kerry", "quantity": Decimal(3),
                                        "unit": "H87", "price": Decimal(12)}, {"unit": 1.0})
    (op,), _ = _draft(ParsedInput("3 Kerry butter", "purchase", [spoken]), _bakery())
    assert (op.args["product_id"], op.args["packages"]) == ("kerry-unsalted-8oz", 3)  # three packages of it
