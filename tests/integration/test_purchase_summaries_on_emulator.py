"""Purchase summaries on the Firestore emulator: every writer of purchases (purchases, proposals confirmed and
undone, an import, deletes, a restore's clear and write) leaves the stored summaries equal to a scan of the
purchases; bakeries stored before summaries are backfilled once; planning reads summaries, not purchases."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from adapters.collection_cache import TenantCache
from adapters.document_codec import encode
from adapters.firestore_repository import FirestoreUnitOfWork
from adapters.purchase_summaries import SUMMARIES, SUMMARIES_MARKED
from core.application import backups
from core.application.context import BakeryContext
from core.application.records import import_desktop
from core.memory_repository import MemoryStore
from core.planning.event_plan import plan_event
from core.planning.events import Event, EventFinishedGood
from core.repository import COLLECTION_NAMES
from core.services import record_purchase
from core.stock.lots import Purchase
from core.stock.purchase_summary import PurchaseSummary, summarize
from functions.shared.firestore_backend import FirestoreBackend
from tests.conftest import load_fixture
from tests.support.live_lot_walk import kitchen, walk_every_writer

pytestmark = pytest.mark.emulator
FLOUR_UPC = "016000196100"  # the mobile purchase sample's known UPC


def _seed(client: Any, tenant: str) -> None:
    uow = FirestoreUnitOfWork(client, tenant)
    bakery = kitchen()
    bakery.products["ka-flour-5lb"] = replace(bakery.products["ka-flour-5lb"], upc=FLOUR_UPC)
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    uow.commit()


def _stored(client: Any, tenant: str) -> dict[str, dict[str, Any]]:
    return {snap.id: snap.to_dict() for snap in
            client.collection("tenants").document(tenant).collection(SUMMARIES).stream()}


def _check(client: Any, tenant: str, warm: TenantCache) -> dict[str, PurchaseSummary]:
    """Stored summaries, a cold read and this instance's warm read all equal the scan of every purchase."""
    scan = summarize(FirestoreUnitOfWork(client, tenant, read_only=True).purchases.list())
    stored = {key: doc for key, doc in _stored(client, tenant).items() if doc["times"]}
    assert stored == {pid: {**encode(summary), "tenant_id": tenant} for pid, summary in scan.items()}
    cold = FirestoreUnitOfWork(client, tenant, read_only=True, cache=TenantCache()).purchase_summaries()
    assert cold == FirestoreUnitOfWork(client, tenant, read_only=True, cache=warm).purchase_summaries() == scan
    return scan


def test_every_writer_keeps_the_summaries_equal_to_a_scan(firestore: Any) -> None:
    _seed(firestore, "alpha")
    cache = TenantCache()
    assert _check(firestore, "alpha", cache) == {}  # the first read marks the new bakery
    times: list[int] = []

    def check() -> set[str]:
        times.append(sum(s.times for s in _check(firestore, "alpha", cache).values()))
        return {lot.id for lot in FirestoreUnitOfWork(firestore, "alpha", read_only=True).live_lots()}

    steps = walk_every_writer(lambda: FirestoreUnitOfWork(firestore, "alpha", cache=cache), check)
    assert len(steps) == 15
    assert (times[0], max(times), times[-1]) == (0, 3, 2)  # two proposed purchases undone

    ctx = BakeryContext(FirestoreBackend(firestore), "alpha")
    imported = import_desktop(ctx, data=load_fixture("desktop/bt_mobile_purchase_sample.json"))
    assert imported["changed"]["purchases"] == 1
    assert _check(firestore, "alpha", cache)["ka-flour-5lb"].times == 3  # an import

    purchases = FirestoreUnitOfWork(firestore, "alpha", read_only=True).purchases.list()
    newest = max(purchases, key=lambda p: (p.purchased_on, p.id))
    uow = FirestoreUnitOfWork(firestore, "alpha", cache=cache)
    uow.purchases.delete(newest.id)  # the newest goes: the product's purchases are read to sum them up again
    uow.commit()
    assert _check(firestore, "alpha", cache)["ka-flour-5lb"].last != newest

    bakery = FirestoreUnitOfWork(firestore, "alpha", read_only=True).load_bakery()
    store = FirestoreBackend(firestore)
    backups._clear(store, "alpha")  # what an unfinished restore's clearing does: every record deleted
    assert _check(firestore, "alpha", cache) == {}
    assert _stored(firestore, "alpha")["ka-flour-5lb"]["times"] == 0  # kept as none left, not deleted
    backups._write(store, "alpha", bakery)  # a restore's writes, in batches
    assert _check(firestore, "alpha", cache)["ka-flour-5lb"].times == 2


