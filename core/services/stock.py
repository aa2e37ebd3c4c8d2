"""Stock going out other than by production: usage, losses, a lot's correction, level checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.catalog.entities import Product
from core.errors import NotFoundError, ValidationError
from core.measures.units import ConversionBasis
from core.repository import UnitOfWork
from core.services.common import IdFactory, new_id, now_or, number, require, unit_code
from core.services.lots_in_hand import live_lots_of_ingredient, lots_of_products
from core.stock.fifo import Consumption, consume_fifo
from core.stock.inventory import (
    DepletionReason,
    LevelCheck,
    depletion_reason,
    depletions_for,
    level_check,
    lot_for_level_check,
)
from core.stock.lots import Depletion


@dataclass(frozen=True, slots=True)
class StockTaken:
    consumption: Consumption
    depletions: tuple[Depletion, ...]  # one per lot drawn from


def consume_ingredient(
    uow: UnitOfWork,
    *,
    ingredient_slug: str,
    amount: object,
    unit: str,
    reason: str = DepletionReason.AD_HOC_USAGE.value,
    notes: str = "",
    allow_shortfall: bool = False,
    at: dt.datetime | None = None,
    new_id: IdFactory = new_id,
) -> StockTaken:
    """Take an amount of an ingredient by FIFO, recorded as depletions with `reason` and their cost.

    Short of stock: refused (`InsufficientStockError`), or with `allow_shortfall`
    everything there is is taken and the shortfall reported.
    """
    why = depletion_reason(reason, notes)
    quantity = number(amount, "amount")
    if quantity <= 0:
        raise ValidationError(f"amount must be greater than 0, got {quantity}", field="amount")
    code = unit_code(unit)
    with uow:
        ingredient = require(uow.ingredients, ingredient_slug, "ingredient", "ingredient_slug")
        lots = live_lots_of_ingredient(uow, ingredient_slug)  # FIFO draws from these only
        consumption = consume_fifo(lots, quantity, code, ingredient.conversion_basis, allow_shortfall=allow_shortfall)
        depletions = depletions_for(consumption, reason=why, at=now_or(at), notes=notes,
                                    new_id=lambda: new_id("depletion"))
        for lot in consumption.changed_lots:
            uow.lots.put(lot)
        for depletion in depletions:
            uow.depletions.put(depletion)
        uow.commit()
    return StockTaken(consumption, tuple(depletions))


def record_loss(
    uow: UnitOfWork,
    *,
    ingredient_slug: str,
    amount: object,
    unit: str,
    reason: str,
    notes: str = "",
    at: dt.datetime | None = None,
    new_id: IdFactory = new_id,
) -> StockTaken:
    """Spoiled, given away, miscounted: taken by FIFO with a reason; refused when there is not that much."""
    return consume_ingredient(uow, ingredient_slug=ingredient_slug, amount=amount, unit=unit, reason=reason,
                              notes=notes, at=at, new_id=new_id)


def record_lot_depletion(
    uow: UnitOfWork,
    *,
    lot_id: str,
    amount: object,
    reason: str,
    unit: str | None = None,
    notes: str = "",
    at: dt.datetime | None = None,
    new_id: IdFactory = new_id,
) -> StockTaken:
    """Take an amount out of one given lot (default unit: the lot's); refused when the lot holds less."""
    why = depletion_reason(reason, notes)
    quantity = number(amount, "amount")
    if quantity <= 0:
        raise ValidationError(f"amount must be greater than 0, got {quantity}", field="amount")
    with uow:
        lot = require(uow.lots, lot_id, "lot", "lot_id")
        ingredient = uow.ingredients.get(lot.ingredient_slug)
        basis = ingredient.conversion_basis if ingredient is not None else ConversionBasis(lot.ingredient_slug)
        code = unit_code(unit) if unit is not None else lot.unit
        consumption = consume_fifo([lot], quantity, code, basis)
        depletions = depletions_for(consumption, reason=why, at=now_or(at), notes=notes,
                                    new_id=lambda: new_id("depletion"))
        for changed in consumption.changed_lots:
            uow.lots.put(changed)
        for depletion in depletions:
            uow.depletions.put(depletion)
        uow.commit()
    return StockTaken(consumption, tuple(depletions))


def set_remaining_percentage(
    uow: UnitOfWork,
    *,
    percentage: object,
    product_id: str | None = None,
    upc: str | None = None,
    notes: str = "",
    at: dt.datetime | None = None,
    new_id: IdFactory = new_id,
) -> LevelCheck:
    """"This bag is 40% full": the product's oldest lot with stock becomes 40% of one package."""
    share = number(percentage, "remaining_percentage")
    with uow:
        if product_id is not None:
            product = require(uow.products, product_id, "product", "product_id")
        elif upc:
            product = _product_by_upc(uow.products.list(), upc)
        else:
            raise ValidationError("say which product: product_id or upc", field="product_id")
        lot = lot_for_level_check(lots_of_products(uow, [product.id]), product)
        check = level_check(lot, product, share, depletion_id=new_id("depletion"), at=now_or(at), notes=notes)
        if check.depletion is not None:
            uow.lots.put(check.lot)
            uow.depletions.put(check.depletion)
            uow.commit()
    return check


def _product_by_upc(products: list[Product], upc: str) -> Product:
    wanted = upc.strip().lstrip("0")
    found = [p for p in products if wanted and wanted in (p.upc.strip().lstrip("0"), p.gtin.strip().lstrip("0"))]
    if not found:
        raise NotFoundError(f"no product has UPC {upc!r}", field="upc")
    return min(found, key=lambda p: p.id)
