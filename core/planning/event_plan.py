"""Planning an event: finished-unit needs → batches per recipe → ingredients → what to buy.

A pure function of a `Bakery`: the same data in any order gives the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from core.bakery import Bakery
from core.errors import NotFoundError
from core.measures.quantities import EPSILON, ceil_whole
from core.planning.buffers import buffer_for, with_buffer
from core.planning.bundle_needs import finished_unit_needs
from core.planning.equipment import EquipmentKind, LoadPlan, MixPlan, equipment_for, loads_for, mixes_for
from core.planning.events import Event
from core.planning.factors_used import FactorUsed, factors_used
from core.planning.ingredient_totals import IngredientTotal, basis_for, ingredient_totals, on_hand
from core.planning.shopping import PackageToBuy, bought_of, packages_to_buy
from core.recipes.entities import FinishedUnit, YieldMode
from core.stock.live import live_by_ingredient
from core.stock.lots import Lot


@dataclass(frozen=True, slots=True)
class FinishedUnitPlan:
    slug: str
    recipe_slug: str
    recipe_name: str
    needed: Decimal
    per_batch: Decimal
    batches: int
    produced: Decimal
    surplus: Decimal  # produced − needed − buffer
    buffer: Decimal = Decimal(0)  # extra pieces for breakage (core.planning.buffers), batched with the need


@dataclass(frozen=True, slots=True)
class RecipePlan:
    recipe_slug: str
    recipe_name: str
    batches: int
    completed: Decimal = Decimal(0)
    mixes: MixPlan | None = None  # when the bakery says which mixer the recipe uses (core.planning.equipment)
    oven_loads: LoadPlan | None = None  # when it says which oven

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(0), self.batches - self.completed)

    @property
    def overage(self) -> Decimal:
        return max(Decimal(0), self.completed - self.batches)


@dataclass(frozen=True, slots=True)
class ShoppingLine:
    ingredient_slug: str
    ingredient_name: str
    needed: Decimal
    on_hand: Decimal
    to_buy: Decimal
    unit: str
    packages: tuple[PackageToBuy, ...]
    note: str = ""  # why no packages are suggested, when they are not
    factors: tuple[FactorUsed, ...] = ()  # the density / weight per piece relied on (core.planning.factors_used)


@dataclass(frozen=True, slots=True)
class EventPlan:
    event_slug: str
    event_name: str
    finished_units: tuple[FinishedUnitPlan, ...]
    recipes: tuple[RecipePlan, ...]
    ingredients: tuple[IngredientTotal, ...]
    shopping_list: tuple[ShoppingLine, ...]
    packaging: tuple[tuple[str, Decimal], ...]
    warnings: tuple[str, ...]
    remaining_only: bool = False


def batches_for(unit: FinishedUnit, need: Decimal) -> int:
    """Never fewer batches than needed, never one too many."""
    if need <= 0:
        return 0
    if unit.yield_mode is YieldMode.BATCH_PORTION:
        return ceil_whole(need * unit.batch_percentage / 100)
    return ceil_whole(need / unit.items_per_batch)


def plan_event(bakery: Bakery, event_slug: str, *, remaining_only: bool = False) -> EventPlan:
    """The whole plan for an event. With `remaining_only`, ingredients and shopping cover
    only the batches its production runs have not made yet."""
    event = bakery.events.get(event_slug)
    if event is None:
        raise NotFoundError(f"unknown event {event_slug!r}", field="event")
    warnings: list[str] = []
    unit_plans = _finished_unit_plans(bakery, event)
    recipes = _recipe_plans(bakery, event, unit_plans)
    batches = {r.recipe_slug: (r.remaining if remaining_only else Decimal(r.batches)) for r in recipes}
    totals = ingredient_totals(batches, bakery, warnings)
    shopping = shopping_lines(bakery, totals, warnings)
    totals = [replace(t, factors=line.factors) for t, line in zip(totals, shopping, strict=True)]
    _, packaging = _needs(bakery, event)
    return EventPlan(
        event_slug=event.slug,
        event_name=event.name,
        finished_units=tuple(unit_plans),
        recipes=tuple(recipes),
        ingredients=tuple(totals),
        shopping_list=tuple(shopping),
        packaging=tuple(sorted(packaging.items())),
        warnings=tuple(warnings),
        remaining_only=remaining_only,
    )


def _needs(bakery: Bakery, event: Event) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    wanted = [(fg.finished_good_slug, fg.quantity) for fg in event.finished_goods]
    if not wanted:  # older files state needs as assembly targets
        wanted = [(t.finished_good_slug, t.target_quantity) for t in event.assembly_targets]
    return finished_unit_needs(wanted, bakery.finished_goods, bakery.finished_units)


def _buffer_pieces(bakery: Bakery, event: Event) -> dict[str, Decimal]:
    """Extra pieces per finished unit: each ordered good's pieces with its buffer, rounded up, minus the pieces."""
    wanted = [(fg.finished_good_slug, fg.quantity) for fg in event.finished_goods]
    if not wanted:
        wanted = [(t.finished_good_slug, t.target_quantity) for t in event.assembly_targets]
    extra: dict[str, Decimal] = {}
    for slug, quantity in wanted:
        good = bakery.finished_goods.get(slug)
        percentage = buffer_for(good.extra if good is not None else {}, event.extra, slug, event.slug)
        if percentage <= 0:
            continue
        units, _ = finished_unit_needs([(slug, quantity)], bakery.finished_goods, bakery.finished_units)
        for unit_slug, pieces in units.items():
            extra[unit_slug] = extra.get(unit_slug, Decimal(0)) + with_buffer(pieces, percentage) - pieces
    return extra


