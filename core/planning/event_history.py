"""Events remember what was planned and made; a new event can start from a past one.

What was made is shown run by run (`run_history`), each with what it could not deduct from stock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.desktop_format.run_details import not_deducted_of
from core.errors import ValidationError
from core.measures.quantities import as_number
from core.planning.events import AssemblyRun, Event, EventFinishedGood, NotDeducted, PlanState, ProductionRun


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


def not_deducted_json(items: Iterable[NotDeducted], item_word: str = "ingredient") -> list[dict[str, Any]]:
    """Needs left in stock because their lots cannot be converted: what, how much, why, and the fix."""
    return [{item_word: n.item_slug, "quantity": as_number(n.quantity), "unit": n.unit, "reason": n.reason,
             "fix": n.fix, "lots": list(n.lot_ids)} for n in items]


def production_run_json(run: ProductionRun) -> dict[str, Any]:
    """One production run as the baker sees it; `cost_per_unit` is null when the cost is incomplete."""
    cost_per_unit = run.cost_per_unit
    return {
        "run_id": run.id, "recipe": run.recipe_slug, "finished_unit": run.finished_unit_slug,
        "batches": as_number(run.batches), "produced_at": run.produced_at.isoformat(), "event": run.event_slug,
        "expected_yield": as_number(run.expected_yield), "actual_yield": as_number(run.actual_yield),
        "ingredient_cost": as_number(run.ingredient_cost), "cost_complete": run.ingredient_cost_complete,
        "cost_per_unit": None if cost_per_unit is None else as_number(cost_per_unit),
        "not_deducted": not_deducted_json(not_deducted_of(run)),
    }


def assembly_run_json(run: AssemblyRun) -> dict[str, Any]:
    """One assembly run as the baker sees it."""
    return {
        "run_id": run.id, "finished_good": run.finished_good_slug, "quantity": as_number(run.quantity),
        "assembled_at": run.assembled_at.isoformat(), "event": run.event_slug,
        "packaging_cost": as_number(run.packaging_cost), "cost_complete": run.packaging_cost_complete,
        "not_deducted": not_deducted_json(not_deducted_of(run), "material"),
    }


def run_history(production_runs: Iterable[ProductionRun], assembly_runs: Iterable[AssemblyRun]) -> dict[str, Any]:
    """What was made (for an event, from `runs_for_event`), oldest first, with every run's not-deducted list.

    `with_not_deducted` counts the runs whose ingredient or packaging cost is a lower bound for that reason.
    """
    made = sorted(production_runs, key=lambda r: (r.produced_at, r.id))
    assembled = sorted(assembly_runs, key=lambda r: (r.assembled_at, r.id))
    return {
        "production_runs": [production_run_json(r) for r in made],
        "assembly_runs": [assembly_run_json(r) for r in assembled],
        "with_not_deducted": sum(r.has_not_deducted for r in made) + sum(r.has_not_deducted for r in assembled),
    }
