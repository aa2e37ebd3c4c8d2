"""Scaling a recipe by what is on hand: "I have 3 lb of butter" → every line times the same factor.

The factor is the amount on hand ÷ what one batch takes of that ingredient (its lines in the recipe and in
its nested component recipes, added up in the unit given, through the ingredient's density when units cross
volume and mass). Each line keeps its own unit. Scaling the result back by the amount one batch takes gives
the recipe again (exact up to Decimal's 34 digits: a handful of divisions, far below a milligram).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from core.errors import ConversionError, NotFoundError, ValidationError
from core.measures.units import ConversionBasis, convert, symbol_for
from core.recipes.scaling import IngredientLine


@dataclass(frozen=True, slots=True)
class Scaled:
    ingredient_slug: str
    amount: Decimal  # what is on hand, in `unit`
    unit: str
    per_batch: Decimal  # what one batch (the lines given) takes of it, in `unit`
    factor: Decimal  # amount ÷ per_batch: batches' worth of the recipe
    lines: tuple[IngredientLine, ...]  # every line × factor, in its own unit


def scaled_by(lines: Sequence[IngredientLine], ingredient_slug: str, amount: Decimal, unit: str,
              basis_of: Callable[[str], ConversionBasis]) -> Scaled:
    """Every line times amount ÷ (the lines' total of `ingredient_slug` in `unit`)."""
    if amount <= 0:
        raise ValidationError(f"the amount to scale by must be greater than 0, got {amount}", field="amount")
    own = [line for line in lines if line.ingredient_slug == ingredient_slug]
    if not own:
        raise NotFoundError(f"the recipe does not use {ingredient_slug!r}", field="ingredient")
    basis = basis_of(ingredient_slug)
    try:
        per_batch = sum((convert(line.quantity, line.unit, unit, basis) for line in own), Decimal(0))
    except ConversionError as exc:
        units = " and ".join(sorted({symbol_for(line.unit) for line in own}))
        raise ConversionError(f"{ingredient_slug}: the recipe uses {units}, which cannot be compared with "
                              f"{symbol_for(unit)}: {exc.message.rsplit(': ', 1)[-1]}", field="unit") from exc
    if per_batch <= 0:
        raise ValidationError(f"the recipe uses no {ingredient_slug} to scale by", field="ingredient")
    factor = amount / per_batch
    return Scaled(ingredient_slug, amount, unit, per_batch, factor,
                  tuple(replace(line, quantity=line.quantity * factor) for line in lines))
