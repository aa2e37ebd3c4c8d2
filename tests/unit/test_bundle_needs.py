"""Bundles expand recursively into finished-unit needs; quantities multiply and are never truncated."""

from __future__ import annotations

import pytest

from core.errors import CycleError, NotFoundError
from core.planning.event_plan import plan_event
from tests.support.bakery_builder import BakeryBuilder, D


def _cookies() -> BakeryBuilder:
    return BakeryBuilder().recipe("cookies").unit("cookie", "cookies", 24).recipe("fudge").unit("square", "fudge", 64)


def _needs(b: BakeryBuilder, event: str = "e") -> dict[str, object]:
    return {u.slug: u.needed for u in plan_event(b.bakery, event).finished_units}


def test_a_bundle_multiplies_its_components_by_the_quantity_ordered() -> None:
    b = _cookies().bundle("tin", [("cookie", 8), ("square", 4)]).event("e", [("tin", 15)])
    assert _needs(b) == {"cookie": D(120), "square": D(60)}


def test_a_bundle_inside_a_bundle_multiplies_quantities() -> None:
    b = _cookies().bundle("tin", [("cookie", 8)]).bundle("platter", [("tin", 2), ("square", 10)]).event(
        "e", [("platter", 3)]
    )
    assert _needs(b) == {"cookie": D(48), "square": D(30)}


def test_the_same_unit_needed_through_two_bundles_is_one_summed_need() -> None:
    b = _cookies().bundle("small", [("cookie", 10)]).bundle("large", [("cookie", 15)]).event(
        "e", [("small", 1), ("large", 1)]
    )
    plan = plan_event(b.bakery, "e")
    assert [(u.slug, u.needed, u.batches) for u in plan.finished_units] == [("cookie", D(25), 2)]


def test_a_diamond_of_shared_sub_bundles_is_allowed() -> None:
    b = (
        _cookies()
        .bundle("base", [("cookie", 2)])
        .bundle("left", [("base", 1)])
        .bundle("right", [("base", 3)])
        .bundle("top", [("left", 1), ("right", 1)])
        .event("e", [("top", 5)])
    )
    assert _needs(b) == {"cookie": D(40)}


def test_a_cycle_among_bundles_is_an_error_naming_the_cycle() -> None:
    b = _cookies().bundle("a", [("cookie", 1)]).bundle("b", [("a", 1)])
    b.bundle("a", [("b", 1)]).event("e", [("a", 1)])
    with pytest.raises(CycleError, match="a -> b -> a"):
        plan_event(b.bakery, "e")


def test_half_a_unit_per_bundle_is_never_truncated() -> None:
    b = _cookies().bundle("sampler", [("square", "0.5")]).event("e", [("sampler", 3)])
    plan = plan_event(b.bakery, "e")
    assert (plan.finished_units[0].needed, plan.finished_units[0].batches) == (D("1.5"), 1)


def test_a_fraction_that_truncates_to_zero_still_counts() -> None:
    b = _cookies().bundle("taste", [("square", "0.25")]).event("e", [("taste", 1)])
    assert plan_event(b.bakery, "e").finished_units[0].batches == 1


def test_an_unknown_finished_good_is_an_error_naming_it() -> None:
    b = _cookies().event("e", [("ghost", 1)])
    with pytest.raises(NotFoundError, match="'ghost'"):
        plan_event(b.bakery, "e")
