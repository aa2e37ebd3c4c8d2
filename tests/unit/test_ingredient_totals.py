"""Ingredient totals: every recipe and nested recipe, one unit per ingredient, exact."""

from __future__ import annotations

from core.planning.event_plan import plan_event
from tests.support.bakery_builder import BakeryBuilder, D

FLOUR_DENSITY = ("1", "cup", "4", "oz")


def _totals(b: BakeryBuilder, event: str = "e") -> dict[str, tuple[object, str]]:
    plan = plan_event(b.bakery, event)
    return {t.ingredient_slug: (t.quantity, t.unit) for t in plan.ingredients}


def test_totals_are_batches_times_each_line() -> None:
    b = BakeryBuilder().recipe("cookies", [("flour", "2.75", "cup")]).unit("cookie", "cookies", 42)
    b.event("e", [("cookie", 160)])
    assert _totals(b) == {"flour": (D("11.00"), "G21")}


def test_cups_and_tablespoons_of_one_ingredient_add_up_in_one_unit() -> None:
    b = (
        BakeryBuilder()
        .recipe("a", [("butter", "4.5", "cup")]).unit("a1", "a", 1)
        .recipe("b", [("butter", "32", "tbsp")]).unit("b1", "b", 1)
        .event("e", [("a1", 1), ("b1", 1)])
    )
    assert _totals(b) == {"butter": (D("6.5"), "G21")}


def test_cups_and_ounces_add_up_through_the_density() -> None:
    b = BakeryBuilder().ingredient("flour", FLOUR_DENSITY)
    b.recipe("a", [("flour", 2, "cup")]).unit("a1", "a", 1).recipe("b", [("flour", 8, "oz")]).unit("b1", "b", 1)
    b.recipe("c", [("flour", 4, "oz")]).unit("c1", "c", 1).event("e", [("a1", 1), ("b1", 1), ("c1", 1)])
    quantity, unit = _totals(b)["flour"]
    assert (quantity, unit) == (D(20), "ONZ")


def test_a_nested_recipe_adds_its_ingredients_scaled_by_its_multiplier() -> None:
    b = (
        BakeryBuilder()
        .recipe("fudge", [("sugar", 2, "cup")]).unit("square", "fudge", 64)
        .recipe("cake", [("sugar", 1, "cup")], components=[("fudge", "0.25")]).unit("cake1", "cake", 1)
        .event("e", [("cake1", 2)])
    )
    assert _totals(b) == {"sugar": (D(3), "G21")}


def test_thirds_of_a_cup_times_three_batches_make_a_cup() -> None:
    b = BakeryBuilder().recipe("r", [("sugar", "0.3333333", "cup")]).unit("u", "r", 1).event("e", [("u", 3)])
    plan = plan_event(b.bakery, "e")
    from core.planning.plan_report import plan_to_json

    assert plan_to_json(plan)["ingredients"] == [{"ingredient": "sugar", "quantity": 1, "unit": "G21"}]


def test_units_that_cannot_meet_stay_apart_with_a_warning() -> None:
    b = (
        BakeryBuilder()
        .recipe("a", [("caramel", 30, "each")]).unit("a1", "a", 1)
        .recipe("b", [("caramel", 2, "cup")]).unit("b1", "b", 1)
        .event("e", [("a1", 1), ("b1", 1)])
    )
    plan = plan_event(b.bakery, "e")
    assert sorted((t.quantity, t.unit) for t in plan.ingredients) == [(D(2), "G21"), (D(30), "H87")]
    assert any("caramel" in w and "density" in w for w in plan.warnings)
