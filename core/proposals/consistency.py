"""Edits that stay consistent: a baker's change to one field carries the fields that depend on it.

For `add_purchase` (quantity is the total bought, `price` the total paid for the line):

* `packages` changed → `quantity = packages × package_size` (when the size is known), and the line total keeps
  the shelf price per package: `price = old price ÷ old packages × new packages` (three bags instead of one at
  the same price triple the total; cents are rounded half up only when the division is not exact);
* `package_size` changed → `quantity = packages × package_size`;
* `quantity` changed alone → `package_size = quantity ÷ packages` when that is exact, else refused naming
  `packages` (change packages or package_size with it);
* `packages` must be whole (what confirm requires);
* `unit_price` (edit-only, never stored) → `price = unit_price × packages`;
* two or three of packages / package_size / quantity changed together that do not multiply → refused at once,
  naming `quantity` and what to change with it; a `price` changed together with `packages` is kept as given.

For `adjust_inventory`, a level is a percentage or an amount left, never both: setting one clears the other
(and the unit that only an amount needs). Nothing is derived for other operations.

Pure: JSON values in, JSON values out (numbers as int, or float when the float is the exact Decimal, else a
string), `ValidationError` naming `operations.N.field` on a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact
from typing import Any

from core.errors import ValidationError
from core.measures.quantities import positive_quantity

EDIT_ONLY_FIELDS = frozenset({"unit_price"})
_EXACT = Context(prec=34, traps=[Inexact])
_CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(1_000_000)  # the schema's bound on a line's quantity and price


@dataclass(frozen=True, slots=True)
class Carried:
    """The operation's args with the baker's changes and what follows from them; `derived` names the fields
    set here rather than by the baker."""

    args: dict[str, Any]
    derived: tuple[str, ...]


_number = positive_quantity  # a missing or bad value is the schema's to report, never derived from


def json_number(value: Decimal) -> int | float | str:
    """A Decimal as the JSON value args hold: an int, a float that reads back as the same Decimal, else text."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    """a ÷ b when it is an exact decimal, else None."""
    try:
        return _EXACT.divide(a, b).normalize(_EXACT)
    except Inexact:
        return None


def _times(a: Decimal, b: Decimal) -> Decimal:
    return _EXACT.multiply(a, b).normalize(_EXACT)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def carry(op: str, current: Mapping[str, Any], changes: Mapping[str, Any], index: int = 0) -> Carried:
    """`current` with `changes` applied (None clears a field) and the dependent fields derived, or a
    ValidationError naming the changed field and what to change with it."""
    args = {k: v for k, v in current.items()}
    for name, value in changes.items():
        if name in EDIT_ONLY_FIELDS:
            continue
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    if op == "add_purchase":
        return _purchase(current, changes, args, index)
    if op == "adjust_inventory":
        return _adjustment(changes, args)
    if any(name in EDIT_ONLY_FIELDS for name in changes):
        raise ValidationError(f"{next(iter(EDIT_ONLY_FIELDS & changes.keys()))}: only a purchase has a unit price",
                              field=f"operations.{index}.unit_price")
    return Carried(args, ())


def _purchase(current: Mapping[str, Any], changes: Mapping[str, Any], args: dict[str, Any],
              index: int) -> Carried:
    def refuse(field: str, message: str) -> ValidationError:
        return ValidationError(f"{field}: {message}", field=f"operations.{index}.{field}")

    derived: dict[str, Decimal] = {}
    changed = {name for name in ("packages", "package_size", "quantity", "price") if name in changes}
    packages, size, quantity = _number(args.get("packages")), _number(args.get("package_size")), \
        _number(args.get("quantity"))

    if packages is not None and "packages" in changes and packages != packages.to_integral_value():
        raise refuse("packages", f"is a number of whole packages, got {_plain(packages)}")

    if "unit_price" in changes:
        unit_price = _number(changes["unit_price"])
        if unit_price is None:
            raise refuse("unit_price", "must be a number greater than 0")
        if packages is None:
            raise refuse("packages", "a unit price is per package: set packages with it")
        total = _times(unit_price, packages)
        if "price" in changed:
            given = _number(args.get("price"))
            if given is not None and given != total:
                raise refuse("price", f"{_plain(packages)} packages at {_plain(unit_price)} make {_plain(total)}, "
                                      f"not {_plain(given)}: change unit_price or price, not both")
        else:
            derived["price"] = total
            changed.add("price")

    shape = changed & {"packages", "package_size", "quantity"}
    if packages is not None and size is not None and changes.get("quantity", 0) is not None:
        if shape and "quantity" not in shape:  # packages or the size changed: the total follows
            derived["quantity"] = _times(packages, size)
        elif shape == {"quantity"} and quantity is not None:  # the total changed: the size follows
            each = _divide(quantity, packages)
            if each is None:
                raise refuse("quantity", f"{_plain(quantity)} is not {_plain(packages)} equal packages: change "
                                         "packages or package_size with it")
            derived["package_size"] = each
        elif len(shape) > 1 and quantity is not None and _times(packages, size) != quantity:
            made = _times(packages, size)
            missing = "package_size" if "package_size" not in shape else "packages"
            raise refuse("quantity", f"{_plain(packages)} packages of {_plain(size)} make {_plain(made)}, not "
                                     f"{_plain(quantity)}: set quantity to {_plain(made)}, or change {missing} "
                                     "with it")

    if "packages" in changed and "price" not in changed and changes.get("packages") is not None:
        before, price = _number(current.get("packages")), _number(current.get("price"))
        if before is not None and price is not None and packages is not None and before != packages:
            scaled = _divide(_times(price, packages), before)
            if scaled is None or _places(scaled) > max(2, _places(price)):  # a fraction of a cent: rounded
                scaled = (price * packages / before).quantize(_CENT, rounding=ROUND_HALF_UP)
            derived["price"] = scaled

    for name in ("quantity", "price"):
        if name in derived and derived[name] > MAX_AMOUNT:
            cause = next((n for n in ("packages", "package_size", "unit_price", "quantity") if n in changes), name)
            raise refuse(cause, f"makes {name} {_plain(derived[name])}, more than {MAX_AMOUNT} on one line")

    for name, value in derived.items():
        args[name] = json_number(value)
    return Carried(args, tuple(sorted(derived)))


def _adjustment(changes: Mapping[str, Any], args: dict[str, Any]) -> Carried:
    cleared: list[str] = []
    if changes.get("remaining_percentage") is not None and "quantity" not in changes:
        for name in ("quantity", "unit"):
            if args.pop(name, None) is not None:
                cleared.append(name)
    elif changes.get("quantity") is not None and "remaining_percentage" not in changes \
            and args.pop("remaining_percentage", None) is not None:
        cleared.append("remaining_percentage")
    return Carried(args, tuple(sorted(cleared)))
