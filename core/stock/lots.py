"""Purchases and the inventory lots they create, and what was taken out of lots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.catalog.entities import Extra


@dataclass(frozen=True, slots=True)
class Purchase:
    """Whole packages of a product bought at a supplier. Immutable: corrections are adjustments."""

    id: str
    product_id: str
    supplier_slug: str | None
    purchased_on: dt.date
    quantity_purchased: Decimal  # packages
    unit_price: Decimal  # per package
    notes: str = ""
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id

    @property
    def total_cost(self) -> Decimal:
        return self.quantity_purchased * self.unit_price


@dataclass(frozen=True, slots=True)
class Lot:
    """Stock of one product from one purchase, in the product's package unit."""

    id: str
    product_id: str
    ingredient_slug: str
    quantity: Decimal  # remaining, in `unit`
    unit: str  # UN/CEFACT code (the product's package unit)
    unit_cost: Decimal | None  # per `unit`; None when unknown (initial inventory)
    purchased_on: dt.date
    initial_quantity: Decimal | None = None
    purchase_id: str | None = None
    location: str = ""
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class Depletion:
    """Stock taken out of a lot other than by production: loss, spoilage, a level check."""

    id: str
    lot_id: str
    quantity: Decimal  # in the lot's unit; negative when a level check found more than the books said
    reason: str
    depleted_at: dt.datetime
    cost: Decimal = Decimal(0)
    notes: str = ""
    extra: Extra = field(default_factory=dict)
    cost_known: bool = True  # False when the lot's unit cost is unknown: `cost` is then 0, not a real cost

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class LotDraw:
    """The part of one lot a consumption took, costed at that lot's unit cost (None: cost unknown)."""

    lot_id: str
    item_slug: str  # the ingredient (or packaging material) drawn
    quantity: Decimal  # in `unit`, the lot's unit
    unit: str
    cost: Decimal | None


@dataclass(frozen=True, slots=True)
class MaterialLot:
    id: str
    material_product_slug: str
    quantity: Decimal
    unit_cost: Decimal | None
    purchased_on: dt.date
    extra: Extra = field(default_factory=dict)
    unit: str | None = None  # what `quantity` and `unit_cost` are in; None: the material's base unit

    @property
    def key(self) -> str:
        return self.id
