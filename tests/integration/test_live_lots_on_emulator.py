"""Live lots on the Firestore emulator: every writer keeps each lot's `live` field, the `live == true` query
and the instance's cache of it right; lots stored before the field existed are given it once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from adapters.collection_cache import TenantCache
from adapters.document_codec import encode
from adapters.firestore_repository import LIVE, LIVE_MARKED, FirestoreUnitOfWork
from core.memory_repository import MemoryStore
from core.planning.event_plan import plan_event
from core.planning.events import Event, EventFinishedGood
from core.repository import COLLECTION_NAMES
from core.stock.lots import Lot
from functions.shared.firestore_backend import FirestoreBackend
from tests.support.live_lot_walk import kitchen, walk_every_writer

pytestmark = pytest.mark.emulator


def _seed(client: Any, tenant: str) -> None:
    uow = FirestoreUnitOfWork(client, tenant)
    bakery = kitchen()
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    uow.commit()


def _stored_lots(client: Any, tenant: str) -> dict[str, dict[str, Any]]:
    return {snap.id: snap.to_dict() for snap in
            client.collection("tenants").document(tenant).collection("lots").stream()}


def test_every_writer_keeps_live_lots_on_firestore(firestore: Any) -> None:
    _seed(firestore, "alpha")
    cache = TenantCache()  # this instance's, shared by its units of work as in the functions

    def live_ids() -> set[str]:
        warm = {lot.id for lot in FirestoreUnitOfWork(firestore, "alpha", cache=cache).live_lots()}
        cold = {lot.id for lot in FirestoreUnitOfWork(firestore, "alpha", read_only=True,
                                                      cache=TenantCache()).live_lots()}
        every = FirestoreUnitOfWork(firestore, "alpha", read_only=True).lots.list()
        stored = _stored_lots(firestore, "alpha")
        assert {key: doc[LIVE] for key, doc in stored.items()} == {lot.id: lot.quantity > 0 for lot in every}
        assert warm == cold == {lot.id for lot in every if lot.quantity > 0}
        return cold

    steps = walk_every_writer(lambda: FirestoreUnitOfWork(firestore, "alpha", cache=cache), live_ids)
    assert len(steps) == 15


def test_planning_reads_only_live_lots_and_plans_as_from_every_lot(firestore: Any) -> None:
    bakery = kitchen()
    bakery.events["fair"] = Event("fair", "Fair", finished_goods=(EventFinishedGood("shortbread-finger", Decimal(60)),))
    bakery.lots["old"] = Lot("old", "ka-flour-5lb", "flour", Decimal(0), "LBR", Decimal(1), dt.date(2025, 1, 1))
    bakery.lots["new"] = Lot("new", "ka-flour-5lb", "flour", Decimal(2), "LBR", Decimal(1), dt.date(2026, 1, 1))
    uow = FirestoreUnitOfWork(firestore, "alpha")
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    uow.commit()
    planning = FirestoreBackend(firestore).planning_bakery("alpha")
    assert set(planning.lots) == {"new"}
    assert plan_event(planning, "fair") == plan_event(MemoryStore(bakery).bakery, "fair")


def test_lots_stored_before_the_live_field_are_given_it_once(firestore: Any) -> None:
    lots = firestore.collection("tenants").document("old").collection("lots")
    for lot in (Lot("used-up", "p", "flour", Decimal(0), "LBR", Decimal(1), dt.date(2024, 1, 1)),
                Lot("half", "p", "flour", Decimal("2.5"), "LBR", Decimal(1), dt.date(2025, 1, 1))):
        lots.document(lot.id).set({**encode(lot), "tenant_id": "old"})  # as written before `live` existed
    first = FirestoreUnitOfWork(firestore, "old", read_only=True, cache=TenantCache()).live_lots()
    assert [lot.id for lot in first] == ["half"]
    assert {key: doc.get(LIVE) for key, doc in _stored_lots(firestore, "old").items()} == \
        {"used-up": False, "half": True}
    version = firestore.collection("tenants").document("old").collection("meta").document("version").get()
    assert version.to_dict()[LIVE_MARKED] is True
    # From now on a live read is the `live == true` query: a document written without the field (only code
    # from before this change would) is not seen, which is why the marker is set only once all carry it.
    lots.document("stray").set({**encode(Lot("stray", "p", "flour", Decimal(1), "LBR", None, dt.date(2025, 2, 1))),
                                "tenant_id": "old"})
    again = FirestoreUnitOfWork(firestore, "old", read_only=True, cache=TenantCache()).live_lots()
    assert [lot.id for lot in again] == ["half"]
