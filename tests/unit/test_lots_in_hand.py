"""What a change of stock reads of the lots on the memory store: `newest_lot`, and core.services.lots_in_hand
(the live lots of an ingredient; the products' live lots, or each one's newest lot when it has none)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.bakery import Bakery
from core.memory_repository import MemoryStore
from core.services.lots_in_hand import live_lots_of_ingredient, lots_of_products
from core.stock.inventory import lot_for_level_check
from core.stock.lots import Lot
from tests.support.live_lot_walk import kitchen


def _lot(lot_id: str, product: str, ingredient: str, quantity: int, day: int) -> Lot:
    return Lot(lot_id, product, ingredient, Decimal(quantity), "LBR", Decimal(1), dt.date(2026, 1, day))


def _store(*lots: Lot) -> MemoryStore:
    return MemoryStore(Bakery(lots={lot.id: lot for lot in lots}))


def test_newest_lot_is_the_last_in_fifo_order_live_or_used_up() -> None:
    store = _store(_lot("a", "flour-5lb", "flour", 0, 1), _lot("c", "flour-5lb", "flour", 2, 3),
                   _lot("d", "flour-5lb", "flour", 0, 3), _lot("z", "sugar-4lb", "sugar", 0, 9))
    uow = store.unit_of_work()
    newest = uow.newest_lot("flour-5lb")
    assert newest is not None and newest.id == "d"  # same day as "c": the id decides, as lots_oldest_first
    assert uow.newest_lot("sugar-4lb") == store.bakery.lots["z"]
    assert uow.newest_lot("never-bought") is None


def test_newest_lot_sees_the_unit_of_works_own_writes_and_not_others_uncommitted() -> None:
    store = _store(_lot("a", "flour-5lb", "flour", 0, 1))
    uow = store.unit_of_work()
    uow.lots.put(_lot("b", "flour-5lb", "flour", 0, 2))
    assert uow.newest_lot("flour-5lb") == _lot("b", "flour-5lb", "flour", 0, 2)
    assert store.unit_of_work().newest_lot("flour-5lb") == store.bakery.lots["a"]  # not committed
    uow.lots.delete("b")
    assert uow.newest_lot("flour-5lb") == store.bakery.lots["a"]


def test_live_lots_of_an_ingredient_leave_out_used_up_lots_and_other_ingredients() -> None:
    store = _store(_lot("a", "flour-5lb", "flour", 0, 1), _lot("b", "flour-5lb", "flour", 3, 2),
                   _lot("c", "flour-10lb", "flour", 1, 4), _lot("s", "sugar-4lb", "sugar", 2, 1))
    assert [lot.id for lot in live_lots_of_ingredient(store.unit_of_work(), "flour")] == ["b", "c"]
    assert live_lots_of_ingredient(store.unit_of_work(), "salt") == []


def test_lots_of_products_live_ones_else_the_newest_used_up_one() -> None:
    store = _store(_lot("a1", "flour-5lb", "flour", 0, 1), _lot("a2", "flour-5lb", "flour", 4, 2),
                   _lot("a3", "flour-5lb", "flour", 0, 3), _lot("b1", "flour-10lb", "flour", 0, 1),
                   _lot("b2", "flour-10lb", "flour", 0, 5), _lot("s", "sugar-4lb", "sugar", 2, 1))
    found = lots_of_products(store.unit_of_work(), ["flour-5lb", "flour-10lb", "never-bought"])
    assert [lot.id for lot in found] == ["a2", "b2"]
    assert lots_of_products(store.unit_of_work(), ["never-bought"]) == []


def test_a_level_check_picks_the_same_lot_from_lots_in_hand_as_from_every_lot() -> None:
    """core.stock.inventory.lot_for_level_check on lots_of_products's lots == on every lot of the product."""
    bakery = kitchen()
    product = bakery.products["ka-flour-5lb"]
    cases = {
        "a live lot among used-up ones": [_lot("l1", product.id, "flour", 0, 1), _lot("l2", product.id, "flour", 2, 2),
                                          _lot("l3", product.id, "flour", 1, 3), _lot("l4", product.id, "flour", 0, 4)],
        "every lot used up": [_lot("l1", product.id, "flour", 0, 1), _lot("l2", product.id, "flour", 0, 7),
                              _lot("l3", product.id, "flour", 0, 3)],
        "one lot": [_lot("l1", product.id, "flour", 5, 1)],
    }
    for case, lots in cases.items():
        bakery.lots = {lot.id: lot for lot in lots}
        store = MemoryStore(bakery)
        expected = lot_for_level_check(lots, product)
        assert lot_for_level_check(lots_of_products(store.unit_of_work(), [product.id]), product) == expected, case
