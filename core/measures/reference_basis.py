"""An ingredient's conversion basis: the baker's own values, completed from the reference table."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from core.measures.reference_densities import ReferenceEntry, reference_for
from core.measures.units import ConversionBasis, Density, Origin, Provenance


@lru_cache(maxsize=8192)
def basis_with_reference(
    slug: str, display_name: str, density: Density | None, grams_per_item: Decimal | None, is_packaging: bool = False
) -> ConversionBasis:
    """The baker's density and weight per piece win; a missing one comes from the reference
    table (with its source). Packaging never takes a reference. Cached: planning asks often."""
    if is_packaging or (density is not None and grams_per_item is not None):
        return ConversionBasis(slug, density, grams_per_item)
    entry = reference_for(slug, display_name)
    if entry is None:
        return ConversionBasis(slug, density, grams_per_item)
    density_source = item_source = None
    if density is None and entry.grams is not None:
        density, density_source = entry.density, _provenance(entry, entry.measure)
    if grams_per_item is None and entry.grams_per_item is not None:
        grams_per_item, item_source = entry.grams_per_item, _provenance(entry, entry.piece)
    return ConversionBasis(slug, density, grams_per_item, density_source, item_source)


def _provenance(entry: ReferenceEntry, measure: str) -> Provenance:
    grams = entry.grams if measure == entry.measure else entry.grams_per_item
    return Provenance(Origin.REFERENCE, entry.source.citation, entry.name, f"{measure} = {grams} g")
