"""Collecting every problem in a file, each with its entity, index and field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.catalog.entities import Product
from core.errors import BakeTrackerError, UnknownUnitError
from core.measures.quantities import to_quantity
from core.measures.units import parse_unit
from core.stock.inventory import purchase_with_lot
from core.stock.lots import Lot, Purchase


@dataclass(frozen=True, slots=True)
class ImportProblem:
    entity: str
    index: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.entity + (f"[{self.index}]" if self.index is not None else "")
        if self.field:
            where += f".{self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "index": self.index, "field": self.field, "message": self.message}


class Reader:
    """Typed access to one record's fields; every bad value becomes a problem, never an exception."""

    def __init__(self, problems: list[ImportProblem], entity: str, index: int | None, record: Any) -> None:
        self.problems = problems
        self.entity = entity
        self.index = index
        self.record: dict[str, Any] = record if isinstance(record, dict) else {}
        if not isinstance(record, dict):
            self.fail(None, f"expected an object, found {type(record).__name__}")

    def fail(self, field: str | None, message: str) -> None:
        self.problems.append(ImportProblem(self.entity, self.index, field, message))

    def has(self, field: str) -> bool:
        return self.record.get(field) is not None

    def text(self, field: str, *, required: bool = False, default: str = "") -> str:
        value = self.record.get(field)
        if value is None or (isinstance(value, str) and not value.strip() and required):
            if required:
                self.fail(field, "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(field, f"expected text, found {type(value).__name__}")
            return default
        return str(value).strip() if isinstance(value, str) else str(value)

    def optional_text(self, field: str) -> str | None:
        return self.text(field) if self.has(field) else None

    def number(
        self, field: str, *, required: bool = False, default: Decimal | None = None, minimum: str = "none"
    ) -> Decimal | None:
        """`minimum`: "none", "zero" (>= 0) or "positive" (> 0)."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return default
        try:
            quantity = to_quantity(value)
        except ValueError:
            self.fail(field, f"expected a number, found {value!r}")
            return default
        if minimum == "positive" and quantity <= 0:
            self.fail(field, f"must be greater than 0, found {value!r}")
            return default
        if minimum == "zero" and quantity < 0:
            self.fail(field, f"must not be negative, found {value!r}")
            return default
        return quantity

    def whole(self, field: str, *, default: int | None = None) -> int | None:
        value = self.record.get(field)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            self.fail(field, f"expected a whole number, found {value!r}")
            return default
        return int(value)

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.record.get(field)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(field, f"expected true or false, found {value!r}")
            return default
        return value

    def unit(self, field: str, *, required: bool = True, default: str | None = None) -> str | None:
        word = self.record.get(field)
        if word is None or word == "":
            if required:
                self.fail(field, "is required")
            return default
        if not isinstance(word, str):
            self.fail(field, f"expected a unit word, found {word!r}")
            return default
        try:
            return parse_unit(word).code
        except UnknownUnitError:
            self.fail(field, f"unknown unit {word!r}")
            return default

    def date(self, field: str, *, required: bool = False) -> dt.date | None:
        value = self.record.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
        self.fail(field, f"expected a date (YYYY-MM-DD), found {value!r}")
        return None

    def moment(self, field: str) -> dt.datetime | None:
        """A date-time (ISO 8601); a bare date means its midnight."""
        value = self.record.get(field)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                pass
        day = self.date(field, required=True)
        return dt.datetime.combine(day, dt.time()) if day else None

    def extra(self, known: set[str]) -> dict[str, Any]:
        return {k: v for k, v in self.record.items() if k not in known}


def read_purchase(r: Reader, product: Product, purchase_id: str, packages: Decimal, price: Decimal,
                  day: dt.date, supplier: str | None, notes: str) -> tuple[Purchase, Lot] | None:
    """A file's purchase and the lot it stocks, or None with the reason recorded as a problem."""
    try:
        return purchase_with_lot(product, purchase_id=purchase_id, lot_id=f"lot-{purchase_id}", packages=packages,
                                 unit_price=price, purchased_on=day, supplier_slug=supplier, notes=notes)
    except BakeTrackerError as exc:
        r.fail(exc.field or "quantity_purchased", exc.message)
        return None
