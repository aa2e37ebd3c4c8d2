"""Exact decimal quantities.

Quantities are `Decimal` so that kitchen arithmetic stays exact where people
expect it to (17.3 oz - 5.75 oz is 11.55 oz, 0.33 cup x 3 is 0.99 cup) while
staying fast. Values coming from JSON floats go through `str()` first so that
0.1 becomes Decimal("0.1"), not its binary approximation.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation, getcontext

getcontext().prec = 34

Quantity = Decimal
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_OUTPUT_STEP = Decimal("0.000001")
# Differences below this are rounding noise from divisions (e.g. density
# conversions), not real quantities: 1e-9 of a gram, cup or piece.
EPSILON = Decimal("1e-9")


def to_quantity(value: object) -> Decimal:
    """Turn a JSON/user number into an exact Decimal; raise ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"expected a number, got {value!r}") from exc
    else:
        raise ValueError(f"expected a number, got {value!r}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def ceil_whole(value: Decimal) -> int:
    """Smallest whole number >= value, ignoring division noise below EPSILON."""
    nearest = value.to_integral_value(rounding=ROUND_HALF_EVEN)
    if abs(value - nearest) < EPSILON:
        return int(nearest)
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def floor_whole(value: Decimal) -> int:
    """Largest whole number <= value, ignoring division noise below EPSILON (2.9999999999 counts as 3)."""
    nearest = value.to_integral_value(rounding=ROUND_HALF_EVEN)
    if abs(value - nearest) < EPSILON:
        return int(nearest)
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def rounded(value: Decimal) -> Decimal:
    """Round to six decimal places for display and comparison."""
    return value.quantize(_OUTPUT_STEP, rounding=ROUND_HALF_EVEN).normalize() + ZERO


def as_number(value: Decimal) -> int | float:
    """A JSON-friendly number: an int when whole, else a float rounded to 6 places."""
    r = rounded(value)
    if r == r.to_integral_value():
        return int(r)
    return float(r)


def positive_quantity(value: object) -> Decimal | None:
    """A positive finite number as a Decimal, or None (missing, a bool, not a number, zero or less): for rules
    that derive from a value only when it is usable and leave reporting a bad one to the schema."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = to_quantity(value)
    except (ValueError, ArithmeticError, TypeError):
        return None
    return number if number.is_finite() and number > 0 else None
