"""Stock use cases: purchases, levels, losses, production and assembly runs."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from core import services
from core.application.context import BakeryContext, event_slug
from core.bakery import Bakery
from core.desktop_format.mobile_import import product_by_upc
from core.errors import BakeTrackerError, NotFoundError
from core.measures.quantities import as_number
from core.measures.units import parse_unit
from core.planning.event_history import assembly_run_json, production_run_json
from core.planning.events import Loss
from core.repository import UnitOfWork
from core.services.common import new_id as fresh_id
from core.stock.fifo import ShortOfStockError

PRODUCTION_FIELDS = {"recipe_slug": "recipe", "finished_unit_slug": "finished_unit", "event_slug": "event"}
ASSEMBLY_FIELDS = {"finished_good_slug": "finished_good", "event_slug": "event"}


def shortage_details(exc: ShortOfStockError) -> list[dict[str, Any]]:
    """Each shortage as data a client can act on (buy what is short): quantities in `unit`, a UN/CEFACT code."""
    return [{exc.item_key: s.item_slug, "needed": as_number(s.needed), "on_hand": as_number(s.available),
             "short": as_number(s.shortfall), "unit": s.unit} for s in exc.shortages]


@contextlib.contextmanager
def caller_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Errors from the core name the core's arguments; the caller sent its own."""
    try:
        yield
    except BakeTrackerError as exc:
        exc.field = names.get(exc.field or "", exc.field)
        raise


def _product_id(uow: UnitOfWork, product_id: str | None, upc: str | None) -> str:
    if product_id:
        if uow.products.get(product_id) is None:
            raise NotFoundError(f"no product {product_id!r}", field="product_id")
        return product_id
    product = product_by_upc(uow.load_bakery(frozenset({"products"})), upc or "")
    if product is None:
        raise NotFoundError(f"no product with UPC {upc!r}", field="upc")
    return product.id


def add_purchase(ctx: BakeryContext, *, packages: Decimal, unit_price: Decimal, purchased_on: dt.date,
                 product_id: str | None = None, upc: str | None = None, supplier: str | None = None,
                 notes: str = "") -> dict[str, Any]:
    """Whole packages of a product (by id or UPC) at a price per package: one purchase and its lot.

    With an idempotency key, a retry answers the first purchase (`replayed`) instead of buying twice."""
    purchase_id = ctx.stable_id("purchase")
    with ctx.unit_of_work(read_only=True) as lookup:  # plain reads: no transaction to begin
        earlier = lookup.purchases.get(purchase_id) if purchase_id is not None else None
        if earlier is not None:
            return {"purchase_id": earlier.id, "replayed": True}
        product = _product_id(lookup, product_id, upc)
        if supplier and lookup.suppliers.get(supplier) is None:
            raise NotFoundError(f"no supplier {supplier!r}", field="supplier")
    purchase, lot = services.record_purchase(
        ctx.unit_of_work(), product_id=product, packages=packages, unit_price=unit_price, purchased_on=purchased_on,
        supplier_slug=supplier, notes=notes, purchase_id=purchase_id,
    )
    return {"purchase_id": purchase.id, "lot_id": lot.id, "quantity": as_number(lot.quantity), "unit": lot.unit,
            "unit_cost": as_number(lot.unit_cost) if lot.unit_cost is not None else None, "replayed": False}


def set_inventory_level(ctx: BakeryContext, *, remaining_percentage: Decimal, product_id: str | None = None,
                        upc: str | None = None, notes: str = "") -> dict[str, Any]:
    """"This bag is 40% full": the product's oldest lot with stock becomes that share of one package.

    With an idempotency key, a retry whose first try changed the lot answers it (`replayed`): "0 % left" sent
    twice must not empty the next lot too."""
    ids = _keyed_ids(ctx, "depletion")
    if ids is not None:
        with ctx.unit_of_work(read_only=True) as lookup:
            earlier = lookup.depletions.get(ids("depletion"))
            lot = lookup.lots.get(earlier.lot_id) if earlier is not None else None
        if earlier is not None and lot is not None:
            return {"lot_id": lot.id, "quantity": as_number(lot.quantity), "unit": lot.unit,
                    "previous": as_number(lot.quantity + earlier.quantity), "replayed": True}
    check = services.set_remaining_percentage(ctx.unit_of_work(), percentage=remaining_percentage,
                                              product_id=product_id, upc=upc, notes=notes,
                                              new_id=_keyed_ids(ctx, "depletion") or fresh_id)
    return {"lot_id": check.lot.id, "quantity": as_number(check.lot.quantity), "unit": check.lot.unit,
            "previous": as_number(check.previous)}


