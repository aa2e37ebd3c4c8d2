"""What an event costs: each recipe batch, each finished unit and good, and the whole event; planned vs actual.

Each recipe's batches are taken from a copy of the lots by FIFO, recipe after recipe in the plan's order
(`core.stock.dry_run`, the same calls a production run makes), so with no purchase in between the planned
cost of a recipe is the ingredient cost its production run records. What stock does not cover is priced at
the bakery's last price for the ingredient's preferred product (price per package ÷ package size, per package
unit, converted into the need's unit): the cost of what is used, not of whole packages. A line with no price
(no product, never bought, a unit that cannot be converted, a lot without a cost) is listed, and the costs it
belongs to say `complete: false`.

A finished unit costs its recipe's batch cost ÷ the units a batch yields; a finished good the sum of its
components (packaging is not priced). With a target margin on a good (`target_margin_percentage`, a field the
desktop ignores), the suggested price is cost ÷ (1 − margin). Planned vs actual: for each recipe the event's
production runs made, the planned cost of that many batches against the ingredient cost the runs recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.measures.quantities import ZERO, as_number
from core.measures.units import can_convert, convert, symbol_for
from core.planning.buffers import MARGIN_FIELD, percentage_field
from core.planning.event_plan import EventPlan, plan_event
from core.planning.shopping import LastPurchases, bought_of, preferred_product
from core.recipes.finished_goods import ComponentKind
from core.stock.dry_run import NeedDrawn, basis_of, dry_run
from core.stock.lots import Lot


@dataclass(frozen=True, slots=True)
class LineCost:
    ingredient_slug: str
    quantity: Decimal  # for all the recipe's batches, in `unit`
    unit: str
    from_stock: Decimal  # FIFO cost of what the lots cover (known part)
    to_buy_quantity: Decimal  # what the lots do not cover, in `unit`
    to_buy_cost: Decimal | None  # at the last price; None: no price
    unpriced: str = ""  # why part of this line has no cost


@dataclass(frozen=True, slots=True)
class RecipeCost:
    recipe_slug: str
    recipe_name: str
    batches: Decimal
    lines: tuple[LineCost, ...]

    @property
    def total(self) -> Decimal:
        """The known part: stock at FIFO cost + what must be bought at its last price."""
        return sum((line.from_stock + (line.to_buy_cost or ZERO) for line in self.lines), ZERO)

    @property
    def from_stock(self) -> Decimal:
        return sum((line.from_stock for line in self.lines), ZERO)

    @property
    def complete(self) -> bool:
        return not any(line.unpriced for line in self.lines)

    @property
    def per_batch(self) -> Decimal | None:
        return self.total / self.batches if self.batches else None


@dataclass(frozen=True, slots=True)
class ItemCost:
    slug: str
    cost: Decimal  # per piece (known part)
    complete: bool
    margin: Decimal | None = None  # target margin percentage, for a good that has one
    suggested_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Actual:
    recipe_slug: str
    batches: Decimal
    cost: Decimal  # what the runs recorded
    complete: bool
    planned: Decimal | None  # the planned cost per batch × these batches


@dataclass(frozen=True, slots=True)
class EventCost:
    plan: EventPlan
    recipes: tuple[RecipeCost, ...]
    finished_units: tuple[ItemCost, ...]
    finished_goods: tuple[ItemCost, ...]  # the goods the event orders
    actual: tuple[Actual, ...]

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.recipes), ZERO)

    @property
    def complete(self) -> bool:
        return all(r.complete for r in self.recipes)


def event_cost(bakery: Bakery, event_slug: str, *, remaining_only: bool = False) -> EventCost:
    plan = plan_event(bakery, event_slug, remaining_only=remaining_only)
    working: dict[str, Lot] = dict(bakery.lots)
    recipes = []
    bought = bought_of(bakery)
    for recipe in plan.recipes:
        batches = recipe.remaining if remaining_only else Decimal(recipe.batches)
        run = dry_run(recipe.recipe_slug, batches, bakery.recipes, bakery.ingredients, working)
        working = run.lots
        lines = tuple(_line_cost(bakery, drawn, bought) for drawn in run.drawn)
        recipes.append(RecipeCost(recipe.recipe_slug, recipe.recipe_name, batches, lines))
    units = _unit_costs(bakery, recipes, {u.slug for u in plan.finished_units})
    goods = _good_costs(bakery, plan, units)
    return EventCost(plan, tuple(recipes), tuple(units.values()), goods, _actual(bakery, plan, recipes))


def _line_cost(bakery: Bakery, drawn: NeedDrawn, bought: LastPurchases) -> LineCost:
    need, used = drawn.need, drawn.consumption
    why = []
    if used.lots_without_cost:
        why.append(f"lots without a cost: {', '.join(used.lots_without_cost)}")
    to_buy_cost: Decimal | None = ZERO
    if drawn.missing > 0:
        if drawn.blocked_lots:
            to_buy_cost = None
            why.append(f"lots {', '.join(drawn.blocked_lots)} cannot be converted into {symbol_for(need.unit)}")
        else:
            to_buy_cost, reason = _at_last_price(bakery, need.ingredient_slug, drawn.missing, need.unit, bought)
            if reason:
                why.append(reason)
    return LineCost(need.ingredient_slug, need.quantity, need.unit, used.known_cost, drawn.missing, to_buy_cost,
                    "; ".join(why))


def _at_last_price(bakery: Bakery, slug: str, quantity: Decimal, unit: str,
                   bought: LastPurchases) -> tuple[Decimal | None, str]:
    product = preferred_product(bakery, slug, bought)
    if product is None:
        return None, "no product on file"
    purchase = bought.last(product.id)
    if purchase is None or product.package_unit_quantity <= 0:
        return None, f"{product.label} was never bought: no price"
    basis = basis_of(slug, bakery.ingredients)
    if not can_convert(unit, product.package_unit, basis):
        return None, (f"{product.label} comes in {symbol_for(product.package_unit)}, which cannot be compared "
                      f"with {symbol_for(unit)}")
    per_unit = purchase.unit_price / product.package_unit_quantity
    return convert(quantity, unit, product.package_unit, basis) * per_unit, ""


def _unit_costs(bakery: Bakery, recipes: list[RecipeCost], planned: set[str]) -> dict[str, ItemCost]:
    """The event's finished units (those the plan bakes), each at its recipe's batch cost ÷ its yield."""
    costs: dict[str, ItemCost] = {}
    for recipe in recipes:
        per_batch = recipe.per_batch
        for unit in bakery.finished_units_of(recipe.recipe_slug):
            if per_batch is not None and unit.slug in planned:
                costs[unit.slug] = ItemCost(unit.slug, per_batch / unit.units_per_batch, recipe.complete)
    return costs


def _good_costs(bakery: Bakery, plan: EventPlan, units: Mapping[str, ItemCost]) -> tuple[ItemCost, ...]:
    event = bakery.events[plan.event_slug]
    slugs = [fg.finished_good_slug for fg in event.finished_goods] or [t.finished_good_slug
                                                                        for t in event.assembly_targets]
    out = []
    for slug in sorted(set(slugs)):
        priced = _piece_cost(bakery, slug, units)
        if priced is None:
            continue
        cost, complete = priced
        good = bakery.finished_goods.get(slug)
        margin = percentage_field(good.extra, MARGIN_FIELD, owner=f"finished good {slug}", below=100) \
            if good is not None and good.extra.get(MARGIN_FIELD) is not None else None
        price = cost / (1 - margin / 100) if margin is not None else None
        out.append(ItemCost(slug, cost, complete, margin, price))
    return tuple(out)


def _piece_cost(bakery: Bakery, slug: str, units: Mapping[str, ItemCost]) -> tuple[Decimal, bool] | None:
    """One good's cost from its components (a bare good, or a unit named directly, is its unit's cost)."""
    good = bakery.finished_goods.get(slug)
    if good is None or not good.components:
        unit = units.get(slug)
        return (unit.cost, unit.complete) if unit is not None else None
    total, complete = ZERO, True
    for part in good.components:
        if part.kind is ComponentKind.MATERIAL:
            continue  # packaging is not priced here
        inner = units.get(part.slug) if part.kind is ComponentKind.FINISHED_UNIT else None
        found = (inner.cost, inner.complete) if inner is not None else (
            _piece_cost(bakery, part.slug, units) if part.kind is ComponentKind.FINISHED_GOOD else None)
        if found is None:
            return None
        total += part.quantity * found[0]
        complete = complete and found[1]
    return total, complete


def _actual(bakery: Bakery, plan: EventPlan, recipes: list[RecipeCost]) -> tuple[Actual, ...]:
    per_batch = {r.recipe_slug: r.per_batch for r in recipes}
    made: dict[str, list[Decimal]] = {}
    complete: dict[str, bool] = {}
    for run in bakery.runs_for_event(plan.event_slug):
        batches, cost = made.setdefault(run.recipe_slug, [ZERO, ZERO])
        made[run.recipe_slug] = [batches + run.batches, cost + run.ingredient_cost]
        complete[run.recipe_slug] = complete.get(run.recipe_slug, True) and run.ingredient_cost_complete
    out = []
    for slug in sorted(made):
        batches, cost = made[slug]
        planned = per_batch.get(slug)
        out.append(Actual(slug, batches, cost, complete[slug], planned * batches if planned is not None else None))
    return tuple(out)


def _money(value: Decimal | None) -> int | float | None:
    return None if value is None else as_number(value)


def event_cost_json(cost: EventCost, currency: str = "USD") -> dict[str, Any]:
    """The answer of `event_cost`. Money in `currency`, unrounded to cents (6 places); null: no price.

    `total` and every `cost` are the known part; `complete` false says some line has no price (see `unpriced`)."""
    return {
        "event": cost.plan.event_name,
        "event_slug": cost.plan.event_slug,
        "currency": currency,
        "remaining_only": cost.plan.remaining_only,
        "total": as_number(cost.total),
        "complete": cost.complete,
        "from_stock": as_number(sum((r.from_stock for r in cost.recipes), ZERO)),
        "to_buy": as_number(cost.total - sum((r.from_stock for r in cost.recipes), ZERO)),
        "recipes": [
            {"recipe": r.recipe_name, "recipe_slug": r.recipe_slug, "batches": as_number(r.batches),
             "cost": as_number(r.total), "per_batch": _money(r.per_batch), "from_stock": as_number(r.from_stock),
             "complete": r.complete,
             "lines": [{"ingredient": line.ingredient_slug, "quantity": as_number(line.quantity), "unit": line.unit,
                        "from_stock": as_number(line.from_stock), "to_buy_quantity": as_number(line.to_buy_quantity),
                        "to_buy_cost": _money(line.to_buy_cost), "unpriced": line.unpriced or None}
                       for line in r.lines]}
            for r in cost.recipes
        ],
        "unpriced": [{"recipe_slug": r.recipe_slug, "ingredient": line.ingredient_slug, "reason": line.unpriced}
                     for r in cost.recipes for line in r.lines if line.unpriced],
        "finished_units": [{"slug": u.slug, "cost": as_number(u.cost), "complete": u.complete}
                           for u in cost.finished_units],
        "finished_goods": [{"slug": g.slug, "cost": as_number(g.cost), "complete": g.complete,
                            "target_margin_percentage": _money(g.margin), "suggested_price": _money(g.suggested_price)}
                           for g in cost.finished_goods],
        "planned_vs_actual": [{"recipe_slug": a.recipe_slug, "batches": as_number(a.batches),
                               "planned": _money(a.planned), "actual": as_number(a.cost), "actual_complete": a.complete,
                               "difference": None if a.planned is None else as_number(a.cost - a.planned)}
                              for a in cost.actual],
        "warnings": list(cost.plan.warnings),
    }


def render_event_cost_text(answer: dict[str, Any]) -> str:
    from core.planning.plan_report import money

    currency = answer["currency"]

    def m(value: float | int | None) -> str:
        return "no price" if value is None else money(Decimal(str(value)), currency)

    out = [f"What {answer['event']} costs", ""]
    for r in answer["recipes"]:
        flag = "" if r["complete"] else "  (incomplete)"
        out.append(f"  {r['recipe']}: {r['batches']:g} batches, {m(r['cost'])} ({m(r['per_batch'])} a batch){flag}")
    out += ["", *(f"  {u['slug']}: {m(u['cost'])} each" for u in answer["finished_units"])]
    for g in answer["finished_goods"]:
        price = f", sell at {m(g['suggested_price'])} for a {g['target_margin_percentage']:g} % margin" \
            if g["suggested_price"] is not None else ""
        out.append(f"  {g['slug']}: {m(g['cost'])}{price}")
    out += ["", f"Total: {m(answer['total'])} ({m(answer['from_stock'])} from stock, {m(answer['to_buy'])} to buy)"]
    if answer["unpriced"]:
        out += ["Not priced:", *(f"  {u['recipe_slug']} / {u['ingredient']}: {u['reason']}"
                                 for u in answer["unpriced"])]
    for a in answer["planned_vs_actual"]:
        out.append(f"  made {a['batches']:g} of {a['recipe_slug']}: planned {m(a['planned'])}, "
                   f"actual {m(a['actual'])}")
    return "\n".join(out)
