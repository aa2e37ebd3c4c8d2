"""FIFO consumption: take an amount of an ingredient from its lots, oldest first, costed per lot.

Pure: lots go in, a `Consumption` (per-lot breakdown, cost, shortfall, updated
lots) comes out; callers decide whether to store it. Quantities stay exact:
a lot in the unit asked for is reduced by plain subtraction (17.3 oz - 5.75 oz
is 11.55 oz), and a lot emptied is set to exactly zero, never to conversion noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from core.errors import ConversionError, InsufficientStockError, ValidationError
from core.measures.quantities import EPSILON, ZERO, rounded
from core.measures.units import NO_BASIS, ConversionBasis, convert, symbol_for
from core.stock.lots import Lot, LotDraw


@dataclass(frozen=True, slots=True)
class Shortage:
    """How much of an ingredient is missing, in the unit it was asked for."""

    item_slug: str
    needed: Decimal
    available: Decimal
    unit: str

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.needed - self.available)

    def describe(self) -> str:
        word = symbol_for(self.unit)
        return (
            f"{self.item_slug}: need {rounded(self.needed)} {word}, have {rounded(self.available)} {word}, "
            f"short {rounded(self.shortfall)} {word}"
        )


class ShortOfStockError(InsufficientStockError):
    """Refused because stock is short; `shortages` lists every missing item."""

    def __init__(self, shortages: Iterable[Shortage], *, doing: str = "", item_key: str = "ingredient") -> None:
        self.shortages = tuple(shortages)
        self.item_key = item_key  # what a shortage names: an ingredient, or an item (units, goods, packaging)
        what = f"cannot {doing}: " if doing else ""
        self.doing = doing
        super().__init__(f"{what}not enough stock: " + "; ".join(s.describe() for s in self.shortages))


@dataclass(frozen=True, slots=True)
class Consumption:
    """What a FIFO consumption took, from which lots, at what cost, and what was missing."""

    item_slug: str
    requested: Decimal
    unit: str  # the unit `requested`, `consumed`, `available` and `shortfall` are in
    consumed: Decimal
    available: Decimal  # stock before consuming, converted into `unit`
    shortfall: Decimal
    draws: tuple[LotDraw, ...]  # oldest lot first
    lots: tuple[Lot, ...]  # every lot given, updated, oldest first; emptied lots are kept

    @property
    def satisfied(self) -> bool:
        return self.shortfall == ZERO

    @property
    def known_cost(self) -> Decimal:
        """Cost of the parts whose lot cost is known."""
        return sum((d.cost for d in self.draws if d.cost is not None), ZERO)

    @property
    def cost_complete(self) -> bool:
        return all(d.cost is not None for d in self.draws)

    @property
    def total_cost(self) -> Decimal | None:
        """FIFO cost of what was taken; None when some lot drawn had no known unit cost."""
        return self.known_cost if self.cost_complete else None

    @property
    def lots_without_cost(self) -> tuple[str, ...]:
        return tuple(d.lot_id for d in self.draws if d.cost is None)

    @property
    def changed_lots(self) -> tuple[Lot, ...]:
        drawn = {d.lot_id for d in self.draws}
        return tuple(lot for lot in self.lots if lot.id in drawn)

    def shortage(self) -> Shortage:
        return Shortage(self.item_slug, self.requested, self.available, self.unit)


def lots_oldest_first(lots: Iterable[Lot]) -> list[Lot]:
    """FIFO order: purchase date, then lot id so that same-day lots always come in the same order."""
    return sorted(lots, key=lambda lot: (lot.purchased_on, lot.id))


@dataclass(frozen=True, slots=True)
class UnconvertibleLot:
    """A lot with stock whose unit cannot be converted into the unit asked for, and why."""

    lot: Lot
    reason: str  # "salt: lot lot-7 is in lb (LBR), which cannot be converted to tsp (G25): no density"


def fifo_reach(
    lots: Iterable[Lot], unit: str, basis: ConversionBasis = NO_BASIS
) -> tuple[list[Lot], tuple[UnconvertibleLot, ...]]:
    """The lots FIFO can take from in `unit`, and the lots with stock it cannot convert.

    The first part is the lots, oldest first, up to (not including) the oldest lot with stock that
    cannot be converted: consuming from them never skips a lot FIFO would have emptied first. The
    second lists every lot with stock that cannot be converted, oldest first (empty: all can be).
    """
    ordered = lots_oldest_first(lots)
    reach = len(ordered)
    blocked: list[UnconvertibleLot] = []
    for i, lot in enumerate(ordered):
        if lot.quantity > 0:
            try:
                _lot_in(lot, unit, basis)
            except ConversionError as exc:
                blocked.append(UnconvertibleLot(lot, exc.message))
                reach = min(reach, i)
    return ordered[:reach], tuple(blocked)


def stock_in(lots: Iterable[Lot], unit: str, basis: ConversionBasis = NO_BASIS) -> Decimal:
    """Σ remaining quantity of the lots, converted into `unit` (an unconvertible lot is an error)."""
    return sum((_lot_in(lot, unit, basis) for lot in lots if lot.quantity > 0), ZERO)


def consume_fifo(
    lots: Iterable[Lot],
    amount: Decimal,
    unit: str,
    basis: ConversionBasis = NO_BASIS,
    *,
    allow_shortfall: bool = False,
) -> Consumption:
    """Take `amount` `unit` from `lots`, oldest first, converting per lot with `basis`.

    Short of stock: refused with `ShortOfStockError` (an `InsufficientStockError`)
    unless `allow_shortfall`, which takes everything there is and reports the
    shortfall. A lot whose unit cannot be converted is a `ConversionError`
    naming the ingredient, the lot and both units. No lot ever goes below zero.
    """
    if amount < 0:
        raise ValidationError(f"amount to consume must not be negative, got {amount}", field="amount")
    ordered = lots_oldest_first(lots)
    item = basis.name or (ordered[0].ingredient_slug if ordered else "")
    in_unit = {lot.id: _lot_in(lot, unit, basis) for lot in ordered if lot.quantity > 0}
    available = sum(in_unit.values(), ZERO)
    if available + EPSILON < amount and not allow_shortfall:
        raise ShortOfStockError([Shortage(item, amount, available, unit)])

    remaining = amount
    consumed = ZERO
    draws: list[LotDraw] = []
    updated: list[Lot] = []
    for lot in ordered:
        if remaining <= ZERO or lot.id not in in_unit:
            updated.append(lot)
            continue
        lot_stock = in_unit[lot.id]
        if lot_stock <= remaining + EPSILON:  # the whole lot goes: exactly to zero, no conversion noise
            taken, taken_in_unit = lot.quantity, lot_stock
        else:
            taken, taken_in_unit = min(lot.quantity, _convert(remaining, unit, lot.unit, lot, basis)), remaining
        remaining -= taken_in_unit
        consumed += taken_in_unit
        cost = None if lot.unit_cost is None else taken * lot.unit_cost
        draws.append(LotDraw(lot.id, lot.ingredient_slug, taken, lot.unit, cost))
        updated.append(replace(lot, quantity=lot.quantity - taken))

    shortfall = remaining if remaining > EPSILON else ZERO
    return Consumption(item, amount, unit, min(consumed, amount), available, shortfall, tuple(draws), tuple(updated))


def _lot_in(lot: Lot, unit: str, basis: ConversionBasis) -> Decimal:
    return lot.quantity if lot.unit == unit else _convert(lot.quantity, lot.unit, unit, lot, basis)


def _convert(quantity: Decimal, src: str, dst: str, lot: Lot, basis: ConversionBasis) -> Decimal:
    try:
        return convert(quantity, src, dst, basis)
    except ConversionError as exc:
        other = dst if src == lot.unit else src
        reason = exc.message.rsplit(": ", 1)[-1]  # "no density", "no weight per piece"...
        raise ConversionError(
            f"{basis.name or lot.ingredient_slug}: lot {lot.id} is in {symbol_for(lot.unit)} ({lot.unit}), "
            f"which cannot be converted to {symbol_for(other)} ({other}): {reason}",
            field="unit",
        ) from exc
