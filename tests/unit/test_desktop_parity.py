"""The desktop's own plans for its own export: same batches, and totals that differ only where it is wrong.

The desktop sums ingredients per unit string and skips nested recipes; here each
ingredient has one total, so the expectation converts the desktop's lines into
that unit and adds the nested recipe's part computed from the recipe data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.bakery import Bakery
from core.desktop_format.desktop_import import import_desktop
from core.measures.units import convert, parse_unit
from core.planning.event_plan import plan_event
from core.planning.ingredient_totals import basis_for
from core.recipes.scaling import ingredient_lines_per_batch
from tests.conftest import load_fixture

EXPECTED = load_fixture("desktop-plans/winter_events_desktop_plans.json")["events"]
EVENTS = [e["event"] for e in EXPECTED]


@pytest.fixture(scope="module")
def bakery() -> Bakery:
    result = import_desktop(load_fixture("desktop-plans/winter_events.json"))
    assert result.problems == []
    return result.bakery


def _expected(event: str) -> dict[str, Any]:
    return next(e for e in EXPECTED if e["event"] == event)


@pytest.mark.parametrize("event", EVENTS)
def test_batches_per_finished_unit_equal_the_desktops(bakery: Bakery, event: str) -> None:
    found = bakery.find_event(event)
    assert found is not None
    plan = plan_event(bakery, found.slug)
    want = {u["finished_unit"]: (u["needed"], u["batches"]) for u in _expected(event)["finished_unit_needs"]}
    assert {u.slug: (u.needed, u.batches) for u in plan.finished_units} == want


@pytest.mark.parametrize("event", EVENTS)
def test_batches_per_recipe_equal_the_desktops(bakery: Bakery, event: str) -> None:
    found = bakery.find_event(event)
    assert found is not None
    plan = plan_event(bakery, found.slug)
    assert {r.recipe_slug: r.batches for r in plan.recipes} == _expected(event)["batches_per_recipe"]


def test_a_portion_unit_really_yields_four_quarters_per_batch(bakery: Bakery) -> None:
    plan = plan_event(bakery, "winter-market-2026")
    quarter = next(u for u in plan.finished_units if u.slug == "bundt-quarter")
    assert (quarter.batches, quarter.produced, quarter.surplus) == (2, Decimal(8), Decimal(3))


@pytest.mark.parametrize("event", EVENTS)
def test_ingredient_totals_are_the_desktops_converted_plus_nested_recipes(bakery: Bakery, event: str) -> None:
    found = bakery.find_event(event)
    assert found is not None
    plan = plan_event(bakery, found.slug)
    ours = {t.ingredient_slug: t for t in plan.ingredients}
    assert len(ours) == len(plan.ingredients), "one total per ingredient"
    expected: dict[str, Decimal] = {}
    for line in _expected(event)["desktop_ingredient_totals_direct_only_per_unit_string"]:
        slug = line["ingredient"]
        unit = ours[slug].unit
        quantity = Decimal(str(line["quantity"]))
        expected[slug] = expected.get(slug, Decimal(0)) + convert(
            quantity, parse_unit(line["unit"]).code, unit, basis_for(slug, bakery.ingredients)
        )
    for recipe in plan.recipes:  # what the desktop leaves out: nested component recipes
        for nested in ingredient_lines_per_batch(recipe.recipe_slug, bakery.recipes):
            if len(nested.path) > 1:
                slug = nested.ingredient_slug
                expected[slug] = expected.get(slug, Decimal(0)) + convert(
                    nested.quantity * recipe.batches, nested.unit, ours[slug].unit,
                    basis_for(slug, bakery.ingredients),
                )
    assert set(ours) == set(expected)
    for slug, quantity in expected.items():
        assert abs(ours[slug].quantity - quantity) < Decimal("1e-9"), slug


def test_the_office_party_includes_the_fudge_nested_in_the_fruit_cake(bakery: Bakery) -> None:
    plan = plan_event(bakery, "office-party-2026")
    nested = [
        line for r in plan.recipes for line in ingredient_lines_per_batch(r.recipe_slug, bakery.recipes)
        if len(line.path) > 1
    ]
    assert {line.path for line in nested} == {("marble-fruit-cake", "candy-bar-fudge")}
