"""The core's repositories on the real Firestore emulator."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from adapters.firestore_repository import ENTITY_TYPES, FirestoreUnitOfWork, doc_id, run_in_transaction
from core.desktop_format.desktop_import import import_desktop
from core.errors import InsufficientStockError
from core.memory_repository import MemoryStore
from core.repository import COLLECTION_NAMES
from core.services import consume_ingredient, record_production_run, record_purchase
from tests.conftest import load_fixture
from tests.support.bakery_builder import BakeryBuilder

pytestmark = pytest.mark.emulator


def _save(uow: FirestoreUnitOfWork, bakery: Any) -> None:
    for name in COLLECTION_NAMES:
        collection = getattr(uow, name)
        for item in getattr(bakery, name).values():
            collection.put(item)
    uow.commit()


def test_every_collection_is_covered() -> None:
    assert set(ENTITY_TYPES) == set(COLLECTION_NAMES)


def test_a_whole_bakery_round_trips_exactly(firestore: Any) -> None:
    bakery = import_desktop(load_fixture("desktop-plans/winter_events.json")).bakery
    _save(FirestoreUnitOfWork(firestore, "alpha"), bakery)
    loaded = FirestoreUnitOfWork(firestore, "alpha", read_only=True).load_bakery()
    for name in COLLECTION_NAMES:
        assert getattr(loaded, name) == getattr(bakery, name), name


def test_run_details_and_depletions_round_trip(firestore: Any) -> None:
    b = BakeryBuilder().ingredient("flour", ("1", "cup", "4", "oz"))
    b.recipe("bread", [("flour", 3, "cup")]).unit("loaf", "bread", 1).product("ka", "flour", 5, "lb")
    store = MemoryStore(b.bakery)
    record_purchase(store.unit_of_work(), product_id="ka", packages=2, unit_price="7.99",
                    purchased_on=dt.date(2026, 11, 1))
    record_production_run(store.unit_of_work(), recipe_slug="bread", batches=2)
    _save(FirestoreUnitOfWork(firestore, "alpha"), store.bakery)
    loaded = FirestoreUnitOfWork(firestore, "alpha", read_only=True).load_bakery()
    assert loaded.production_runs == store.bakery.production_runs and loaded.lots == store.bakery.lots


def test_a_tenant_never_sees_another_tenants_documents(firestore: Any) -> None:
    bakery = import_desktop(load_fixture("desktop/sample_data_min.json")).bakery
    _save(FirestoreUnitOfWork(firestore, "alpha"), bakery)
    other = FirestoreUnitOfWork(firestore, "beta", read_only=True)
    assert all(count == 0 for count in other.load_bakery().counts().values())
    assert other.recipes.get("sugar-cookies") is None


def test_a_document_whose_stored_tenant_differs_is_treated_as_absent(firestore: Any) -> None:
    bakery = import_desktop(load_fixture("desktop/sample_data_min.json")).bakery
    _save(FirestoreUnitOfWork(firestore, "alpha"), bakery)
    ref = firestore.collection("tenants").document("alpha").collection("recipes").document("sugar-cookies")
    ref.update({"tenant_id": "beta"})  # planted, e.g. by a bad migration
    uow = FirestoreUnitOfWork(firestore, "alpha", read_only=True)
    assert uow.recipes.get("sugar-cookies") is None
    assert "sugar-cookies" not in uow.load_bakery().recipes
    assert uow.recipes.get_many(["sugar-cookies"]) == {}


def test_rollback_discards_buffered_writes(firestore: Any) -> None:
    bakery = import_desktop(load_fixture("desktop/sample_data_min.json")).bakery
    with FirestoreUnitOfWork(firestore, "alpha") as uow:
        for recipe in bakery.recipes.values():
            uow.recipes.put(recipe)
    assert FirestoreUnitOfWork(firestore, "alpha", read_only=True).recipes.list() == []


def test_keys_with_slashes_are_stored_safely(firestore: Any) -> None:
    assert doc_id("a/b") == "a%2Fb" and doc_id("..") == "%2E."
    b = BakeryBuilder().ingredient("flour").product("flour/ka/5lb", "flour", 5, "lb")
    _save(FirestoreUnitOfWork(firestore, "alpha"), b.bakery)
    assert FirestoreUnitOfWork(firestore, "alpha", read_only=True).products.get("flour/ka/5lb") is not None


def test_fifty_concurrent_consumptions_end_with_exact_stock_and_no_negative_lot(firestore: Any) -> None:
    b = BakeryBuilder().ingredient("flour").product("ka", "flour", 1000, "g")
    b.lot("l1", "ka", 1000, "2026-01-01", "0.01").lot("l2", "ka", 1000, "2026-02-01", "0.02")
    _save(FirestoreUnitOfWork(firestore, "alpha"), b.bakery)

    def take_45_grams(_: int) -> str:
        try:
            run_in_transaction(lambda: FirestoreUnitOfWork(firestore, "alpha"),
                               lambda uow: consume_ingredient(uow, ingredient_slug="flour", amount=Decimal(45),
                                                              unit="GRM"), attempts=60)
            return "ok"
        except InsufficientStockError:
            return "short"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(take_45_grams, range(50)))
    lots = FirestoreUnitOfWork(firestore, "alpha", read_only=True).lots.list()
    taken = outcomes.count("ok") * Decimal(45)
    assert outcomes.count("ok") == 44 and outcomes.count("short") == 6  # 2000 g holds 44 takes of 45 g
    assert all(lot.quantity >= 0 for lot in lots)
    assert sum(lot.quantity for lot in lots) == Decimal(2000) - taken
    assert [lot.quantity for lot in sorted(lots, key=lambda x: x.id)] == [0, Decimal(2000) - taken]
    depletions = FirestoreUnitOfWork(firestore, "alpha", read_only=True).depletions.list()
    assert sum(d.quantity for d in depletions) == taken
