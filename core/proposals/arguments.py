"""A confirmed operation's arguments, checked and typed; every error names `operations.N.field`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import UnknownUnitError, ValidationError
from core.measures.quantities import to_quantity
from core.measures.units import parse_unit


@dataclass(frozen=True, slots=True)
class Reader:
    args: dict[str, Any]
    index: int

    def where(self, name: str) -> str:
        return f"operations.{self.index}.{name}"

    def fail(self, name: str, message: str) -> ValidationError:
        return ValidationError(f"{name}: {message}", field=self.where(name))

    def text(self, name: str, *, required: bool = False, limit: int = 200) -> str | None:
        value = self.args.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(name, "is missing")
            return None
        if not isinstance(value, str):
            raise self.fail(name, "must be text")
        if len(value) > limit:
            raise self.fail(name, f"is longer than {limit} characters")
        return value.strip()

    def number(self, name: str, *, required: bool = False, positive: bool = True,
               at_most: Decimal | None = None) -> Decimal | None:
        value = self.args.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        if isinstance(value, bool):
            raise self.fail(name, "must be a number")
        try:
            number = to_quantity(value)
        except ValueError as exc:
            raise self.fail(name, str(exc)) from exc
        if positive and number <= 0:
            raise self.fail(name, f"must be greater than 0, got {number}")
        if not positive and number < 0:
            raise self.fail(name, f"must not be negative, got {number}")
        if at_most is not None and number > at_most:
            raise self.fail(name, f"must be at most {at_most}, got {number}")
        return number

    def unit(self, name: str, *, required: bool = True) -> str | None:
        word = self.text(name, required=required, limit=40)
        if word is None:
            return None
        try:
            return parse_unit(word, where=self.where(name)).code
        except UnknownUnitError as exc:
            raise self.fail(name, f"unknown unit {word!r} (use a UN/CEFACT code such as LBR, KGM, GRM, G21, H87)") \
                from exc

    def date(self, name: str, default: dt.date | None = None) -> dt.date:
        value = self.args.get(name)
        if value is None or value == "":
            if default is None:
                raise self.fail(name, "is missing")
            return default
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(name, f"is not a date (YYYY-MM-DD): {value!r}") from exc


@dataclass(frozen=True, slots=True)
class PurchaseArgs:
    item_name: str
    quantity: Decimal  # the total amount bought, in `unit`
    unit: str
    price: Decimal  # the total paid for the line
    purchased_on: dt.date
    store: str | None
    product_id: str | None
    ingredient_slug: str | None
    supplier_slug: str | None
    packages: Decimal | None
    package_size: Decimal | None
    brand: str | None


def purchase_args(args: dict[str, Any], index: int, today: dt.date) -> PurchaseArgs:
    r = Reader(args, index)
    packages = r.number("packages")
    if packages is not None and packages != packages.to_integral_value():
        raise r.fail("packages", f"is a number of whole packages, got {packages}")
    return PurchaseArgs(
        item_name=r.text("item_name", required=True) or "",
        quantity=r.number("quantity", required=True, at_most=Decimal(1_000_000)) or Decimal(0),
        unit=r.unit("unit") or "",
        price=r.number("price", required=True, at_most=Decimal(1_000_000)) or Decimal(0),
        purchased_on=r.date("purchased_on", default=today),
        store=r.text("store"),
        product_id=r.text("product_id", limit=300),
        ingredient_slug=r.text("ingredient_slug", limit=300),
        supplier_slug=r.text("supplier_slug", limit=300),
        packages=packages,
        package_size=r.number("package_size"),
        brand=r.text("brand"),
    )


@dataclass(frozen=True, slots=True)
class LossArgs:
    quantity: Decimal
    unit: str
    reason: str


@dataclass(frozen=True, slots=True)
class AdjustArgs:
    item_name: str
    product_id: str | None
    ingredient_slug: str | None
    remaining_percentage: Decimal | None
    quantity: Decimal | None  # what is left, in `unit`
    unit: str | None
    loss: LossArgs | None


def adjust_args(args: dict[str, Any], index: int) -> AdjustArgs:
    r = Reader(args, index)
    loss = args.get("loss")
    loss_args = None
    if loss is not None:
        if not isinstance(loss, dict):
            raise r.fail("loss", "must be an object {quantity, unit, reason}")
        lr = Reader(loss, index)
        loss_args = LossArgs(
            quantity=lr.number("quantity", required=True) or Decimal(0),
            unit=lr.unit("unit") or "",
            reason=(lr.text("reason") or "spoilage").lower(),
        )
    adjust = AdjustArgs(
        item_name=r.text("item_name", required=True) or "",
        product_id=r.text("product_id", limit=300),
        ingredient_slug=r.text("ingredient_slug", limit=300),
        remaining_percentage=r.number("remaining_percentage", positive=False, at_most=Decimal(100)),
        quantity=r.number("quantity", positive=False),
        unit=r.unit("unit", required=args.get("quantity") is not None),
        loss=loss_args,
    )
    if adjust.remaining_percentage is not None and adjust.quantity is not None:
        raise r.fail("quantity", "give remaining_percentage or quantity left, not both")
    if adjust.remaining_percentage is None and adjust.quantity is None and adjust.loss is None:
        raise r.fail("remaining_percentage", "give remaining_percentage, or quantity left and unit, or a loss")
    return adjust


@dataclass(frozen=True, slots=True)
class EventItem:
    finished_good: str
    finished_good_slug: str | None
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class EventArgs:
    name: str
    date: dt.date
    items: tuple[EventItem, ...]


def event_args(args: dict[str, Any], index: int) -> EventArgs:
    r = Reader(args, index)
    raw = args.get("items")
    if not isinstance(raw, list) or not raw:
        raise r.fail("items", "list at least one finished good and its quantity")
    items = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict):
            raise r.fail(f"items.{n}", "must be an object {finished_good, quantity}")
        ir = Reader(item, index)
        quantity = ir.number("quantity", required=True, at_most=Decimal(1_000_000)) or Decimal(0)
        if quantity != quantity.to_integral_value():
            raise r.fail(f"items.{n}.quantity", f"is a whole number of items, got {quantity}")
        items.append(EventItem(ir.text("finished_good", required=True) or "",
                               ir.text("finished_good_slug", limit=300), quantity))
    return EventArgs(r.text("name", required=True) or "", r.date("date"), tuple(items))


@dataclass(frozen=True, slots=True)
class ProductionArgs:
    """Batches baked of a recipe (by slug or name), of one finished unit, for an event or none."""

    recipe: str
    batches: Decimal
    finished_unit: str | None
    event: str | None
    notes: str


def production_args(args: dict[str, Any], index: int) -> ProductionArgs:
    r = Reader(args, index)
    recipe = r.text("recipe", required=True)
    batches = r.number("batches", required=True, at_most=Decimal(10000))
    assert recipe is not None and batches is not None  # required: a missing one raised
    return ProductionArgs(recipe, batches, r.text("finished_unit"), r.text("event"),
                          r.text("notes", limit=2000) or "")


@dataclass(frozen=True, slots=True)
class QuantitiesArgs:
    """An existing event's finished goods and how many of each (the whole list: a good left out is dropped)."""

    event: str
    items: tuple[tuple[str, Decimal], ...]  # (finished good by slug or name, whole quantity)


def quantities_args(args: dict[str, Any], index: int) -> QuantitiesArgs:
    r = Reader(args, index)
    event = r.text("event", required=True)
    raw = args.get("items")
    if not isinstance(raw, list) or not raw:
        raise r.fail("items", "give at least one finished good with its quantity")
    items = []
    for n, item in enumerate(raw):
        line = Reader(item if isinstance(item, dict) else {}, index)
        name = line.text("finished_good", required=True)
        quantity = line.number("quantity", required=True)
        if quantity is None or name is None or quantity != quantity.to_integral_value():
            raise r.fail(f"items.{n}.quantity", "must be a whole number greater than 0")
        items.append((name, quantity))
    assert event is not None
    return QuantitiesArgs(event, tuple(items))
