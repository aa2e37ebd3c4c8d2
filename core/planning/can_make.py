"""What can I bake now: how much of an event the stock on hand covers, what limits it, what to buy for the rest.

Stock is shared out over the event's recipes one after another, in the plan's order (recipe slug,
alphabetical), each taking whole batches by FIFO from what the recipes before it left (a copy of the lots:
nothing is stored), so an ingredient two recipes use is never counted twice. A recipe gets the most whole
batches of its remaining ones that the stock covers; when that is fewer, the *limiting* ingredient is the one
that covers the fewest batches. The batches go to the recipe's finished units in slug order (after the batches
production runs already made). What to buy covers the batches left, against the stock left, exactly as the
shopping list does. Stock exactly enough for a recipe makes exactly its batches. Lots that cannot be converted
into a recipe's unit are not counted (the plan's warnings name them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.measures.quantities import ZERO, as_number, ceil_whole, floor_whole
from core.measures.units import symbol_for
from core.planning.event_plan import EventPlan, FinishedUnitPlan, RecipePlan, ShoppingLine, plan_event, shopping_lines
from core.planning.ingredient_totals import ingredient_totals
from core.planning.plan_report import shopping_line_json
from core.stock.dry_run import available, dry_run
from core.stock.lots import Lot
from core.stock.production import ingredient_needs


@dataclass(frozen=True, slots=True)
class Limit:
    ingredient_slug: str
    per_batch: Decimal  # in `unit`
    unit: str
    on_hand: Decimal  # what the recipes before this one left, in `unit`
    enough_for: int  # whole batches it covers


@dataclass(frozen=True, slots=True)
class RecipeCanMake:
    recipe_slug: str
    recipe_name: str
    to_make: int  # whole batches still to bake (planned − made, rounded up)
    can_make: int
    limiting: Limit | None  # None when the stock covers every batch to make

    @property
    def short(self) -> int:
        return self.to_make - self.can_make


@dataclass(frozen=True, slots=True)
class UnitCanMake:
    slug: str
    recipe_slug: str
    needed: Decimal  # with its buffer
    per_batch: Decimal
    batches: int  # planned
    made_batches: Decimal  # already baked (production runs for the event)
    can_make_batches: int
    can_make: Decimal  # pieces the batches the stock covers yield

    @property
    def short(self) -> Decimal:
        """Pieces neither made nor covered by the stock."""
        return max(ZERO, self.needed - (self.made_batches + self.can_make_batches) * self.per_batch)


@dataclass(frozen=True, slots=True)
class CanMake:
    plan: EventPlan
    recipes: tuple[RecipeCanMake, ...]
    units: tuple[UnitCanMake, ...]
    to_buy: tuple[ShoppingLine, ...]  # for the batches the stock does not cover
    warnings: tuple[str, ...]


def can_make(bakery: Bakery, event_slug: str) -> CanMake:
    plan = plan_event(bakery, event_slug)
    working = dict(bakery.lots)
    recipes: list[RecipeCanMake] = []
    for recipe in plan.recipes:
        result, working = _recipe_can_make(bakery, recipe, working)
        recipes.append(result)
    units = _units(plan, recipes)
    warnings = list(plan.warnings)
    rest = {r.recipe_slug: Decimal(r.short) for r in recipes if r.short > 0}
    totals = ingredient_totals(rest, bakery, warnings)
    left = replace(bakery, lots=working)
    lines = tuple(line for line in shopping_lines(left, totals, warnings) if line.to_buy > 0)
    return CanMake(plan, tuple(recipes), units, lines, tuple(dict.fromkeys(warnings)))


def _recipe_can_make(bakery: Bakery, recipe: RecipePlan, lots: dict[str, Lot]
                     ) -> tuple[RecipeCanMake, dict[str, Lot]]:
    to_make = ceil_whole(recipe.remaining)
    bounds = []
    for need in ingredient_needs(recipe.recipe_slug, Decimal(1), bakery.recipes, bakery.ingredients):
        if need.quantity > 0:
            have = available(need, bakery.ingredients, lots)
            bounds.append((floor_whole(have / need.quantity), need.ingredient_slug, need, have))
    batches = min([to_make, *(b[0] for b in bounds)])
    run = dry_run(recipe.recipe_slug, Decimal(batches), bakery.recipes, bakery.ingredients, lots)
    while batches > 0 and not run.covered:  # two needs of one ingredient in units that cannot meet share lots
        batches -= 1
        run = dry_run(recipe.recipe_slug, Decimal(batches), bakery.recipes, bakery.ingredients, lots)
    limiting = None
    if batches < to_make and bounds:
        enough, _, need, have = min(bounds, key=lambda b: (b[0], b[1]))
        limiting = Limit(need.ingredient_slug, need.quantity, need.unit, have, enough)
    return RecipeCanMake(recipe.recipe_slug, recipe.recipe_name, to_make, batches, limiting), run.lots


def _units(plan: EventPlan, recipes: list[RecipeCanMake]) -> tuple[UnitCanMake, ...]:
    """Each recipe's batches shared out over its finished units in slug order, after those already made."""
    made = {r.recipe_slug: r.completed for r in plan.recipes}
    can = {r.recipe_slug: Decimal(r.can_make) for r in recipes}
    out = []
    for unit in plan.finished_units:  # sorted by slug
        done = min(made.get(unit.recipe_slug, ZERO), Decimal(unit.batches))
        made[unit.recipe_slug] = made.get(unit.recipe_slug, ZERO) - done
        share = min(can.get(unit.recipe_slug, ZERO), Decimal(unit.batches) - done)
        can[unit.recipe_slug] = can.get(unit.recipe_slug, ZERO) - share
        out.append(_unit(unit, done, floor_whole(share)))
    return tuple(out)


