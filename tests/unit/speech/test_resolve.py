"""Resolving parsed names against a catalog: clear matches filled in, ties and misses flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product, Supplier
from core.speech.parse import parse_utterance
from core.speech.resolve import resolve_against

TODAY = dt.date(2026, 11, 20)


def _bakery() -> Bakery:
    bakery = Bakery()
    bakery.ingredients["flour_bread"] = Ingredient(slug="flour_bread", display_name="Bread flour")
    bakery.ingredients["butter_unsalted"] = Ingredient(slug="butter_unsalted", display_name="Butter, unsalted")
    bakery.ingredients["butter_salted"] = Ingredient(slug="butter_salted", display_name="Butter, salted")
    bakery.products["ka-bread"] = Product(
        id="ka-bread", ingredient_slug="flour_bread", brand="King Arthur", product_name="Bread Flour",
        package_unit="LBR", package_unit_quantity=Decimal(5), upc="071012050504",
    )
    bakery.suppliers["costco"] = Supplier(slug="costco", name="Costco")
    return bakery


def test_a_brand_and_name_match_picks_the_product_and_its_ingredient() -> None:
    parsed = parse_utterance("a 5 lb bag of King Arthur bread flour for $7 at Costco", TODAY)
    resolved = resolve_against(parsed, _bakery())
    args = resolved.operations[0].args
    assert (args["product_id"], args["ingredient_slug"], args["supplier_slug"]) == ("ka-bread", "flour_bread", "costco")


def test_a_name_matching_two_ingredients_equally_is_flagged_with_alternatives() -> None:
    resolved = resolve_against(parse_utterance("butter is half gone", TODAY), _bakery())
    args = resolved.operations[0].args
    assert "ingredient_slug" not in args
    assert {a["key"] for a in args["alternatives"]} == {"butter_unsalted", "butter_salted"}
    assert any("matches several" in note for note in resolved.unresolved)


def test_a_name_matching_nothing_is_flagged() -> None:
    resolved = resolve_against(parse_utterance("we're out of saffron", TODAY), _bakery())
    assert any("'saffron' matches nothing" in note for note in resolved.unresolved)


def test_a_spoken_upc_finds_its_product() -> None:
    resolved = resolve_against(parse_utterance("bought 2 of 071012050504 for $9 at Costco", TODAY), _bakery())
    assert resolved.operations[0].args["product_id"] == "ka-bread"


def test_a_category_is_never_what_was_bought() -> None:
    """The desktop's hierarchy: "Dairy & Eggs" (level 0) > "Eggs" (level 1) > "Eggs, whole" (level 2). Products
    and recipes use leaves only, so "eggs" must not resolve to the category "Eggs" (its purchase would stock
    nothing a recipe uses); the leaves it could mean are offered instead."""
    bakery = _bakery()
    bakery.ingredients["dairy_eggs"] = Ingredient(slug="dairy_eggs", display_name="Dairy & Eggs", hierarchy_level=0)
    bakery.ingredients["eggs"] = Ingredient(slug="eggs", display_name="Eggs", hierarchy_level=1,
                                            parent_slug="dairy_eggs")
    for slug, name in (("eggs_whole", "Eggs, whole"), ("egg_yolks", "Egg yolks")):
        bakery.ingredients[slug] = Ingredient(slug=slug, display_name=name, parent_slug="eggs")
    resolved = resolve_against(parse_utterance("I bought a dozen eggs at Costco for $4.50", TODAY), bakery)
    args = resolved.operations[0].args
    assert args.get("ingredient_slug") not in ("eggs", "dairy_eggs")
    offered = {a["key"] for a in args["alternatives"]}
    # the leaf whose name is what was said ("Eggs, whole": eggs, qualified) is chosen, or offered
    assert "eggs_whole" in offered | {args.get("ingredient_slug")} and not offered & {"eggs", "dairy_eggs"}
