"""Batches per finished unit: never fewer than needed, never one too many."""

from __future__ import annotations

import pytest

from core.planning.event_plan import plan_event
from tests.support.bakery_builder import BakeryBuilder, D


def _plan_one_unit(per_batch: int, need: int | str) -> tuple[int, object]:
    b = BakeryBuilder().recipe("cookies").unit("cookie", "cookies", per_batch).event("fair", [("cookie", need)])
    unit = plan_event(b.bakery, "fair").finished_units[0]
    return unit.batches, unit.surplus


@pytest.mark.parametrize(
    ("need", "per_batch", "batches", "surplus"),
    [(300, 48, 7, 36), (5, 24, 1, 19), (50, 24, 3, 22), (48, 48, 1, 0), (96, 48, 2, 0)],
)
def test_discrete_units_round_batches_up(need: int, per_batch: int, batches: int, surplus: int) -> None:
    assert _plan_one_unit(per_batch, need) == (batches, D(surplus))


def test_an_exact_fit_has_no_surplus() -> None:
    assert _plan_one_unit(24, 72) == (3, D(0))


def test_a_whole_batch_portion_needs_one_batch_each() -> None:
    b = BakeryBuilder().recipe("cake").portion("whole-cake", "cake", 100).event("party", [("whole-cake", 3)])
    assert plan_event(b.bakery, "party").finished_units[0].batches == 3


def test_a_quarter_portion_rounds_up_and_yields_four_per_batch() -> None:
    b = BakeryBuilder().recipe("bundt").portion("quarter", "bundt", 25).event("party", [("quarter", 10)])
    unit = plan_event(b.bakery, "party").finished_units[0]
    assert (unit.batches, unit.per_batch, unit.produced, unit.surplus) == (3, D(4), D(12), D(2))


def test_a_cake_sold_whole_and_in_slices_keeps_both_needs_and_adds_their_batches() -> None:
    b = (
        BakeryBuilder()
        .recipe("cake")
        .unit("whole", "cake", 1)
        .unit("slice", "cake", 12)
        .event("party", [("whole", 2), ("slice", 30)])
    )
    plan = plan_event(b.bakery, "party")
    assert {u.slug: u.batches for u in plan.finished_units} == {"whole": 2, "slice": 3}
    assert [(r.recipe_slug, r.batches) for r in plan.recipes] == [("cake", 5)]


def test_a_recipe_nobody_needs_is_not_planned() -> None:
    b = BakeryBuilder().recipe("a").unit("a1", "a", 10).recipe("b").unit("b1", "b", 10).event("e", [("a1", 5)])
    assert [r.recipe_slug for r in plan_event(b.bakery, "e").recipes] == ["a"]
