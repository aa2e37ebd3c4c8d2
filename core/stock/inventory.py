"""Stock coming in and going out outside production: purchases, level checks, losses.

Pure functions over entities; `core.services` loads, calls them, and stores the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from core.catalog.entities import Material, MaterialProduct, Product
from core.errors import NotFoundError, ValidationError
from core.measures.quantities import HUNDRED, ZERO
from core.measures.units import convert
from core.stock.fifo import Consumption, lots_oldest_first
from core.stock.lots import Depletion, Lot, MaterialLot, Purchase


class DepletionReason(StrEnum):
    """Why stock left a lot other than by production or assembly (the desktop's reasons, plus level checks)."""

    SPOILAGE = "spoilage"
    GIFT = "gift"
    CORRECTION = "correction"
    AD_HOC_USAGE = "ad_hoc_usage"
    INVENTORY_CHECK = "inventory_check"
    OTHER = "other"  # needs notes saying what happened


def depletion_reason(value: str, notes: str = "") -> DepletionReason:
    """A known reason, or a `ValidationError` listing them; "other" needs notes."""
    try:
        reason = DepletionReason(value.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in DepletionReason)
        raise ValidationError(f"unknown reason {value!r}; use one of {known}", field="reason") from None
    if reason is DepletionReason.OTHER and not notes.strip():
        raise ValidationError("notes are required when the reason is 'other'", field="notes")
    return reason


def _positive(value: Decimal, field: str) -> None:
    if value <= 0:
        raise ValidationError(f"{field} must be greater than 0, got {value}", field=field)


def _whole_packages(packages: Decimal) -> None:
    _positive(packages, "quantity_purchased")
    if packages != packages.to_integral_value():
        raise ValidationError(
            f"quantity_purchased is a number of whole packages, got {packages}", field="quantity_purchased"
        )


def purchase_with_lot(
    product: Product,
    *,
    purchase_id: str,
    lot_id: str,
    packages: Decimal,
    unit_price: Decimal,
    purchased_on: dt.date,
    supplier_slug: str | None = None,
    notes: str = "",
    location: str = "",
) -> tuple[Purchase, Lot]:
    """Whole packages at a price per package: the purchase and the lot it stocks.

    The lot holds packages × package size in the product's package unit and
    costs unit_price ÷ package size per package unit.
    """
    _whole_packages(packages)
    _positive(unit_price, "unit_price")
    _positive(product.package_unit_quantity, "package_unit_quantity")
    purchase = Purchase(purchase_id, product.id, supplier_slug, purchased_on, packages, unit_price, notes)
    amount = packages * product.package_unit_quantity
    lot = Lot(
        id=lot_id,
        product_id=product.id,
        ingredient_slug=product.ingredient_slug,
        quantity=amount,
        unit=product.package_unit,
        unit_cost=unit_price / product.package_unit_quantity,
        purchased_on=purchased_on,
        initial_quantity=amount,
        purchase_id=purchase_id,
        location=location,
    )
    return purchase, lot


def material_lot_from_purchase(
    material_product: MaterialProduct,
    material: Material,
    *,
    lot_id: str,
    packages: Decimal,
    unit_price: Decimal,
    purchased_on: dt.date,
) -> MaterialLot:
    """Packaging bought: a lot in the material's base unit (e.g. 2 packs of 25 boxes = 50 boxes)."""
    _whole_packages(packages)
    _positive(unit_price, "unit_price")
    per_package = convert(material_product.package_quantity, material_product.package_unit, material.base_unit)
    _positive(per_package, "package_quantity")
    return MaterialLot(
        id=lot_id,
        material_product_slug=material_product.slug,
        quantity=packages * per_package,
        unit_cost=unit_price / per_package,
        purchased_on=purchased_on,
        unit=material.base_unit,  # kept, so a later change of base unit cannot reread the lot silently
    )


def lot_for_level_check(lots: Iterable[Lot], product: Product) -> Lot:
    """The lot a "40% full" concerns: the product's oldest lot with stock, else its newest lot."""
    own = lots_oldest_first(lot for lot in lots if lot.product_id == product.id)
    if not own:
        raise NotFoundError(f"no lot of {product.label} ({product.id}) to update", field="product_id")
    return next((lot for lot in own if lot.quantity > 0), own[-1])


@dataclass(frozen=True, slots=True)
class LevelCheck:
    lot: Lot  # updated
    previous: Decimal  # in the lot's unit
    depletion: Depletion | None  # None when the level matched the books


def level_check(
    lot: Lot,
    product: Product,
    percentage: Decimal,
    *,
    depletion_id: str,
    at: dt.datetime,
    notes: str = "",
) -> LevelCheck:
    """Set `lot` to `percentage` % of ONE package of `product`; the difference is a depletion.

    A level above the books is accepted (the count is the truth) and recorded
    as a negative depletion, so the history still adds up.
    """
    if not ZERO <= percentage <= HUNDRED:
        raise ValidationError(
            f"remaining_percentage must be between 0 and 100, got {percentage}", field="remaining_percentage"
        )
    if lot.product_id != product.id:
        raise ValidationError(f"lot {lot.id} is not of product {product.id}", field="lot_id")
    share = product.package_unit_quantity * percentage / HUNDRED
    remaining = convert(share, product.package_unit, lot.unit)
    taken = lot.quantity - remaining
    if taken == ZERO:
        return LevelCheck(lot, lot.quantity, None)
    depletion = Depletion(
        id=depletion_id,
        lot_id=lot.id,
        quantity=taken,
        reason=DepletionReason.INVENTORY_CHECK.value,
        depleted_at=at,
        cost=taken * lot.unit_cost if lot.unit_cost is not None else ZERO,
        notes=notes or f"set to {percentage}% of a package",
        cost_known=lot.unit_cost is not None,
    )
    return LevelCheck(replace(lot, quantity=remaining), lot.quantity, depletion)


def depletions_for(
    consumption: Consumption,
    *,
    reason: DepletionReason,
    at: dt.datetime,
    new_id: Callable[[], str],
    notes: str = "",
) -> list[Depletion]:
    """One depletion per lot a consumption drew from, costed at that lot's unit cost."""
    return [
        Depletion(
            id=new_id(),
            lot_id=draw.lot_id,
            quantity=draw.quantity,
            reason=reason.value,
            depleted_at=at,
            cost=draw.cost if draw.cost is not None else ZERO,
            notes=notes,
            cost_known=draw.cost is not None,
        )
        for draw in consumption.draws
    ]
