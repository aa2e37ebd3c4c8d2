"""What every use case needs: new ids, the time, numbers and units from callers, lookups that name what is missing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from core.errors import NotFoundError, ValidationError
from core.measures.quantities import to_quantity
from core.measures.units import parse_unit
from core.repository import Collection

IdFactory = Callable[[str], str]
"""Makes a new id from a prefix ("lot", "run"...); tests pass a counter for stable ids."""

T = TypeVar("T")


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else dt.datetime.now(dt.UTC)


def number(value: object, field: str) -> Decimal:
    """A caller's number (int, str, Decimal, float) as an exact Decimal, or a `ValidationError` naming the field."""
    try:
        return to_quantity(value)
    except ValueError as exc:
        raise ValidationError(f"{field}: {exc}", field=field) from exc


def optional_number(value: object | None, field: str) -> Decimal | None:
    return None if value is None else number(value, field)


def unit_code(word: str) -> str:
    return parse_unit(word, where="unit").code


def require(collection: Collection[T], key: str, what: str, field: str) -> T:
    item = collection.get(key)
    if item is None:
        raise NotFoundError(f"unknown {what} {key!r}", field=field)
    return item