def test_a_bakery_stored_before_summaries_is_backfilled_once(firestore: Any) -> None:
    _seed(firestore, "old")
    purchases = firestore.collection("tenants").document("old").collection("purchases")
    day = dt.date(2024, 1, 1)
    for n, supplier in enumerate(["a", "b", None, "a"]):
        purchase = Purchase(f"pu-{n}", "ka-flour-5lb", supplier, day + dt.timedelta(days=n), Decimal(1),
                            Decimal(4 + n))
        purchases.document(purchase.id).set({**encode(purchase), "tenant_id": "old"})  # as stored before summaries
    version = firestore.collection("tenants").document("old").collection("meta").document("version")
    assert not (version.get().to_dict() or {}).get(SUMMARIES_MARKED)
    # A purchase before the backfill: no summary stored, so it is summed up from the product's purchases.
    record_purchase(FirestoreUnitOfWork(firestore, "old"), product_id="ka-flour-5lb", packages=1, unit_price="3.99",
                    purchased_on=dt.date(2023, 6, 1), new_id=lambda prefix: f"{prefix}-early")
    assert _stored(firestore, "old")["ka-flour-5lb"]["times"] == 5
    scan = _check(firestore, "old", TenantCache())  # the first read backfills (nothing missing now) and marks
    assert version.get().to_dict()[SUMMARIES_MARKED] is True
    assert (scan["ka-flour-5lb"].times, scan["ka-flour-5lb"].first_on) == (5, dt.date(2023, 6, 1))
    assert scan["ka-flour-5lb"].at("a") == Purchase("pu-3", "ka-flour-5lb", "a", dt.date(2024, 1, 4), Decimal(1),
                                                    Decimal(7))


def test_planning_reads_summaries_not_purchases_and_plans_the_same(firestore: Any) -> None:
    _seed(firestore, "alpha")
    for day, price in ((1, "4.99"), (2, "5.49"), (3, "5.19")):
        record_purchase(FirestoreUnitOfWork(firestore, "alpha"), product_id="ka-flour-5lb", packages=1,
                        unit_price=price, purchased_on=dt.date(2026, 11, day), supplier_slug=None)
    event = Event("fair", "Fair", finished_goods=(EventFinishedGood("shortbread-finger", Decimal(2400)),))
    uow = FirestoreUnitOfWork(firestore, "alpha")
    uow.events.put(event)
    uow.commit()
    planning = FirestoreBackend(firestore).planning_bakery("alpha")
    assert planning.purchases == {} and planning.purchase_summaries is not None
    assert planning.purchase_summaries["ka-flour-5lb"].last.unit_price == Decimal("5.19")
    full = FirestoreUnitOfWork(firestore, "alpha", read_only=True).load_bakery()
    plan = plan_event(planning, "fair")
    assert plan == plan_event(MemoryStore(full).bakery, "fair")
    assert plan.shopping_list[0].packages[0].estimated_cost is not None


def test_purchases_of_one_product_at_once_lose_no_count(firestore: Any) -> None:
    """Two instances buying the same product at the same time: their commits conflict on its summary (read in
    each transaction) and one runs again, so the count and the newest purchase stay those of a scan."""
    import threading

    from adapters.firestore_repository import run_in_transaction

    _seed(firestore, "alpha")
    _check(firestore, "alpha", TenantCache())  # marked: commits revise stored summaries
    failures: list[BaseException] = []

    def buy(worker: int) -> None:
        cache = TenantCache()
        try:
            for n in range(6):
                def work(uow: Any, n: int = n) -> Any:
                    return record_purchase(uow, product_id="ka-flour-5lb", packages=1, unit_price="4.99",
                                           purchased_on=dt.date(2026, 11, 1 + n),
                                           new_id=lambda prefix: f"{prefix}-{worker}-{n}")

                run_in_transaction(lambda: FirestoreUnitOfWork(firestore, "alpha", cache=cache), work, attempts=30)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=buy, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    scan = _check(firestore, "alpha", TenantCache())
    assert scan["ka-flour-5lb"].times == 12
    assert scan["ka-flour-5lb"].last.id == "purchase-1-5"
