"""What baking some batches would take from stock, on a copy of the lots: production's FIFO, nothing stored.

The same calls as `core.stock.production.produce` (the same needs, the same lots reached, the same FIFO), so
the cost a dry run finds is the cost a production run records when nothing is bought in between. The lots
given are never changed: the dry run returns the updated copy, for the next recipe to draw from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.catalog.entities import Ingredient
from core.measures.quantities import ZERO
from core.measures.units import ConversionBasis
from core.recipes.entities import Recipe
from core.stock.fifo import Consumption, consume_fifo, fifo_reach, stock_in
from core.stock.lots import Lot
from core.stock.production import IngredientNeed, ingredient_needs


@dataclass(frozen=True, slots=True)
class NeedDrawn:
    need: IngredientNeed
    consumption: Consumption  # what FIFO took from the lots it could reach
    blocked_lots: tuple[str, ...]  # lots with stock that cannot be converted into the need's unit

    @property
    def missing(self) -> Decimal:
        """What stock did not cover, in the need's unit (short, or left in lots that cannot be converted)."""
        return self.consumption.shortfall


@dataclass(frozen=True, slots=True)
class DryRun:
    drawn: tuple[NeedDrawn, ...]
    lots: dict[str, Lot]  # every lot, updated

    @property
    def covered(self) -> bool:
        return all(d.missing == ZERO for d in self.drawn)

    @property
    def stock_cost(self) -> Decimal:
        """What production would record as the run's ingredient cost (the known part)."""
        return sum((d.consumption.known_cost for d in self.drawn), ZERO)


def basis_of(slug: str, ingredients: Mapping[str, Ingredient]) -> ConversionBasis:
    ingredient = ingredients.get(slug)
    return ingredient.conversion_basis if ingredient is not None else ConversionBasis(slug)


def dry_run(recipe_slug: str, batches: Decimal, recipes: Mapping[str, Recipe],
            ingredients: Mapping[str, Ingredient], lots: Mapping[str, Lot]) -> DryRun:
    """Take `batches` of a recipe's needs from a copy of `lots` by FIFO, taking what there is when short."""
    working = dict(lots)
    drawn = []
    if batches <= 0:
        return DryRun((), working)
    for need in ingredient_needs(recipe_slug, batches, recipes, ingredients):
        own = [lot for lot in working.values() if lot.ingredient_slug == need.ingredient_slug]
        basis = basis_of(need.ingredient_slug, ingredients)
        reachable, blocked = fifo_reach(own, need.unit, basis)
        used = consume_fifo(reachable, need.quantity, need.unit, basis, allow_shortfall=True)
        working.update((lot.id, lot) for lot in used.changed_lots)
        drawn.append(NeedDrawn(need, used, tuple(b.lot.id for b in blocked)))
    return DryRun(tuple(drawn), working)


def available(need: IngredientNeed, ingredients: Mapping[str, Ingredient], lots: Mapping[str, Lot]) -> Decimal:
    """Stock FIFO can reach for a need, in its unit (lots it cannot convert are not counted)."""
    basis = basis_of(need.ingredient_slug, ingredients)
    reachable, _ = fifo_reach([lot for lot in lots.values() if lot.ingredient_slug == need.ingredient_slug],
                              need.unit, basis)
    return stock_in(reachable, need.unit, basis)
