"""Applying one confirmed operation inside an open unit of work (the caller commits once for all).

Each returns the `Effect`: the records it created (with their fingerprints) and the lots whose
remaining quantity it changed, which is what undo needs to check and reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product, Supplier
from core.desktop_format.slugs import hyphen_slug
from core.errors import (
    BakeTrackerError,
    ConflictError,
    ConversionError,
    InsufficientStockError,
    NotFoundError,
    ValidationError,
)
from core.measures.quantities import as_number
from core.measures.units import ConversionBasis, convert
from core.planning.events import Event, EventFinishedGood, PlanState
from core.proposals.arguments import AdjustArgs, EventArgs, ProductionArgs, PurchaseArgs, QuantitiesArgs
from core.proposals.fingerprint import fingerprint
from core.proposals.model import Created, Effect, EventChange, LotChange
from core.repository import UnitOfWork
from core.services.lots_in_hand import lots_of_products
from core.stock.fifo import consume_fifo, lots_oldest_first, stock_in
from core.stock.inventory import DepletionReason, depletions_for, level_check, lot_for_level_check, purchase_with_lot
from core.stock.lots import Lot
from core.stock.production import produce

WHOLE = Decimal("0.000001")  # a package count this close to a whole number is that number


@dataclass(frozen=True, slots=True)
class Applying:
    """Who and what a confirmation applies for."""

    proposal_id: str
    source: str
    at: dt.datetime
    new_id: Callable[[str], str]


def _where(index: int, name: str) -> str:
    return f"operations.{index}.{name}"


def _unique(key: str, taken: Callable[[str], bool]) -> str:
    candidate, n = key, 2
    while taken(candidate):
        candidate, n = f"{key}-{n}", n + 1
    return candidate


def _whole(value: Decimal) -> Decimal | None:
    nearest = value.to_integral_value()
    return nearest if nearest > 0 and abs(value - nearest) <= WHOLE else None


def _in_package_unit(a: PurchaseArgs, product: Product, ingredient: Ingredient | None, index: int) -> Decimal:
    basis = ingredient.conversion_basis if ingredient is not None else None
    try:
        return convert(a.quantity, a.unit, product.package_unit, basis) if basis else \
            convert(a.quantity, a.unit, product.package_unit)
    except ConversionError as exc:
        raise ValidationError(f"{as_number(a.quantity)} {a.unit} cannot be counted in {product.label}'s packages "
                              f"({product.package_unit}): {exc}", field=_where(index, "unit")) from exc


def _packages_of(a: PurchaseArgs, product: Product, ingredient: Ingredient | None, index: int) -> Decimal | None:
    try:
        amount = _in_package_unit(a, product, ingredient, index)
    except ValidationError:
        return None
    return _whole(amount / product.package_unit_quantity)


def _matching_product(uow: UnitOfWork, a: PurchaseArgs, ingredient: Ingredient, index: int) -> Product | None:
    """An existing product of the ingredient that the amount bought is a whole number of packages of."""
    fits = [p for p in uow.products.list() if p.ingredient_slug == ingredient.slug and not p.is_hidden
            and _packages_of(a, p, ingredient, index) is not None]
    if a.package_size is not None:
        sized = [p for p in fits if _in_package_unit(replace(a, quantity=a.package_size), p, ingredient, index)
                 == p.package_unit_quantity]
        fits = sized or ([] if a.packages else fits)
    if a.brand:
        branded = [p for p in fits if p.brand.casefold() == a.brand.casefold()]
        fits = branded or []
    return min(fits, key=lambda p: (not p.preferred, p.id)) if fits else None


def _new_product(uow: UnitOfWork, a: PurchaseArgs, ingredient: Ingredient, at: Applying) -> Product:
    count = a.packages or Decimal(1)
    size = a.package_size if a.package_size is not None else a.quantity / count
    label = " ".join(part for part in (a.brand or "", a.item_name) if part)
    key = _unique(hyphen_slug(f"{ingredient.slug} {a.brand or ''} {as_number(size)} {a.unit}"),
                  lambda k: uow.products.get(k) is not None)
    return Product(id=key, ingredient_slug=ingredient.slug, brand=a.brand or "", product_name=a.item_name,
                   package_unit=a.unit, package_unit_quantity=size,
                   extra={"created_by_proposal": at.proposal_id, "label": label})


def _supplier(uow: UnitOfWork, a: PurchaseArgs, index: int, created: list[Created]) -> str | None:
    if a.supplier_slug is not None:
        if uow.suppliers.get(a.supplier_slug) is None:
            raise NotFoundError(f"unknown supplier {a.supplier_slug!r}", field=_where(index, "supplier_slug"))
        return a.supplier_slug
    if not a.store:
        return None
    wanted = a.store.casefold()
    for supplier in uow.suppliers.list():
        if wanted in (supplier.name.casefold(), supplier.slug.casefold()):
            return supplier.slug
    key = _unique(hyphen_slug(a.store) or "store", lambda k: uow.suppliers.get(k) is not None)
    supplier = Supplier(slug=key, name=a.store)
    uow.suppliers.put(supplier)
    created.append(Created("suppliers", key, fingerprint(supplier)))
    return key


def _named_ingredient(uow: UnitOfWork, item_name: str, slug: str | None, index: int) -> Ingredient:
    """The ingredient an operation names when it names no product; unnamed is for the baker to choose."""
    if slug is None:
        raise ValidationError(f"{item_name!r} is not in your catalog: choose a product or an ingredient",
                              field=_where(index, "product_id"))
    ingredient = uow.ingredients.get(slug)
    if ingredient is None:
        raise NotFoundError(f"unknown ingredient {slug!r}", field=_where(index, "ingredient_slug"))
    return ingredient


def apply_purchase(uow: UnitOfWork, a: PurchaseArgs, index: int, at: Applying) -> Effect:
    created: list[Created] = []
    if a.product_id is not None:
        product = uow.products.get(a.product_id)
        if product is None:
            raise NotFoundError(f"unknown product {a.product_id!r}", field=_where(index, "product_id"))
        ingredient = uow.ingredients.get(product.ingredient_slug)
        packages = _whole(_in_package_unit(a, product, ingredient, index) / product.package_unit_quantity)
        if packages is None:
            raise ValidationError(
                f"{as_number(a.quantity)} {a.unit} is not a whole number of {product.label} packages "
                f"({as_number(product.package_unit_quantity)} {product.package_unit}); correct the quantity "
                "or choose the ingredient instead of this product", field=_where(index, "quantity"))
    else:
        ingredient = _named_ingredient(uow, a.item_name, a.ingredient_slug, index)
        found = _matching_product(uow, a, ingredient, index)
        if found is None:
            found = _new_product(uow, a, ingredient, at)
            uow.products.put(found)
            created.append(Created("products", found.id, fingerprint(found)))
        product = found
        packages = _packages_of(a, product, ingredient, index) or Decimal(1)
    supplier_slug = _supplier(uow, a, index, created)
    purchase_id = at.new_id("purchase")
    purchase, lot = purchase_with_lot(product, purchase_id=purchase_id, lot_id=f"lot-{purchase_id}",
                                      packages=packages, unit_price=a.price / packages,
                                      purchased_on=a.purchased_on, supplier_slug=supplier_slug,
                                      notes=f"entered via {at.source}")
    purchase = replace(purchase, extra={"proposal_id": at.proposal_id, "entered_via": at.source})
    uow.purchases.put(purchase)
    uow.lots.put(lot)
    created += [Created("purchases", purchase.id, fingerprint(purchase)), Created("lots", lot.id, fingerprint(lot))]
    summary = f"bought {as_number(packages)} × {product.label} for {as_number(a.price)}"
    return Effect(index, summary, tuple(created))


def _products_with_stock(uow: UnitOfWork, a: AdjustArgs, index: int) -> tuple[list[Product], Ingredient | None]:
    if a.product_id is not None:
        product = uow.products.get(a.product_id)
        if product is None:
            raise NotFoundError(f"unknown product {a.product_id!r}", field=_where(index, "product_id"))
        return [product], uow.ingredients.get(product.ingredient_slug)
    ingredient = _named_ingredient(uow, a.item_name, a.ingredient_slug, index)
    return [p for p in uow.products.list() if p.ingredient_slug == ingredient.slug], ingredient


def _stock(uow: UnitOfWork, products: list[Product]) -> list[Lot]:
    """The products' live lots, or each one's newest lot when it has none: all an adjustment can use or pick."""
    return lots_of_products(uow, [p.id for p in products])


def _take(uow: UnitOfWork, lots: list[Lot], basis: ConversionBasis, amount: Decimal, unit: str,
          why: DepletionReason, notes: str, field: str, at: Applying) -> tuple[list[Created], list[LotChange]]:
    try:
        consumption = consume_fifo(lots, amount, unit, basis)
    except InsufficientStockError as exc:
        raise ValidationError(str(exc), field=field) from exc
    except ConversionError as exc:
        raise ValidationError(str(exc), field=field) from exc
    before = {lot.id: lot.quantity for lot in lots}
    depletions = depletions_for(consumption, reason=why, at=at.at, notes=notes,
                                new_id=lambda: at.new_id("depletion"))
    changes = []
    for lot in consumption.changed_lots:
        if lot.quantity != before[lot.id]:
            uow.lots.put(lot)
            changes.append(LotChange(lot.id, before[lot.id], lot.quantity))
    for depletion in depletions:
        uow.depletions.put(depletion)
    return [Created("depletions", d.id, fingerprint(d)) for d in depletions], changes


def apply_adjustment(uow: UnitOfWork, a: AdjustArgs, index: int, at: Applying) -> Effect:
    """A loss (taken by FIFO with its reason), then the level found (a percentage of the container in hand,
    or the amount left: the difference is an inventory check)."""
    products, ingredient = _products_with_stock(uow, a, index)
    if not _stock(uow, products):
        raise NotFoundError(f"there is no stock of {a.item_name!r} to adjust", field=_where(index, "item_name"))
    basis = ingredient.conversion_basis if ingredient is not None else ConversionBasis(a.item_name)
    created: list[Created] = []
    changes: list[LotChange] = []
    said: list[str] = []
    if a.loss is not None:
        known = {r.value for r in DepletionReason}
        why = DepletionReason(a.loss.reason) if a.loss.reason in known else DepletionReason.SPOILAGE
        made, changed = _take(uow, _stock(uow, products), basis, a.loss.quantity, a.loss.unit, why,
                              f"{a.loss.reason}; entered via {at.source}", _where(index, "loss.quantity"), at)
        created += made
        changes += changed
        said.append(f"lost {as_number(a.loss.quantity)} {a.loss.unit} of {a.item_name} ({a.loss.reason})")
    lots = _stock(uow, products)
    if a.remaining_percentage is not None:
        # the container in hand is the oldest lot with stock, whichever product it is
        ordered = lots_oldest_first(lots)
        oldest = next((lot for lot in ordered if lot.quantity > 0), ordered[-1])
        product = next(p for p in products if p.id == oldest.product_id)
        lot = lot_for_level_check(lots, product)
        check = level_check(lot, product, a.remaining_percentage, depletion_id=at.new_id("depletion"), at=at.at,
                            notes=f"entered via {at.source}")
        said.append(f"{product.label} at {as_number(a.remaining_percentage)}% of a package")
        if check.depletion is not None:
            uow.lots.put(check.lot)
            uow.depletions.put(check.depletion)
            created.append(Created("depletions", check.depletion.id, fingerprint(check.depletion)))
            changes.append(LotChange(lot.id, lot.quantity, check.lot.quantity))
    elif a.quantity is not None and a.unit is not None:
        try:
            on_hand = stock_in(lots, a.unit, basis)
        except ConversionError as exc:
            raise ValidationError(str(exc), field=_where(index, "unit")) from exc
        if a.quantity > on_hand:
            raise ValidationError(f"you have {as_number(on_hand)} {a.unit} on record, less than "
                                  f"{as_number(a.quantity)}: record the purchase instead",
                                  field=_where(index, "quantity"))
        said.append(f"{a.item_name} counted at {as_number(a.quantity)} {a.unit}")
        if on_hand > a.quantity:
            made, changed = _take(uow, lots, basis, on_hand - a.quantity, a.unit, DepletionReason.INVENTORY_CHECK,
                                  f"counted; entered via {at.source}", _where(index, "quantity"), at)
            created += made
            changes += changed
    return Effect(index, "; ".join(said), tuple(created), tuple(changes))


def apply_event(uow: UnitOfWork, a: EventArgs, index: int, at: Applying) -> Effect:
    goods = []
    for n, item in enumerate(a.items):
        slug = item.finished_good_slug
        if slug is None:
            raise ValidationError(f"{item.finished_good!r} is not one of your finished goods: choose one",
                                  field=_where(index, f"items.{n}.finished_good_slug"))
        if uow.finished_goods.get(slug) is None:
            raise NotFoundError(f"unknown finished good {slug!r}", field=_where(index, f"items.{n}.finished_good_slug"))
        goods.append(EventFinishedGood(slug, item.quantity))
    key = hyphen_slug(f"{a.name} {a.date.year}") if str(a.date.year) not in a.name else hyphen_slug(a.name)
    key = _unique(key or "event", lambda k: uow.events.get(k) is not None)
    event = Event(slug=key, name=a.name, event_date=a.date, year=a.date.year, finished_goods=tuple(goods),
                  extra={"created_by_proposal": at.proposal_id})
    uow.events.put(event)
    return Effect(index, f"event {a.name} on {a.date.isoformat()} with {len(goods)} item(s)",
                  (Created("events", key, fingerprint(event)),))


_PRODUCTION_FIELDS = {"recipe_slug": "recipe", "finished_unit_slug": "finished_unit", "event_slug": "event",
                      "batches": "batches", "unit": "recipe"}


def apply_production(uow: UnitOfWork, a: ProductionArgs, index: int, at: Applying) -> Effect:
    """Batches baked: ingredients leave their lots by FIFO (what cannot be converted is listed as not deducted);
    the run and every lot change are recorded so that undo can restore them while nothing else used them."""
    recipes = {r.slug: r for r in uow.recipes.list()}
    named = [r for r in recipes.values() if r.name.casefold() == a.recipe.casefold()]
    recipe = recipes.get(a.recipe) or (named[0] if len(named) == 1 else None)
    if recipe is None:
        raise NotFoundError(f"no recipe {a.recipe!r} (its slug, or a name only one recipe has)",
                            field=_where(index, "recipe"))
    units = uow.finished_units.list()
    unit = a.finished_unit
    if unit is not None and not any(u.slug == unit for u in units):
        unit = next((u.slug for u in units if u.recipe_slug == recipe.slug
                     and u.display_name.casefold() == unit.casefold()), unit)
    event_slug = None
    if a.event is not None:
        event = Bakery(events={e.slug: e for e in uow.events.list()}).find_event(a.event)
        if event is None:
            raise NotFoundError(f"no event {a.event!r}", field=_where(index, "event"))
        event_slug = event.slug
    lots = uow.live_lots()  # FIFO draws from live lots only
    before = {lot.id: lot.quantity for lot in lots}
    run_id = _unique(f"run-{at.proposal_id}-{index}", lambda k: uow.production_runs.get(k) is not None)
    try:
        ingredients = {i.slug: i for i in uow.ingredients.list()}
        result = produce(recipe.slug, a.batches, recipes=recipes, ingredients=ingredients, lots=lots,
                         finished_units=units, run_id=run_id, produced_at=at.at, finished_unit_slug=unit,
                         event_slug=event_slug, notes=a.notes)
    except BakeTrackerError as exc:
        exc.field = _where(index, _PRODUCTION_FIELDS.get(exc.field or "", exc.field or "recipe"))
        raise
    changes = []
    for lot in result.lots:
        uow.lots.put(lot)
        changes.append(LotChange(lot.id, before[lot.id], lot.quantity))
    uow.production_runs.put(result.run)
    skipped = f"; not deducted: {', '.join(n.item_slug for n in result.run.not_deducted)}" \
        if result.run.not_deducted else ""
    plural = "batch" if a.batches == 1 else "batches"
    return Effect(index, f"baked {as_number(a.batches):g} {plural} of {recipe.name}{skipped}",
                  (Created("production_runs", run_id, fingerprint(result.run)),), tuple(changes))


def apply_event_quantities(uow: UnitOfWork, a: QuantitiesArgs, index: int, at: Applying) -> Effect:
    """A draft event's finished goods set to these quantities; the event as it was is kept for undo."""
    bakery = Bakery(events={e.slug: e for e in uow.events.list()},
                    finished_goods={g.slug: g for g in uow.finished_goods.list()})
    event = bakery.find_event(a.event)
    if event is None:
        raise NotFoundError(f"no event {a.event!r}", field=_where(index, "event"))
    if event.plan_state is not PlanState.DRAFT:
        raise ConflictError(f"{event.name} is {event.plan_state.value}: its quantities change only while it is a "
                            "draft (amend it with a reason in the app)", field=_where(index, "event"))
    goods = []
    for n, (name, quantity) in enumerate(a.items):
        good = bakery.find_finished_good(name)
        if good is None:
            raise NotFoundError(f"{name!r} is not one of your finished goods (its slug, or a name only one has)",
                                field=_where(index, f"items.{n}.finished_good"))
        goods.append(EventFinishedGood(good.slug, quantity))
    changed = replace(event, finished_goods=tuple(goods))
    uow.events.put(changed)
    listed = ", ".join(f"{as_number(q):g} {g.finished_good_slug}" for q, g in ((g.quantity, g) for g in goods))
    return Effect(index, f"{event.name}: {listed}", event_changes=(EventChange(event, fingerprint(changed)),))
