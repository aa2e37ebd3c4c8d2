"""Last year's numbers start this year's plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import ValidationError
from core.planning.event_history import event_from_past
from core.planning.event_plan import plan_event
from core.planning.events import PlanState
from tests.support.bakery_builder import BakeryBuilder


def test_a_new_event_from_a_past_one_scales_its_quantities_and_starts_as_a_draft() -> None:
    b = BakeryBuilder().recipe("r").unit("cookie", "r", 24).event("fair-2025", [("cookie", 100)])
    new = event_from_past(b.bakery.events["fair-2025"], "fair-2026", "Fair 2026", dt.date(2026, 12, 5), Decimal("1.5"))
    assert [(fg.finished_good_slug, fg.quantity) for fg in new.finished_goods] == [("cookie", Decimal(150))]
    assert (new.plan_state, new.year, new.extra["started_from"]) == (PlanState.DRAFT, 2026, "fair-2025")
    b.bakery.events[new.slug] = new
    assert plan_event(b.bakery, "fair-2026").finished_units[0].batches == 7


def test_the_past_event_is_left_as_it_was() -> None:
    b = BakeryBuilder().recipe("r").unit("cookie", "r", 24).event("fair-2025", [("cookie", 100)])
    past = b.bakery.events["fair-2025"]
    event_from_past(past, "fair-2026", "Fair 2026", None, Decimal(2))
    assert past.finished_goods[0].quantity == 100


@pytest.mark.parametrize("scale", [Decimal(0), Decimal(-1)])
def test_a_scale_must_be_positive(scale: Decimal) -> None:
    b = BakeryBuilder().recipe("r").unit("cookie", "r", 24).event("fair-2025", [("cookie", 100)])
    with pytest.raises(ValidationError, match="scale must be greater than 0"):
        event_from_past(b.bakery.events["fair-2025"], "x", "X", None, scale)