def _keyed_ids(ctx: BakeryContext, prefix: str) -> Callable[[str], str] | None:
    """Ids derived from the idempotency key, numbered in the order a use case asks for them (None: no key)."""
    base = ctx.stable_id(prefix)
    if base is None:
        return None
    count = iter(range(1, 1_000_000))
    return lambda _prefix: f"{base}-{next(count)}"


def record_loss(ctx: BakeryContext, *, ingredient: str, amount: Decimal, unit: str, reason: str,
                notes: str = "") -> dict[str, Any]:
    """Spoiled or spilled stock, taken by FIFO with a reason; with an idempotency key, a retry answers the
    first try (`replayed`) instead of losing it twice."""
    ids = _keyed_ids(ctx, "depletion")
    if ids is not None:
        with ctx.unit_of_work(read_only=True) as lookup:
            earlier = []
            while (found := lookup.depletions.get(ids("depletion"))) is not None:
                earlier.append(found.id)
        if earlier:
            return {"depletions": earlier, "replayed": True}
    with caller_fields({"ingredient_slug": "ingredient"}):
        taken = services.record_loss(ctx.unit_of_work(), ingredient_slug=ingredient, amount=amount,
                                     unit=parse_unit(unit, where="unit").code, reason=reason, notes=notes,
                                     new_id=_keyed_ids(ctx, "depletion") or fresh_id)
    return {"depletions": [d.id for d in taken.depletions]}


def _event_ref(bakery: Bakery, event: str | None) -> str | None:
    return None if event is None else event_slug(bakery, event)


def record_production(ctx: BakeryContext, *, recipe: str, batches: Decimal, finished_unit: str | None = None,
                      actual_yield: Decimal | None = None, losses: Sequence[Loss] = (), event: str | None = None,
                      notes: str = "") -> dict[str, Any]:
    """Batches baked: ingredients leave their lots by FIFO, nested recipes included; refused whole if short.

    Recipe, unit and event by slug or name. An ingredient whose lots cannot be converted is recorded anyway
    and listed in `not_deducted`."""
    bakery = ctx.catalog()
    found = bakery.find_recipe(recipe)
    if found is None:
        raise NotFoundError(f"no recipe {recipe!r} (give its slug, or a name only one recipe has)", field="recipe")
    unit = finished_unit
    if unit is not None and unit not in bakery.finished_units:
        unit = next((fu.slug for fu in bakery.finished_units_of(found.slug)
                     if fu.display_name.casefold() == unit.strip().casefold()), unit)
    run_id = ctx.stable_id("run")
    if run_id is not None:  # a retry (same idempotency key) answers the first run instead of baking twice
        with ctx.unit_of_work(read_only=True) as lookup:
            earlier = lookup.production_runs.get(run_id)
        if earlier is not None:
            return {**production_run_json(earlier), "replayed": True}
    with caller_fields(PRODUCTION_FIELDS):
        result = services.record_production_run(
            ctx.unit_of_work(), recipe_slug=found.slug, batches=batches, finished_unit_slug=unit,
            actual_yield=actual_yield, losses=losses, event_slug=_event_ref(bakery, event), notes=notes,
            run_id=run_id,
        )
    return production_run_json(result.run)


def record_assembly(ctx: BakeryContext, *, finished_good: str, quantity: Decimal, event: str | None = None,
                    notes: str = "") -> dict[str, Any]:
    """Bundles put together from finished stock and packaging; refused if short (unconvertible packaging:
    recorded as not deducted). Shortages name their `item` (finished units, goods, packaging)."""
    bakery = ctx.catalog()
    good = bakery.find_finished_good(finished_good)
    if good is None:
        raise NotFoundError(f"no finished good {finished_good!r} (give its slug, or a name only one good has)",
                            field="finished_good")
    run_id = ctx.stable_id("assembly")
    if run_id is not None:  # a retry (same idempotency key) answers the first run instead of assembling twice
        with ctx.unit_of_work(read_only=True) as lookup:
            earlier = lookup.assembly_runs.get(run_id)
        if earlier is not None:
            return {**assembly_run_json(earlier), "replayed": True}
    try:
        with caller_fields(ASSEMBLY_FIELDS):
            result = services.record_assembly_run(
                ctx.unit_of_work(), finished_good_slug=good.slug, quantity=quantity,
                event_slug=_event_ref(bakery, event), notes=notes, run_id=run_id,
            )
    except ShortOfStockError as exc:
        raise ShortOfStockError(exc.shortages, doing=exc.doing, item_key="item") from exc
    return assembly_run_json(result.run)
