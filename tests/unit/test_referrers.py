"""Reference checks read what may refer to a record (core.catalog.referrers), and answer as over the whole
bakery (core.catalog.references.users_of); deleting history or an unknown kind is refused before any read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.application.context import BakeryContext
from core.application.records import delete_record
from core.bakery import Bakery
from core.catalog.entities import Supplier
from core.catalog.references import DELETABLE, users_of
from core.catalog.referrers import READS, referring
from core.errors import ConflictError, NotFoundError
from core.memory_repository import MemoryStore
from core.planning.events import AssemblyRun, Event, EventFinishedGood, ProductionRun
from core.repository import REFERENCE_FIELDS, UnitOfWork
from core.stock.lots import Lot, Purchase
from tests.support.live_lot_walk import kitchen

AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def _bakery() -> Bakery:
    bakery = kitchen()
    bakery.suppliers["mill"] = Supplier("mill", "The Mill")
    bakery.events["fair"] = Event("fair", "Fair", finished_goods=(EventFinishedGood("shortbread-finger",
                                                                                      Decimal(24)),))
    for k in range(3):
        purchase = Purchase(f"pu-{k}", "ka-flour-5lb", "mill" if k else None, dt.date(2026, 1, k + 1), Decimal(1),
                            Decimal(4))
        bakery.purchases[purchase.id] = purchase
        bakery.lots[f"lot-{k}"] = Lot(f"lot-{k}", "ka-flour-5lb", "flour", Decimal(k), "LBR", Decimal(1),
                                      purchase.purchased_on, Decimal(5), purchase.id)
    bakery.production_runs["run-1"] = ProductionRun("run-1", "shortbread", Decimal(1), AT, event_slug="fair")
    bakery.assembly_runs["asm-1"] = AssemblyRun("asm-1", "shortbread-finger", Decimal(2), AT, event_slug="fair")
    return bakery


class _Store:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> UnitOfWork:
        return self.store.unit_of_work()

    def planning_bakery(self, tenant_id: str) -> Bakery:
        return self.store.bakery


def test_every_history_field_read_is_one_a_store_can_query() -> None:
    assert {pair for _, history in READS.values() for pair in history} <= REFERENCE_FIELDS
    assert set(READS) <= set(DELETABLE)


def test_referrers_answer_as_the_whole_bakery_for_every_record() -> None:
    bakery = _bakery()
    store = MemoryStore(bakery)
    for collection in DELETABLE:
        for key in [*getattr(bakery, collection), "nobody"]:
            found = referring(store.unit_of_work(), collection, key)
            assert sorted(users_of(found, collection, key)) == sorted(users_of(bakery, collection, key)), \
                (collection, key)


def test_delete_is_refused_or_done_as_before() -> None:
    store = MemoryStore(_bakery())
    ctx = BakeryContext(_Store(store), "t")
    with pytest.raises(ConflictError) as used:
        delete_record(ctx, collection="products", key="ka-flour-5lb")
    assert used.value.message == ("'ka-flour-5lb' is still used by lot lot-0, lot lot-1, lot lot-2, purchase pu-0, "
                                  "purchase pu-1 and 1 more")
    for collection in ("lots", "nonsense"):
        with pytest.raises(ConflictError) as history:
            delete_record(ctx, collection=collection, key="lot-0")
        assert history.value.field == "collection"
    with pytest.raises(NotFoundError):
        delete_record(ctx, collection="suppliers", key="nobody")
    store.bakery.suppliers["corner"] = Supplier("corner", "Corner Shop")
    store.forget()
    assert delete_record(ctx, collection="suppliers", key="corner") == {
        "deleted": {"collection": "suppliers", "key": "corner"}}
    assert "corner" not in store.bakery.suppliers
