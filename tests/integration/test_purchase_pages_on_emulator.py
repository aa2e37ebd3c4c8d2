"""list_purchases on the Firestore emulator: the same paging contract as on the memory store
(tests/support/purchase_paging.py), and a page reads one page of documents, not the history."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest

from adapters.firestore_repository import FirestoreUnitOfWork
from core.application.context import BakeryContext
from core.application.purchase_history import list_purchases
from core.catalog.entities import Product
from core.errors import ValidationError
from core.stock.lots import Purchase
from functions.shared.firestore_backend import FirestoreBackend
from tests.support import purchase_paging as contract

pytestmark = pytest.mark.emulator


class OnFirestore:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.backend = FirestoreBackend(client)
        self.stocked: set[str] = set()

    def buy(self, tenant: str, purchases: Iterable[Purchase]) -> None:
        uow = FirestoreUnitOfWork(self.client, tenant)
        if tenant not in self.stocked:
            for pid in contract.PRODUCTS:
                uow.products.put(Product(pid, "flour", "Brand", "", "LBR", Decimal(5)))
            self.stocked.add(tenant)
        for p in purchases:
            uow.purchases.put(p)
        uow.commit()

    def lister(self, tenant: str, limit: int | None, cursor: str | None, product: str | None) -> dict[str, Any]:
        if tenant not in self.stocked:
            self.buy(tenant, [])
        try:
            return list_purchases(BakeryContext(self.backend, tenant), cursor=cursor, product=product,
                                  **({"limit": limit} if limit is not None else {}))
        except ValidationError as exc:
            raise contract.Refused(exc.field, exc.message) from exc


@pytest.fixture
def on_firestore(firestore: Any) -> OnFirestore:
    return OnFirestore(firestore)


def test_every_purchase_once_in_order(on_firestore: OnFirestore) -> None:
    contract.check_every_purchase_once_in_order(on_firestore.lister, on_firestore.buy, "alpha")


def test_purchases_bought_between_pages(on_firestore: OnFirestore) -> None:
    contract.check_purchases_added_between_pages(on_firestore.lister, on_firestore.buy, "alpha")


def test_limit_and_cursor_are_validated(on_firestore: OnFirestore) -> None:
    contract.check_limit_and_cursor_are_validated(on_firestore.lister, on_firestore.buy, "alpha", "beta")


def test_bakeries_never_see_each_other(on_firestore: OnFirestore) -> None:
    contract.check_bakeries_never_see_each_other(on_firestore.lister, on_firestore.buy, "alpha", "beta")


def test_a_page_reads_one_page_of_documents(on_firestore: OnFirestore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Of 120 purchases, a page of 10 streams 11 documents (the one more says a next page exists); the last
    page streams what is left. A document stored under the bakery with another tenant_id is never listed."""
    from google.cloud.firestore_v1.query import Query

    on_firestore.buy("alpha", contract.history("pu", 120))
    stray = contract.history("stray", 1, seed=99)[0]
    on_firestore.client.collection("tenants").document("alpha").collection("purchases").document(stray.id).set(
        {"id": stray.id, "product_id": stray.product_id, "supplier_slug": None,
         "purchased_on": "2027-01-01", "quantity_purchased": "1", "unit_price": "1", "notes": "",
         "tenant_id": "someone-else"})
    streamed: list[int] = []
    original = Query.stream

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        count = 0
        for snap in original(self, *args, **kwargs):
            count += 1
            yield snap
        streamed.append(count)

    monkeypatch.setattr(Query, "stream", counting)
    first = on_firestore.lister("alpha", 10, None, None)
    assert streamed == [11] and len(first["purchases"]) == 9  # the stray document is read, never shown
    assert stray.id not in {p["id"] for p in first["purchases"]}
    streamed.clear()
    second = on_firestore.lister("alpha", 10, first["next_cursor"], None)
    assert streamed == [11] and len(second["purchases"]) == 10
    listed, sizes = contract.walk(on_firestore.lister, "alpha", 50)
    assert [p["id"] for p in listed] == contract.newest_first(contract.history("pu", 120))
    assert sizes == [49, 50, 21]  # the stray document takes a place on the first page
