"""A record still in use is never deleted: the error names what uses it."""

from __future__ import annotations

import pytest

from core.catalog.references import check_deletable, users_of
from core.errors import ConflictError, NotFoundError
from tests.support.bakery_builder import BakeryBuilder


def _bakery() -> BakeryBuilder:
    b = BakeryBuilder().recipe("fudge", [("sugar", 1, "cup")]).unit("square", "fudge", 64)
    b.recipe("cake", [("flour", 2, "cup")], components=[("fudge", "0.25")]).unit("slice", "cake", 12)
    return b.bundle("tin", [("square", 4)]).event("fair", [("tin", 3)])


def test_a_nested_recipe_is_used_by_its_parent_and_its_finished_unit() -> None:
    assert sorted(users_of(_bakery().bakery, "recipes", "fudge")) == ["finished unit square", "recipe cake"]


def test_a_good_ordered_by_an_event_cannot_be_deleted() -> None:
    with pytest.raises(ConflictError, match="'tin' is still used by event fair"):
        check_deletable(_bakery().bakery, "finished_goods", "tin")


def test_an_unknown_record_is_not_found_and_history_is_never_deleted() -> None:
    with pytest.raises(NotFoundError):
        check_deletable(_bakery().bakery, "recipes", "ghost")
    with pytest.raises(ConflictError, match="history"):
        check_deletable(_bakery().bakery, "purchases", "p1")
