"""The purchase history a page at a time on the memory store (core.stock.purchase_pages, the application's
list_purchases): every purchase once, in order, across pages and with purchases bought between pages; limit
and cursor validated; one bakery's cursor useless to another. The same contract runs on the HTTP operation
(tests/functions/test_list_purchases.py) and on Firestore (tests/integration/test_purchase_pages_on_emulator.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest

from core.application.context import BakeryContext
from core.application.purchase_history import list_purchases
from core.bakery import Bakery
from core.catalog.entities import Product
from core.errors import BakeTrackerError, NotFoundError, ValidationError
from core.memory_repository import MemoryStore
from core.stock.lots import Purchase
from core.stock.purchase_pages import (
    PurchasePosition,
    decode_cursor,
    encode_cursor,
    is_after,
    listing_of,
    page_of,
)
from tests.support import purchase_paging as contract


class Stores:
    """The memory backend's shape (one store per bakery), as BakeryContext needs it."""

    def __init__(self) -> None:
        self.stores: dict[str, MemoryStore] = {}

    def store(self, tenant_id: str) -> MemoryStore:
        if tenant_id not in self.stores:
            bakery = Bakery()
            for pid in contract.PRODUCTS:
                bakery.products[pid] = Product(pid, "flour", "Brand", "", "LBR", Decimal(5))
            self.stores[tenant_id] = MemoryStore(bakery)
        return self.stores[tenant_id]

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> Any:
        return self.store(tenant_id).unit_of_work()

    def planning_bakery(self, tenant_id: str) -> Bakery:
        return self.store(tenant_id).bakery

    def buy(self, tenant_id: str, purchases: Iterable[Purchase]) -> None:
        with self.unit_of_work(tenant_id) as uow:
            for p in purchases:
                uow.purchases.put(p)
            uow.commit()

    def lister(self, tenant: str, limit: int | None, cursor: str | None, product: str | None) -> dict[str, Any]:
        try:
            return list_purchases(BakeryContext(self, tenant), cursor=cursor, product=product,
                                  **({"limit": limit} if limit is not None else {}))
        except BakeTrackerError as exc:
            if isinstance(exc, ValidationError):
                raise contract.Refused(exc.field, exc.message) from exc
            raise


@pytest.fixture
def stores() -> Stores:
    return Stores()


def test_every_purchase_once_in_order(stores: Stores) -> None:
    contract.check_every_purchase_once_in_order(stores.lister, stores.buy, "alpha")


def test_purchases_bought_between_pages(stores: Stores) -> None:
    contract.check_purchases_added_between_pages(stores.lister, stores.buy, "alpha")


def test_limit_and_cursor_are_validated(stores: Stores) -> None:
    contract.check_limit_and_cursor_are_validated(stores.lister, stores.buy, "alpha", "beta")


def test_bakeries_never_see_each_other(stores: Stores) -> None:
    contract.check_bakeries_never_see_each_other(stores.lister, stores.buy, "alpha", "beta")


def test_an_unknown_product_is_not_found_naming_product(stores: Stores) -> None:
    with pytest.raises(NotFoundError) as caught:
        stores.lister("alpha", 5, None, "no-such-product")
    assert caught.value.field == "product"


def test_an_empty_history_is_one_empty_page(stores: Stores) -> None:
    assert stores.lister("alpha", 5, None, None) == {"purchases": [], "next_cursor": None}


def test_a_unit_of_work_lists_its_own_writes_on_the_memory_store() -> None:
    store = MemoryStore()
    uow = store.unit_of_work()
    uow.purchases.put(Purchase("p1", "flour", None, dt.date(2026, 1, 1), Decimal(1), Decimal(1)))
    assert [p.id for p in uow.purchases_page(5).purchases] == ["p1"]
    uow.rollback()
    assert store.unit_of_work().purchases_page(5).purchases == []


def test_same_day_purchases_are_ordered_by_id_and_paged_between_them() -> None:
    day = dt.date(2026, 3, 1)
    bought = [Purchase(i, "flour", None, day, Decimal(1), Decimal(1)) for i in ("b", "a", "c", "a/x", "a%2F")]
    first = page_of(bought, 2)
    assert [p.id for p in first.purchases] == ["c", "b"] and first.next_after == PurchasePosition(day, "b")
    second = page_of(bought, 2, first.next_after)
    assert [p.id for p in second.purchases] == ["a/x", "a%2F"]
    last = page_of(bought, 2, second.next_after)
    assert [p.id for p in last.purchases] == ["a"] and last.next_after is None
    assert is_after(bought[1], PurchasePosition(day, "b")) and not is_after(bought[2], PurchasePosition(day, "b"))


def test_a_cursor_round_trips_and_names_its_listing() -> None:
    position = PurchasePosition(dt.date(2024, 2, 29), "purchase-Ünïcode/1")
    listing = listing_of("alpha", "ka-flour")
    cursor = encode_cursor(position, listing)
    assert cursor.isascii() and "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert decode_cursor(cursor, listing) == position
    for other in (listing_of("beta", "ka-flour"), listing_of("alpha", None), listing_of("alpha", "butter")):
        with pytest.raises(ValidationError) as caught:
            decode_cursor(cursor, other)
        assert caught.value.field == "cursor"
    for bad in ("", "=", "e30", encode_cursor(position, listing)[:-6], "eyJ2IjoxLCJvbiI6IjIwMjQtMDItMzAifQ"):
        with pytest.raises(ValidationError) as caught:
            decode_cursor(bad, listing)
        assert caught.value.field == "cursor"


@pytest.mark.parametrize("limit", [0, -5, 201, True])
def test_a_bad_limit_names_limit(limit: int) -> None:
    with pytest.raises(ValidationError) as caught:
        page_of([], limit)
    assert caught.value.field == "limit"
