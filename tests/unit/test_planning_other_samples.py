"""Events built on the desktop's other sample files plan as arithmetic on the raw JSON says they should.

The expectation is computed straight from the file's numbers (an oracle independent of the core):
needs through bundles, batches rounded up, ingredient totals as batches x quantity per batch.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from core.desktop_format.desktop_import import import_desktop, import_into
from core.planning.event_plan import plan_event
from tests.conftest import load_fixture


def _with_goods_and_event(data: dict[str, Any], units: list[str], event: str) -> dict[str, Any]:
    """Bare goods for `units`, a bundle of two of them (one nested in a gift), and an event wanting them."""
    data = copy.deepcopy(data)
    data["finished_goods"] = [{"slug": u, "display_name": u.replace("-", " ").title(), "assembly_type": "bare"}
                              for u in units]
    data["finished_goods"] += [{"slug": "sampler", "display_name": "Sampler", "assembly_type": "bundle"},
                               {"slug": "gift", "display_name": "Gift", "assembly_type": "bundle"}]
    data["compositions"] = [{"finished_good_slug": u, "finished_unit_slug": u, "component_quantity": 1}
                            for u in units]
    data["compositions"] += [
        {"finished_good_slug": "sampler", "finished_unit_slug": units[0], "component_quantity": 2},
        {"finished_good_slug": "sampler", "finished_unit_slug": units[1], "component_quantity": 0.5},
        {"finished_good_slug": "gift", "finished_good_component_slug": "sampler", "component_quantity": 3},
        {"finished_good_slug": "gift", "finished_unit_slug": units[1], "component_quantity": 1},
    ]
    data["event_finished_goods"] = [
        {"event_name": event, "finished_good_name": "Gift", "quantity": 7},
        {"event_name": event, "finished_good_name": "Sampler", "quantity": 5},
        {"event_name": event, "finished_good_slug": units[0], "quantity": 30},
    ]
    return data


def _oracle(data: dict[str, Any], units: list[str]) -> tuple[dict[str, Fraction], dict[str, int]]:
    """Needs and batches from the raw numbers: gift = 3 samplers + 1 of units[1]; sampler = 2 + 0.5."""
    need = {units[0]: Fraction(0), units[1]: Fraction(0)}
    samplers = 5 + 7 * 3
    need[units[0]] += 2 * samplers + 30
    need[units[1]] += Fraction(1, 2) * samplers + 7
    per_batch = {
        fu["slug"]: Fraction(str(fu.get("items_per_batch") or fu.get("unit_yield_quantity")))
        for r in data["recipes"] for fu in r.get("finished_units", [])
    }
    per_batch |= {fu["slug"]: Fraction(str(fu["items_per_batch"])) for fu in data.get("finished_units", [])
                  if fu.get("items_per_batch")}
    return need, {u: math.ceil(need[u] / per_batch[u]) for u in units}


CASES = [
    ("desktop/sample_data_min.json", ["chocolate-chip-cookie-dozen", "fudge-brownie-pan"], "Cookie Exchange 2025"),
    ("desktop/sample_data_min.json", ["sugar-cookie-dozen", "chocolate-chip-cookie-batch"], "Thanksgiving Dinner 2025"),
]


@pytest.mark.parametrize(("fixture", "units", "event"), CASES)
def test_needs_and_batches_follow_the_files_arithmetic(fixture: str, units: list[str], event: str) -> None:
    data = _with_goods_and_event(load_fixture(fixture), units, event)
    catalog = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    result = import_into(catalog, data)
    assert result.problems == []
    found = result.bakery.find_event(event)
    assert found is not None
    plan = plan_event(result.bakery, found.slug)
    need, batches = _oracle(data, units)
    assert {u.slug: u.needed for u in plan.finished_units} == {u: Decimal(n.numerator) / n.denominator
                                                               for u, n in need.items()}
    assert {u.slug: u.batches for u in plan.finished_units} == batches
    # Flour: every line in these recipes is in cups, so the total is plain arithmetic.
    recipe_of = {fu["slug"]: r for r in data["recipes"] for fu in r["finished_units"]}
    flour = Fraction(0)
    by_recipe: dict[str, int] = {}
    for unit, count in batches.items():
        by_recipe[recipe_of[unit]["slug"]] = by_recipe.get(recipe_of[unit]["slug"], 0) + count
    for slug, count in by_recipe.items():
        recipe = next(r for r in data["recipes"] if r["slug"] == slug)
        flour += count * sum(Fraction(str(i["quantity"])) for i in recipe["ingredients"]
                             if i["ingredient_slug"] == "flour_all_purpose")
    total = next(t for t in plan.ingredients if t.ingredient_slug == "flour_all_purpose")
    assert (total.unit, total.quantity) == ("G21", Decimal(flour.numerator) / flour.denominator)


def test_the_full_samples_own_event_with_goods_added_plans_every_recipe_it_asks_for() -> None:
    data = load_fixture("desktop/sample_data_all.json")
    data = copy.deepcopy(data)
    recipes = [r["slug"] for r in data["recipes"]][:6]
    data["finished_goods"] = [{"slug": f"{r}-gift", "display_name": f"{r} gift", "assembly_type": "bundle"}
                              for r in recipes]
    data["compositions"] = [{"finished_good_slug": f"{r}-gift", "finished_unit_slug": r, "component_quantity": 1.5}
                            for r in recipes]
    data["event_finished_goods"] = [{"event_name": "Christmas 2026", "finished_good_slug": f"{r}-gift",
                                     "quantity": 3} for r in recipes]
    result = import_desktop(data)
    assert result.problems == []
    plan = plan_event(result.bakery, "christmas-2026")
    assert {(r.recipe_slug, r.batches) for r in plan.recipes} == {(r, 5) for r in recipes}  # ceil(4.5)
    assert all(line.to_buy >= 0 and line.needed > 0 for line in plan.shopping_list)
