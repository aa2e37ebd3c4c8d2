"""Buying: ingredient purchases (each stocks one lot) and packaging purchases."""

from __future__ import annotations

import datetime as dt

from core.errors import ConflictError, NotFoundError
from core.repository import UnitOfWork
from core.services.common import IdFactory, new_id, number, require
from core.stock.inventory import material_lot_from_purchase, purchase_with_lot
from core.stock.lots import Lot, MaterialLot, Purchase


def record_purchase(
    uow: UnitOfWork,
    *,
    product_id: str,
    packages: object,
    unit_price: object,
    purchased_on: dt.date,
    supplier_slug: str | None = None,
    notes: str = "",
    location: str = "",
    purchase_id: str | None = None,
    new_id: IdFactory = new_id,
) -> tuple[Purchase, Lot]:
    """Whole packages of a product at a price per package: stores the purchase and its lot."""
    with uow:
        product = require(uow.products, product_id, "product", "product_id")
        if supplier_slug is not None and uow.suppliers.get(supplier_slug) is None:
            raise NotFoundError(f"unknown supplier {supplier_slug!r}", field="supplier_slug")
        pid = purchase_id or new_id("purchase")
        if uow.purchases.get(pid) is not None:
            raise ConflictError(f"purchase {pid!r} already exists; purchases are never changed", field="purchase_id")
        purchase, lot = purchase_with_lot(
            product,
            purchase_id=pid,
            lot_id=f"lot-{pid}",
            packages=number(packages, "quantity_purchased"),
            unit_price=number(unit_price, "unit_price"),
            purchased_on=purchased_on,
            supplier_slug=supplier_slug,
            notes=notes,
            location=location,
        )
        uow.purchases.put(purchase)
        uow.lots.put(lot)
        uow.commit()
    return purchase, lot


def record_material_purchase(
    uow: UnitOfWork,
    *,
    material_product_slug: str,
    packages: object,
    unit_price: object,
    purchased_on: dt.date,
    new_id: IdFactory = new_id,
) -> MaterialLot:
    """Packaging bought: one lot in the material's base unit."""
    with uow:
        product = require(uow.material_products, material_product_slug, "material product", "material_product_slug")
        material = require(uow.materials, product.material_slug, "material", "material_slug")
        lot = material_lot_from_purchase(
            product,
            material,
            lot_id=new_id("material-lot"),
            packages=number(packages, "quantity_purchased"),
            unit_price=number(unit_price, "unit_price"),
            purchased_on=purchased_on,
        )
        uow.material_lots.put(lot)
        uow.commit()
    return lot
