"""Events remember what was planned and made; a new event can start from a past one."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from core.errors import ValidationError
from core.events import Event, EventFinishedGood, PlanState


def event_from_past(
    past: Event, slug: str, name: str, event_date: dt.date | None, scale: Decimal = Decimal(1)
) -> Event:
    """Last year's event as this year's draft: same goods and recipes, quantities × `scale`."""
    if scale <= 0:
        raise ValidationError(f"scale must be greater than 0, got {scale}", field="scale")
    if not name.strip():
        raise ValidationError("a new event needs a name", field="name")
    goods = tuple(EventFinishedGood(fg.finished_good_slug, fg.quantity * scale) for fg in past.finished_goods)
    targets = tuple(replace(t, target_quantity=t.target_quantity * scale) for t in past.assembly_targets)
    batches = tuple(replace(t, target_batches=t.target_batches * scale) for t in past.production_targets)
    return Event(
        slug=slug,
        name=name.strip(),
        event_date=event_date,
        year=event_date.year if event_date else None,
        plan_state=PlanState.DRAFT,
        recipe_slugs=past.recipe_slugs,
        finished_goods=goods,
        production_targets=batches,
        assembly_targets=targets,
        output_mode=past.output_mode,
        notes=f"Started from {past.name}" + (f" x {scale}" if scale != 1 else ""),
        extra={"started_from": past.slug},
    )