def _finished_unit_plans(bakery: Bakery, event: Event) -> list[FinishedUnitPlan]:
    needs, _ = _needs(bakery, event)
    buffers = _buffer_pieces(bakery, event)
    plans = []
    for slug in sorted(needs):
        unit = bakery.finished_units[slug]
        recipe = bakery.recipes.get(unit.recipe_slug)
        if recipe is None:
            raise NotFoundError(f"finished unit {slug!r} belongs to unknown recipe {unit.recipe_slug!r}")
        need = needs[slug]
        buffer = buffers.get(slug, Decimal(0))
        batches = batches_for(unit, need + buffer)
        produced = batches * unit.units_per_batch
        plans.append(
            FinishedUnitPlan(slug, recipe.slug, recipe.name, need, unit.units_per_batch, batches, produced,
                             produced - need - buffer, buffer)
        )
    return plans


def _recipe_plans(bakery: Bakery, event: Event, units: list[FinishedUnitPlan]) -> list[RecipePlan]:
    batches: dict[str, int] = {}
    for unit in units:
        batches[unit.recipe_slug] = batches.get(unit.recipe_slug, 0) + unit.batches
    for target in event.production_targets:  # older files: batches of a recipe, directly
        if target.recipe_slug not in bakery.recipes:
            raise NotFoundError(f"event {event.name!r} targets unknown recipe {target.recipe_slug!r}")
        batches[target.recipe_slug] = batches.get(target.recipe_slug, 0) + ceil_whole(target.target_batches)
    completed: dict[str, Decimal] = {}
    for run in bakery.runs_for_event(event.slug):
        completed[run.recipe_slug] = completed.get(run.recipe_slug, Decimal(0)) + run.batches
    return [_with_equipment(bakery, RecipePlan(slug, bakery.recipes[slug].name, batches[slug],
                                               completed.get(slug, Decimal(0))))
            for slug in sorted(batches)]


def _with_equipment(bakery: Bakery, plan: RecipePlan) -> RecipePlan:
    """Mixes and oven loads for the recipe's batches, when the bakery says which mixer and oven it uses."""
    if not bakery.equipment:
        return plan
    mixer = equipment_for(plan.recipe_slug, bakery.equipment, EquipmentKind.MIXER)
    oven = equipment_for(plan.recipe_slug, bakery.equipment, EquipmentKind.OVEN)
    if mixer is None and oven is None:
        return plan
    return replace(plan, mixes=mixes_for(plan.batches, *mixer) if mixer else None,
                   oven_loads=loads_for(plan.batches, *oven) if oven else None)


def shopping_lines(bakery: Bakery, totals: list[IngredientTotal], warnings: list[str]) -> list[ShoppingLine]:
    """What to buy for ingredient totals against the bakery's lots (also used by can-make, on the lots left)."""
    lines = []
    units_of: dict[str, list[str]] = {}
    for total in totals:
        units_of.setdefault(total.ingredient_slug, []).append(total.unit)
    live = live_by_ingredient(bakery.lots.values())  # one pass; planning bakeries hold only live lots
    bought = bought_of(bakery)
    stock = {slug: on_hand(slug, units, bakery, warnings, live) for slug, units in units_of.items()}
    for total in totals:
        have = stock[total.ingredient_slug][total.unit]
        to_buy = total.quantity - have if total.quantity - have > EPSILON else Decimal(0)
        ingredient = bakery.ingredients.get(total.ingredient_slug)
        name = ingredient.display_name if ingredient is not None else total.ingredient_slug
        packages: tuple[PackageToBuy, ...] = ()
        note = ""
        if to_buy > 0:
            packages, note = packages_to_buy(bakery, total.ingredient_slug, to_buy, total.unit, warnings, bought)
        lines.append(
            ShoppingLine(total.ingredient_slug, name, total.quantity, have, to_buy, total.unit, packages, note,
                         _factors(bakery, total, packages, live.get(total.ingredient_slug, [])))
        )
    return lines


def _factors(bakery: Bakery, total: IngredientTotal, packages: tuple[PackageToBuy, ...],
             live: list[Lot]) -> tuple[FactorUsed, ...]:
    """The density / weight per piece that this line's recipe lines, live lots and packages needed."""
    units = {total.unit, *total.line_units, *(p.package_unit for p in packages)}
    units |= {lot.unit for lot in live}
    return factors_used(sorted(units), basis_for(total.ingredient_slug, bakery.ingredients))
