"""What a purchase line's amount says about which package was bought, and what this bakery buys and holds.

Pure. Used by `core.speech.resolve` to choose among a bakery's products:

* `history` — per product, how many times it was bought and when last (its purchases), and whether any of
  it is in stock now (its lots, the stock it started with included);
* `read_amount` — the amount as read, with a unit word inside the item name used when the line gave no size
  ("WHOLE MILK GAL" x2 is 2 packages of 1 gal, "EGGS DOZ" 12 each);
* `fit` — how an amount fits a product's package: the package size read is the product's (`SIZE`), or the
  line's total is one package of it (`TOTAL`: "BUTTER 4X4OZ" is one 1-lb package), or a bare count of
  packages (`COUNT`: "4 @ 3.99 KERRY BUTTER" is 4 packages), or a whole number of its packages (`WHOLE`);
* `fitted` — the args as that fit reads them (packages, package_size, quantity and unit filled in).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product
from core.errors import ConversionError
from core.measures.quantities import positive_quantity
from core.measures.units import UNITS, Dimension, convert
from core.stock.purchase_summary import summaries_of

VAGUE_UNIT = 0.6  # a unit read with less confidence than this is a guess (a receipt's bare count)
_CLOSE = Decimal("0.000001")

# Unit words a till prints inside an item name without a number: the size is one of it.
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    "gal": ("GLL", Decimal(1)), "gallon": ("GLL", Decimal(1)), "gallons": ("GLL", Decimal(1)),
    "qt": ("QTL", Decimal(1)), "quart": ("QTL", Decimal(1)), "quarts": ("QTL", Decimal(1)),
    "pt": ("PTL", Decimal(1)), "pint": ("PTL", Decimal(1)), "pints": ("PTL", Decimal(1)),
    "lb": ("LBR", Decimal(1)), "lbs": ("LBR", Decimal(1)), "doz": ("H87", Decimal(12)),
    "dozen": ("H87", Decimal(12)), "dz": ("H87", Decimal(12)),
}


class Fit(IntEnum):
    NONE = 0
    WHOLE = 1  # a whole number of the product's packages
    COUNT = 2  # a bare count, read as packages
    TOTAL = 3  # the line's total is one package
    SIZE = 4  # the package size read is the product's


@dataclass(frozen=True, slots=True)
class Bought:
    times: int = 0
    last: dt.date | None = None
    in_stock: bool = False

    def plus(self, other: Bought) -> Bought:
        last = max((d for d in (self.last, other.last) if d is not None), default=None)
        return Bought(self.times + other.times, last, self.in_stock or other.in_stock)


def history(bakery: Bakery) -> dict[str, Bought]:
    """Per product id: the purchases of it (how many, the last), and whether any lot of it has stock now.
    Stock a bakery started with (a lot with no purchase) is held, not bought."""
    seen: dict[str, Bought] = {pid: Bought(summary.times, summary.last_on)  # no purchase read: their summaries
                               for pid, summary in summaries_of(bakery).items()}
    for lot in bakery.lots.values():
        if lot.quantity > 0:
            seen[lot.product_id] = seen.get(lot.product_id, Bought()).plus(Bought(0, None, True))
    return seen


@dataclass(frozen=True, slots=True)
class Amount:
    """A purchase line's amount as read: the total, and the packages and their size when given."""

    quantity: Decimal
    unit: str
    packages: Decimal | None
    package_size: Decimal | None
    vague_unit: bool  # the unit is a guess (a receipt line with no size: a bare count)

    @property
    def is_count(self) -> bool:
        """Pieces or containers, not a measure: "4 @ 3.99 BUTTER", "2 bags of flour"."""
        unit = UNITS.get(self.unit)
        return unit is not None and unit.dimension in (Dimension.COUNT, Dimension.PACKAGE) \
            and self.package_size is None


_number = positive_quantity  # a missing or bad value is the schema's to report, never derived from


def unit_word(name: str) -> tuple[str, Decimal] | None:
    """The size a unit word inside an item name stands for ("whole milk gal": 1 gal), the last one."""
    found = None
    for word in re.findall(r"[a-z]+", name.lower()):
        found = UNIT_WORDS.get(word, found)
    return found


def read_amount(args: dict[str, Any], confidence: dict[str, float]) -> Amount | None:
    quantity, unit = _number(args.get("quantity")), args.get("unit")
    if quantity is None or not isinstance(unit, str) or unit not in UNITS:
        return None
    return Amount(quantity, unit, _number(args.get("packages")), _number(args.get("package_size")),
                  confidence.get("unit", 1.0) < VAGUE_UNIT)


def with_unit_word(args: dict[str, Any], amount: Amount | None) -> tuple[dict[str, Any], Amount | None]:
    """A count with a unit word in the name and no size ("WHOLE MILK GAL" x2): packages of one of that unit."""
    if amount is None or amount.unit != "H87" or amount.package_size is not None:
        return args, amount
    word = unit_word(str(args.get("item_name") or ""))
    if word is None or amount.quantity != amount.quantity.to_integral_value():
        return args, amount
    code, size = word
    count = amount.quantity
    out = dict(args, packages=count, package_size=size, quantity=count * size, unit=code)
    return out, Amount(count * size, code, count, size, False)


def _in_unit(quantity: Decimal, unit: str, product: Product, ingredient: Ingredient | None) -> Decimal | None:
    try:
        if ingredient is not None:
            return convert(quantity, unit, product.package_unit, ingredient.conversion_basis)
        return convert(quantity, unit, product.package_unit)
    except (ConversionError, KeyError):
        return None


def _same(a: Decimal | None, b: Decimal) -> bool:
    return a is not None and abs(a - b) <= _CLOSE * max(Decimal(1), b)


def fit(amount: Amount | None, product: Product, ingredient: Ingredient | None) -> Fit:
    """How the amount read fits one package of the product (see the module's docstring)."""
    if amount is None:
        return Fit.NONE
    size = product.package_unit_quantity
    if amount.package_size is not None:
        if _same(_in_unit(amount.package_size, amount.unit, product, ingredient), size):
            return Fit.SIZE
        if amount.packages is not None and amount.packages > 1 and \
                _same(_in_unit(amount.quantity, amount.unit, product, ingredient), size):
            return Fit.TOTAL
        return Fit.NONE
    product_unit = UNITS.get(product.package_unit)
    counted = product_unit is not None and product_unit.dimension is Dimension.COUNT
    whole_count = amount.is_count and amount.quantity == amount.quantity.to_integral_value()
    if whole_count and (amount.unit != product.package_unit or not counted or amount.vague_unit):
        return Fit.COUNT  # "4 KERRY BUTTER": packages (pieces only when said as pieces of a counted product)
    total = _in_unit(amount.quantity, amount.unit, product, ingredient)
    if total is None:
        return Fit.NONE
    packages = total / size
    return Fit.WHOLE if packages > 0 and _same(packages, packages.to_integral_value()) else Fit.NONE


def fitted(args: dict[str, Any], amount: Amount, product: Product, how: Fit) -> dict[str, Any]:
    """The args as the fit reads them: a bare count is that many packages; a total that is one package, one."""
    if how is Fit.COUNT:
        count = amount.quantity
        size = product.package_unit_quantity
        return dict(args, packages=count, package_size=size, quantity=count * size, unit=product.package_unit)
    if how is Fit.TOTAL:
        return dict(args, packages=Decimal(1), package_size=amount.quantity)
    return args
