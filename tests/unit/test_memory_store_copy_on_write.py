"""The memory store's copy-on-write units of work: whatever mix of writes, commits, rollbacks and whole-bakery
reads changed in place, its live lots and purchase summaries are what a scan of the committed data says, and a
unit of work never changes the committed data before it commits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.bakery import Bakery
from core.memory_repository import MemoryStore
from core.repository import PLANNING_COLLECTIONS
from core.stock.lots import Lot, Purchase
from core.stock.purchase_summary import summarize

KEYS = [f"k{n}" for n in range(6)]


def _lot(key: str, quantity: int) -> Lot:
    return Lot(id=key, product_id="p", ingredient_slug="flour", quantity=Decimal(quantity), unit="KGM",
               unit_cost=Decimal(1), purchased_on=dt.date(2026, 1, 1))


def _purchase(key: str, day: int) -> Purchase:
    return Purchase(id=key, product_id=f"p{day % 2}", supplier_slug="costco", purchased_on=dt.date(2026, 1, day),
                    quantity_purchased=Decimal(1), unit_price=Decimal(day))


STEP = st.one_of(
    st.tuples(st.just("put_lot"), st.sampled_from(KEYS), st.integers(0, 2)),
    st.tuples(st.just("delete_lot"), st.sampled_from(KEYS), st.just(0)),
    st.tuples(st.just("put_purchase"), st.sampled_from(KEYS), st.integers(1, 28)),
    st.tuples(st.just("delete_purchase"), st.sampled_from(KEYS), st.just(0)),
    st.tuples(st.just("whole_in_place"), st.sampled_from(KEYS), st.integers(0, 2)),
    st.tuples(st.just("commit"), st.just(""), st.just(0)),
    st.tuples(st.just("rollback"), st.just(""), st.just(0)),
    st.tuples(st.just("read"), st.just(""), st.just(0)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(STEP, max_size=40))
def test_live_lots_and_summaries_equal_a_scan_after_any_steps(steps: list[tuple[str, str, int]]) -> None:
    store = MemoryStore(Bakery(lots={"k0": _lot("k0", 1), "k1": _lot("k1", 0)},
                               purchases={"k0": _purchase("k0", 3)}))
    uow = store.unit_of_work()
    # What the unit of work should see: the committed data with its own changes (a plain dict model).
    lots = dict(store.bakery.lots)
    purchases = dict(store.bakery.purchases)
    for action, key, n in steps:
        committed_lots = dict(store.bakery.lots)
        if action == "put_lot":
            uow.lots.put(_lot(key, n))
            lots[key] = _lot(key, n)
        elif action == "delete_lot":
            uow.lots.delete(key)
            lots.pop(key, None)
        elif action == "put_purchase":
            uow.purchases.put(_purchase(key, n))
            purchases[key] = _purchase(key, n)
        elif action == "delete_purchase":
            uow.purchases.delete(key)
            purchases.pop(key, None)
        elif action == "whole_in_place":  # a caller changing the whole bakery it was handed
            uow.load_bakery().lots[key] = _lot(key, n)
            lots[key] = _lot(key, n)
        elif action == "commit":
            uow.commit()
        elif action == "rollback":
            uow.rollback()
            lots, purchases = dict(store.bakery.lots), dict(store.bakery.purchases)
        if action not in ("commit", "rollback"):
            assert store.bakery.lots == committed_lots  # nothing reaches the store before a commit
        live = {k: lot for k, lot in lots.items() if lot.quantity > 0}
        assert [lot.id for lot in uow.live_lots()] == sorted(live)
        planning = uow.load_bakery(PLANNING_COLLECTIONS, live_lots=True)
        assert planning.lots == live
        assert planning.purchase_summaries == summarize(purchases.values())
        assert uow.purchase_summaries() == summarize(purchases.values())
        # A fresh unit of work sees exactly what was committed.
        fresh = store.unit_of_work()
        assert fresh.load_bakery(PLANNING_COLLECTIONS, live_lots=True).lots == {
            k: lot for k, lot in store.bakery.lots.items() if lot.quantity > 0}
        assert fresh.purchase_summaries() == summarize(store.bakery.purchases.values())


def test_a_planning_read_hands_out_copies_never_the_stores_dicts() -> None:
    store = MemoryStore(Bakery(lots={"k0": _lot("k0", 1)}, purchases={"k0": _purchase("k0", 3)}))
    view = store.unit_of_work().load_bakery(PLANNING_COLLECTIONS, live_lots=True)
    view.lots.clear()
    view.products["x"] = object()  # type: ignore[assignment]
    assert set(store.bakery.lots) == {"k0"} and store.bakery.products == {}
    assert view.purchases == {}  # as on Firestore: planning reads the summaries, not every purchase
    assert set(view.purchase_summaries or {}) == {"p1"}


def test_a_planning_read_of_an_unchanged_store_does_not_scan_its_history() -> None:
    lots = {f"old{n}": _lot(f"old{n}", 0) for n in range(2000)} | {"new": _lot("new", 5)}
    store = MemoryStore(Bakery(lots=lots))
    store.unit_of_work().live_lots()  # remembered for the committed lots
    store.bakery.lots["old7"] = _lot("old7", 9)  # changed behind the store's back: not seen until forget()
    assert [lot.id for lot in store.unit_of_work().live_lots()] == ["new"]
    store.forget()
    assert [lot.id for lot in store.unit_of_work().live_lots()] == ["new", "old7"]
