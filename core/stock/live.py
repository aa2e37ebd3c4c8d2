"""Live stock: the lots that still hold something, indexed by ingredient in FIFO order.

A lot is live while its remaining quantity is above zero. Planning, shopping and what
can be made only ever count live lots, so they read these and never a bakery's history
(five years of used-up lots weigh nothing on a plan). Stores keep the live lots apart
(see `UnitOfWork.live_lots`); a lot that comes back above zero (an undo, a level check
that found more) is live again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.stock.fifo import lots_oldest_first
from core.stock.lots import Lot


def is_live(lot: Lot) -> bool:
    return lot.quantity > 0


def live_lots(lots: Iterable[Lot]) -> dict[str, Lot]:
    """The live lots by id."""
    return {lot.id: lot for lot in lots if lot.quantity > 0}


def live_by_ingredient(lots: Iterable[Lot]) -> dict[str, list[Lot]]:
    """Ingredient slug → its live lots, oldest first (FIFO order)."""
    index: dict[str, list[Lot]] = {}
    for lot in lots:
        if lot.quantity > 0:
            index.setdefault(lot.ingredient_slug, []).append(lot)
    return {slug: lots_oldest_first(found) for slug, found in index.items()}


def live_of(index: Mapping[str, list[Lot]], ingredient_slug: str) -> list[Lot]:
    return index.get(ingredient_slug, [])
