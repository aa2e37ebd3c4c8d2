"""Live lots on the in-memory repository: after every writer, the live lots are exactly those with stock."""

from __future__ import annotations

import datetime as dt

from core.memory_repository import MemoryStore
from core.repository import PLANNING_COLLECTIONS
from core.services import record_purchase
from core.stock.live import live_by_ingredient
from tests.support.live_lot_walk import kitchen, walk_every_writer


def test_every_writer_keeps_the_live_lots_on_the_memory_store() -> None:
    store = MemoryStore(kitchen())

    def live_ids() -> set[str]:
        uow = store.unit_of_work()
        live = {lot.id for lot in uow.live_lots()}
        assert live == {lot.id for lot in store.bakery.lots.values() if lot.quantity > 0}
        assert set(uow.load_bakery(PLANNING_COLLECTIONS, live_lots=True).lots) == live
        assert set(uow.load_bakery().lots) == set(store.bakery.lots)  # history still there for export
        return live

    steps = walk_every_writer(store.unit_of_work, live_ids)
    assert len(steps) == 15
    assert len(store.bakery.lots) == 2  # the two undone purchases' lots are gone, a used-up one stays


def test_live_lots_are_indexed_by_ingredient_oldest_first() -> None:
    store = MemoryStore(kitchen())
    for day in (3, 1, 2):
        record_purchase(store.unit_of_work(), product_id="ka-flour-5lb", packages=1, unit_price="4.99",
                        purchased_on=dt.date(2026, 11, day))
    index = live_by_ingredient(store.bakery.lots.values())
    assert list(index) == ["flour"]
    assert [lot.purchased_on.day for lot in index["flour"]] == [1, 2, 3]
