"""Planning use cases: an event's plan and its shopping list."""

from __future__ import annotations

from decimal import Decimal
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


def scale_recipe(ctx: BakeryContext, *, recipe: str, ingredient: str, amount: Decimal, unit: str) -> dict[str, Any]:
    """A recipe scaled so that it uses `amount` `unit` of one ingredient, with its baker's percentages."""
    from core.measures.units import unit_code
    from core.recipes.scale_report import scale_recipe_json

    return scale_recipe_json(ctx.catalog(), recipe, ingredient, amount, unit_code(unit, where="unit"))


def can_make(ctx: BakeryContext, *, event: str) -> dict[str, Any]:
    """How much of an event the stock on hand makes, what limits each recipe, what to buy for the rest."""
    from core.planning.can_make import can_make as stock_covers
    from core.planning.can_make import can_make_json

    bakery = ctx.catalog()
    return can_make_json(stock_covers(bakery, event_slug(bakery, event)))


def event_cost(ctx: BakeryContext, *, event: str, remaining_only: bool = False,
               currency: str = "USD") -> dict[str, Any]:
    """What an event costs from the lots it would use and the last prices, per batch, unit and good."""
    from core.planning.costing import event_cost as cost_of
    from core.planning.costing import event_cost_json

    bakery = ctx.catalog()
    return event_cost_json(cost_of(bakery, event_slug(bakery, event), remaining_only=remaining_only), currency)