def _unit(unit: FinishedUnitPlan, done: Decimal, batches: int) -> UnitCanMake:
    return UnitCanMake(unit.slug, unit.recipe_slug, unit.needed + unit.buffer, unit.per_batch, unit.batches, done,
                       batches, batches * unit.per_batch)


def can_make_json(result: CanMake) -> dict[str, Any]:
    """The answer of `can_make` (CLI --json, the function, the MCP tool). Keys may be added, never changed."""
    return {
        "event": result.plan.event_name,
        "event_slug": result.plan.event_slug,
        "order": "recipes by slug, each taking whole batches from what the ones before it left",
        "all_covered": all(r.short == 0 for r in result.recipes),
        "recipes": [
            {"recipe": r.recipe_name, "recipe_slug": r.recipe_slug, "to_make": r.to_make, "can_make": r.can_make,
             "short": r.short, "limiting": None if r.limiting is None else {
                 "ingredient": r.limiting.ingredient_slug, "per_batch": as_number(r.limiting.per_batch),
                 "unit": r.limiting.unit, "on_hand": as_number(r.limiting.on_hand),
                 "enough_for_batches": r.limiting.enough_for}}
            for r in result.recipes
        ],
        "finished_units": [
            {"slug": u.slug, "recipe_slug": u.recipe_slug, "needed": as_number(u.needed),
             "per_batch": as_number(u.per_batch), "batches": u.batches, "made_batches": as_number(u.made_batches),
             "can_make_batches": u.can_make_batches, "can_make": as_number(u.can_make), "short": as_number(u.short)}
            for u in result.units
        ],
        "to_buy": [shopping_line_json(line) for line in result.to_buy],
        "warnings": list(result.warnings),
    }


def render_can_make_text(answer: dict[str, Any]) -> str:
    out = [f"What the stock on hand makes for {answer['event']}", ""]
    for r in answer["recipes"]:
        line = f"  {r['recipe']}: {r['can_make']} of {r['to_make']} batches"
        if r["limiting"]:
            lim = r["limiting"]
            line += (f" (limited by {lim['ingredient']}: {lim['on_hand']:g} {symbol_for(lim['unit'])} on hand, "
                     f"{lim['per_batch']:g} a batch)")
        out.append(line)
    out += ["", *(f"  {u['slug']}: {u['can_make']:g} of {u['needed']:g}" + (f", short {u['short']:g}" if u["short"]
                                                                           else "")
                  for u in answer["finished_units"])]
    if answer["to_buy"]:
        out += ["", "To buy for the rest:"]
        for line in answer["to_buy"]:
            packs = "; ".join(f"{p['count']} x {p['product']}" for p in line["packages"]) or "no product on file"
            out.append(f"  {line['ingredient']}: {line['to_buy']:g} {symbol_for(line['unit'])} ({packs})")
    else:
        out += ["", "The stock on hand covers every batch."]
    if answer["warnings"]:
        out += ["", "Warnings:", *(f"  ! {w}" for w in answer["warnings"])]
    return "\n".join(out)
