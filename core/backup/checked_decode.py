"""Decoding stored records from untrusted JSON: every type mismatch is a problem naming its path.

The same type-hint walk as `core.document_codec.decode`, but it never trusts its input: a backup file
may have been edited by hand, truncated, or written by a newer version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

from core.errors import BakeTrackerError


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    path: str  # "collections.lots[3].quantity"
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.path, "reason": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Invalid(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(path, message)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode_record(cls: type[Any], value: Any, path: str) -> Any:
    """`value` as a `cls`, or `Invalid` naming the first bad field's path."""
    if not isinstance(value, dict):
        raise Invalid(path, f"expected an object, found {_kind(value)}")
    hints = _hints(cls)  # type: ignore[arg-type]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise Invalid(f"{path}.{unknown[0]}", f"no such field in a {cls.__name__} record")
    missing = [name for name, f in fields.items() if name not in value
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise Invalid(f"{path}.{missing[0]}", "required, missing")
    kwargs = {name: _value(hints[name], value[name], f"{path}.{name}") for name in fields if name in value}
    try:
        return cls(**kwargs)
    except BakeTrackerError as exc:  # the record's own checks (__post_init__)
        where = f"{path}.{exc.field}" if exc.field else path
        raise Invalid(where, exc.message) from exc
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise Invalid(path, f"not a valid {cls.__name__}: {exc}") from exc


def _value(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            if len(options) < len(typing.get_args(hint)):
                return None
            raise Invalid(path, "must not be null")
        return _value(options[0], value, path)
    if value is None and hint is not Any:
        raise Invalid(path, "must not be null")
    if origin is tuple:
        if not isinstance(value, list):
            raise Invalid(path, f"expected a list, found {_kind(value)}")
        item = typing.get_args(hint)[0]
        return tuple(_value(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise Invalid(path, f"expected an object, found {_kind(value)}")
        return value
    if hint is Any:
        return value
    if hint is Decimal:
        if not isinstance(value, str) or isinstance(value, bool):
            raise Invalid(path, f"expected a decimal written as a string (e.g. \"1.25\"), found {_kind(value)}")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise Invalid(path, f"{value!r} is not a decimal number") from None
        if not number.is_finite():
            raise Invalid(path, f"{value!r} is not a finite number")
        return number
    if hint is dt.datetime:
        return _parsed(dt.datetime.fromisoformat, value, path, "a date and time (ISO 8601)")
    if hint is dt.date:
        return _parsed(dt.date.fromisoformat, value, path, "a date (YYYY-MM-DD)")
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in hint)
            raise Invalid(path, f"{value!r} is not one of {allowed}") from None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode_record(hint, value, path)
    if hint is bool:
        if not isinstance(value, bool):
            raise Invalid(path, f"expected true or false, found {_kind(value)}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(path, f"expected a whole number, found {_kind(value)}")
        return value
    if hint is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(path, f"expected a number, found {_kind(value)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise Invalid(path, f"expected text, found {_kind(value)}")
        return value
    raise Invalid(path, f"cannot read a {hint}")


def _parsed(parse: Any, value: Any, path: str, what: str) -> Any:
    if not isinstance(value, str):
        raise Invalid(path, f"expected {what}, found {_kind(value)}")
    try:
        return parse(value)
    except ValueError:
        raise Invalid(path, f"{value!r} is not {what}") from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)
