"""Which density or weight per piece a plan line relied on, and where it came from.

Reported when the units an ingredient's line involves (its recipe lines, its total, its lots,
the package it would be bought in) span more than one of mass, volume and count: then a
conversion across dimensions happened, or would have to, and the baker should see its basis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.measures.units import UNITS, ConversionBasis, Dimension, Origin

_CUP_ML = UNITS["G21"].to_base


class Factor(StrEnum):
    DENSITY = "density"  # volume <-> mass
    WEIGHT_PER_PIECE = "weight_per_piece"  # count <-> mass or volume


@dataclass(frozen=True, slots=True)
class FactorUsed:
    factor: Factor
    origin: Origin
    grams: Decimal  # per US cup for a density, per piece for a weight per piece
    reference: str = ""  # citation, for a reference value
    entry: str = ""  # the reference table's name
    stated: str = ""  # what the source states ("1/2 tsp = 3 g")


def factors_used(units: Iterable[str], basis: ConversionBasis) -> tuple[FactorUsed, ...]:
    """The factors a set of unit codes needs to meet, as far as the basis has them."""
    dims = {UNITS[u].dimension for u in units if u in UNITS}
    found: list[FactorUsed] = []
    needs_density = Dimension.VOLUME in dims and (Dimension.MASS in dims or Dimension.COUNT in dims)
    needs_piece = Dimension.COUNT in dims and (Dimension.MASS in dims or Dimension.VOLUME in dims)
    density_from = basis.density_from
    if needs_density and basis.density is not None and density_from is not None:
        found.append(FactorUsed(Factor.DENSITY, density_from.origin, basis.density.grams_per_ml * _CUP_ML,
                                density_from.reference, density_from.entry, density_from.stated))
    item_from = basis.item_weight_from
    if needs_piece and basis.grams_per_item is not None and item_from is not None:
        found.append(FactorUsed(Factor.WEIGHT_PER_PIECE, item_from.origin, basis.grams_per_item,
                                item_from.reference, item_from.entry, item_from.stated))
    return tuple(found)
