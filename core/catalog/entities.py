"""What a bakery buys: suppliers, ingredients, products and packaging materials."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.measures.reference_basis import basis_with_reference
from core.measures.units import ConversionBasis, Density

Extra = dict[str, Any]  # desktop fields the core does not interpret, kept for a lossless round trip


@dataclass(frozen=True, slots=True)
class Supplier:
    slug: str
    name: str
    city: str = ""
    state: str = ""
    supplier_type: str = "physical"
    is_active: bool = True
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug


@dataclass(frozen=True, slots=True)
class Ingredient:
    """A generic ingredient ("All-purpose flour"); recipes use ingredients, purchases are of products."""

    slug: str
    display_name: str
    category: str = ""
    hierarchy_level: int = 2
    parent_slug: str | None = None
    density: Density | None = None
    grams_per_item: Decimal | None = None  # lets counts ("3 each") convert to weight
    is_packaging: bool = False
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug

    @property
    def conversion_basis(self) -> ConversionBasis:
        """The baker's density and weight per piece; where one is missing, the reference table's."""
        return basis_with_reference(
            self.slug, self.display_name, self.density, self.grams_per_item, self.is_packaging
        )


@dataclass(frozen=True, slots=True)
class Product:
    """A brand's package of an ingredient (e.g. King Arthur AP flour, 25 lb bag)."""

    id: str
    ingredient_slug: str
    brand: str
    product_name: str
    package_unit: str  # UN/CEFACT code
    package_unit_quantity: Decimal
    package_type: str = ""
    upc: str = ""
    gtin: str = ""
    preferred: bool = False
    preferred_supplier_slug: str | None = None
    is_hidden: bool = False
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id

    @property
    def label(self) -> str:
        name = " ".join(part for part in (self.brand, self.product_name) if part)
        return name or self.ingredient_slug


@dataclass(frozen=True, slots=True)
class Material:
    """Packaging (boxes, ribbons): bought and stocked like ingredients, used by assembly."""

    slug: str
    name: str
    category: str = ""
    base_unit: str = "H87"
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug


@dataclass(frozen=True, slots=True)
class MaterialProduct:
    slug: str
    material_slug: str
    name: str
    brand: str = ""
    package_quantity: Decimal = Decimal(1)
    package_unit: str = "H87"
    supplier_slug: str | None = None
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug
