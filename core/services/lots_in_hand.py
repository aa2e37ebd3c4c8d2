"""What a change of stock reads of the lots: the live ones, never a bakery's used-up history.

FIFO draws only from lots with stock, so a draw needs the live lots of what it draws (`UnitOfWork.live_lots`,
one read of the live lots whatever the history). A level check ("this bag is 40 % full") picks a product's
oldest live lot, else its newest lot even used up: that one lot is read on its own (`UnitOfWork.newest_lot`).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.repository import UnitOfWork
from core.stock.lots import Lot


def live_lots_of_ingredient(uow: UnitOfWork, ingredient_slug: str) -> list[Lot]:
    """The ingredient's lots with stock, by key."""
    return [lot for lot in uow.live_lots() if lot.ingredient_slug == ingredient_slug]


def lots_of_products(uow: UnitOfWork, product_ids: Iterable[str]) -> list[Lot]:
    """The products' lots with stock and, for each product with none, its newest lot (used up), by key: every
    lot a level check or a count of these products can pick (core.stock.inventory.lot_for_level_check,
    core.proposals.apply), without their used-up history. Empty only when the products never had a lot."""
    wanted = set(product_ids)
    found = {lot.id: lot for lot in uow.live_lots() if lot.product_id in wanted}
    for product_id in sorted(wanted - {lot.product_id for lot in found.values()}):
        newest = uow.newest_lot(product_id)
        if newest is not None:
            found[newest.id] = newest
    return [found[key] for key in sorted(found)]
