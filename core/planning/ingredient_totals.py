"""Ingredient totals for a set of recipe batches, each ingredient in one unit, and what is on hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.bakery import Bakery
from core.catalog.entities import Ingredient
from core.measures.units import UNITS, ConversionBasis, Dimension, can_convert, convert, symbol_for
from core.planning.factors_used import FactorUsed
from core.recipes.scaling import ingredient_lines_per_batch
from core.stock.lots import Lot

# When an ingredient's lines span dimensions, the total is kept in the one most lines use;
# ties go to mass, then volume (weights are what a baker buys by).
_DIMENSION_PREFERENCE = (Dimension.MASS, Dimension.VOLUME, Dimension.COUNT, Dimension.PACKAGE)


@dataclass(frozen=True, slots=True)
class IngredientTotal:
    ingredient_slug: str
    quantity: Decimal
    unit: str
    line_units: tuple[str, ...] = ()  # the units of the recipe lines summed into it
    factors: tuple[FactorUsed, ...] = ()  # the density / weight per piece it relied on (see core.planning.factors_used)


def ingredient_totals(
    batches_per_recipe: Mapping[str, Decimal], bakery: Bakery, warnings: list[str]
) -> list[IngredientTotal]:
    """Σ batches × each recipe's lines (nested components included), one total per ingredient.

    Lines of one ingredient that cannot be converted into each other (no density)
    stay as separate totals, one per unit dimension, and a warning says why.
    """
    amounts: dict[str, list[tuple[Decimal, str]]] = {}
    for recipe_slug in sorted(batches_per_recipe):
        batches = batches_per_recipe[recipe_slug]
        if batches <= 0:
            continue
        for line in ingredient_lines_per_batch(recipe_slug, bakery.recipes):
            amounts.setdefault(line.ingredient_slug, []).append((line.quantity * batches, line.unit))
    totals: list[IngredientTotal] = []
    for slug in sorted(amounts):
        basis = basis_for(slug, bakery.ingredients)
        for unit, lines in _group_by_convertible_unit(amounts[slug], basis):
            quantity = sum((convert(q, u, unit, basis) for q, u in lines), Decimal(0))
            totals.append(IngredientTotal(slug, quantity, unit, tuple(sorted({u for _, u in lines}))))
        units = [t.unit for t in totals if t.ingredient_slug == slug]
        if len(units) > 1:
            words = " and ".join(symbol_for(u) for u in units)
            warnings.append(
                f"{slug}: recipes use {words}, which cannot be added up without a density; totals are kept apart"
            )
    return totals


def basis_for(slug: str, ingredients: Mapping[str, Ingredient]) -> ConversionBasis:
    ingredient = ingredients.get(slug)
    return ingredient.conversion_basis if ingredient is not None else ConversionBasis(slug)


def _group_by_convertible_unit(
    lines: list[tuple[Decimal, str]], basis: ConversionBasis
) -> list[tuple[str, list[tuple[Decimal, str]]]]:
    """Choose display units: the dominant dimension's largest unit first, then whatever cannot join it."""
    remaining = list(lines)
    groups: list[tuple[str, list[tuple[Decimal, str]]]] = []
    while remaining:
        unit = _display_unit([u for _, u in remaining])
        members = [(q, u) for q, u in remaining if can_convert(u, unit, basis)]
        remaining = [(q, u) for q, u in remaining if not can_convert(u, unit, basis)]
        groups.append((unit, members))
    return groups


def _display_unit(units: list[str]) -> str:
    by_dimension: dict[Dimension, list[str]] = {}
    for code in units:
        by_dimension.setdefault(UNITS[code].dimension, []).append(code)
    dimension = max(
        by_dimension,
        key=lambda d: (len(by_dimension[d]), -_DIMENSION_PREFERENCE.index(d)),
    )
    return max(set(by_dimension[dimension]), key=lambda c: (UNITS[c].to_base, c))


def on_hand(slug: str, units: list[str], bakery: Bakery, warnings: list[str],
            live: Mapping[str, list[Lot]] | None = None) -> dict[str, Decimal]:
    """Remaining stock of an ingredient's lots in each of `units` (its totals' units).

    Each lot counts once, toward the first unit it converts to. A lot that converts
    to none is named in a warning, never silently counted as zero. `live` is the bakery's
    live lots by ingredient (core.stock.live), when the caller has indexed them already.
    """
    basis = basis_for(slug, bakery.ingredients)
    stock = dict.fromkeys(units, Decimal(0))
    lots = live.get(slug, []) if live is not None else bakery.lots_of(slug)
    for lot in sorted(lots, key=lambda lot: lot.id):
        if lot.quantity <= 0:
            continue
        unit = next((u for u in units if can_convert(lot.unit, u, basis)), None)
        if unit is None:
            words = " or ".join(symbol_for(u) for u in units)
            warnings.append(
                f"{slug}: lot {lot.id} is in {symbol_for(lot.unit)}, which cannot be counted against "
                f"{words} without a density; it is not counted as on hand"
            )
            continue
        stock[unit] += convert(lot.quantity, lot.unit, unit, basis)
    return stock
