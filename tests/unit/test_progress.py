"""Progress: production runs against an event; the shopping list covers only what remains."""

from __future__ import annotations

from core.planning.event_plan import plan_event
from tests.support.bakery_builder import BakeryBuilder, D


def test_more_batches_made_than_planned_leave_nothing_remaining_and_an_overage() -> None:
    b = BakeryBuilder().recipe("r").unit("u", "r", 10).event("e", [("u", 50)])
    b.production("run1", "r", 7, "e").production("other", "r", 3, None)
    recipe = plan_event(b.bakery, "e").recipes[0]
    assert (recipe.batches, recipe.completed, recipe.remaining, recipe.overage) == (5, D(7), D(0), D(2))


def test_the_shopping_list_in_production_covers_only_remaining_batches() -> None:
    b = BakeryBuilder().recipe("r", [("flour", 100, "g")]).unit("u", "r", 1).event("e", [("u", 5)])
    b.product("p", "flour", 1000, "g").lot("l1", "p", 200).production("run1", "r", 2, "e")
    line = plan_event(b.bakery, "e", remaining_only=True).shopping_list[0]
    assert (line.needed, line.on_hand, line.to_buy) == (D(300), D(200), D(100))
