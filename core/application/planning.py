"""Planning use cases: an event's plan and its shopping list."""

from __future__ import annotations

from typing import Any

from core.application.context import BakeryContext, event_slug
from core.planning.event_plan import EventPlan, plan_event
from core.planning.plan_report import plan_to_json, render_shopping_list_text, shopping_by_supplier


def _plan(ctx: BakeryContext, event: str, remaining_only: bool) -> EventPlan:
    bakery = ctx.catalog()
    return plan_event(bakery, event_slug(bakery, event), remaining_only=remaining_only)


def event_plan(ctx: BakeryContext, *, event: str, remaining_only: bool = False) -> dict[str, Any]:
    """Batches, ingredient totals and shopping list for one event (named by slug or name)."""
    return plan_to_json(_plan(ctx, event, remaining_only))


def shopping_list(ctx: BakeryContext, *, event: str, remaining_only: bool = False,
                  currency: str = "USD") -> dict[str, Any]:
    """What to buy for an event, grouped by supplier, plus a printable text (money in `currency`)."""
    plan = _plan(ctx, event, remaining_only)
    lines = {line["ingredient"]: line for line in plan_to_json(plan)["shopping_list"]}
    return {
        "event": plan.event_name,
        "suppliers": [
            {"supplier": name, "items": [lines[line.ingredient_slug] for line in group]}
            for name, group in shopping_by_supplier(plan)
        ],
        "text": render_shopping_list_text(plan, currency),
        "warnings": list(plan.warnings),
    }
