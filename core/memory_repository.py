"""In-memory repositories: the real thing for tests, the CLI, and planning from a file.

A unit of work reads the store's committed collections as they are and copies a collection only when it first
writes to it (or when `load_bakery()` hands the whole bakery out), so opening one costs nothing per document and
a planning read (`load_bakery(PLANNING_COLLECTIONS, live_lots=True)`) costs what the live lots and the
collections planning reads cost, not the bakery's history: the store remembers its live lots and its purchase
summaries for the committed data and carries the live lots forward through each commit's writes.
"""

from __future__ import annotations

import copy
import datetime as dt
import heapq
from types import TracebackType
from typing import Any, Generic, TypeVar

from core.bakery import Bakery
from core.proposals.model import Proposal
from core.repository import COLLECTION_NAMES, PURCHASE_SUMMARIES
from core.stock.live import is_live
from core.stock.lots import Lot, Purchase
from core.stock.purchase_pages import PurchasePage, PurchasePosition, page_of
from core.stock.purchase_summary import PurchaseSummary, Rescan, revised, summarize, summarize_product

T = TypeVar("T")
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _proposal_order(proposal: Proposal) -> tuple[dt.datetime, str]:
    return proposal.created_at or _EARLIEST, proposal.id


class MemoryCollection(Generic[T]):
    """One collection of a unit of work: the store's committed dict until the first write copies it."""

    def __init__(self, items: dict[str, T]) -> None:
        self._items = items
        self.owned = False  # `_items` is this unit of work's own copy
        self.touched: set[str] = set()  # keys written or deleted through `put` / `delete`

    @property
    def items(self) -> dict[str, T]:
        """The collection as this unit of work sees it (the store's dict while unwritten: do not change it)."""
        return self._items

    def own(self) -> dict[str, T]:
        if not self.owned:
            self._items = dict(self._items)
            self.owned = True
        return self._items

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def get_many(self, keys: list[str]) -> dict[str, T]:
        return {k: self._items[k] for k in keys if k in self._items}

    def list(self) -> list[T]:
        return [self._items[k] for k in sorted(self._items)]

    def put(self, item: T) -> None:
        key: str = item.key  # type: ignore[attr-defined]
        self.own()[key] = item
        self.touched.add(key)

    def delete(self, key: str) -> None:
        self.own().pop(key, None)
        self.touched.add(key)


class MemoryUnitOfWork:
    """Works on copy-on-write views of the store's data; `commit` publishes them, anything else discards them."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._working: Bakery | None = None  # the whole bakery, once `load_bakery()` handed it out
        for name in COLLECTION_NAMES:
            setattr(self, name, MemoryCollection(getattr(store.bakery, name)))
        self.committed = False

    def _collection(self, name: str) -> MemoryCollection[Any]:
        found: MemoryCollection[Any] = getattr(self, name)
        return found

    def _whole(self) -> Bakery:
        """The bakery with this unit of work's own copy of every collection: what a caller gets may be changed
        in place, and later `put`s show in it (the same dicts)."""
        if self._working is None:
            working = copy.copy(self._store.bakery)
            for name in COLLECTION_NAMES:
                setattr(working, name, self._collection(name).own())
            working.passthrough = dict(self._store.bakery.passthrough)
            self._working = working
        return self._working

    def load_bakery(self, only: frozenset[str] | None = None, *, live_lots: bool = False) -> Bakery:
        if not live_lots:
            return self._whole()
        base = self._working if self._working is not None else self._store.bakery
        view = copy.copy(base)
        for name in COLLECTION_NAMES:
            if only is not None and name not in only:
                setattr(view, name, {})
            elif name == "lots":
                view.lots = {lot.id: lot for lot in self.live_lots()}
            else:
                setattr(view, name, dict(self._collection(name).items))
        view.passthrough = dict(base.passthrough)
        if only is not None and PURCHASE_SUMMARIES in only:
            view.purchase_summaries = dict(self.purchase_summaries())
        return view

    def live_lots(self) -> list[Lot]:
        lots: MemoryCollection[Lot] = self._collection("lots")
        if self._working is not None:  # the caller may have changed the dict in place: look at every lot
            live = {key: lot for key, lot in lots.items.items() if is_live(lot)}
        else:
            live = self._store.live_lots_after(lots.items, lots.touched)
        return [live[key] for key in sorted(live)]

    def newest_lot(self, product_id: str) -> Lot | None:
        lots: MemoryCollection[Lot] = self._collection("lots")
        own = [lot for lot in lots.items.values() if lot.product_id == product_id]
        return max(own, key=lambda lot: (lot.purchased_on, lot.id)) if own else None

    def find(self, collection: str, field: str, value: str) -> list[Any]:
        items = self._collection(collection).items
        return [items[key] for key in sorted(items) if getattr(items[key], field) == value]

    def newest_proposals(self, limit: int, status: str | None = None) -> list[Proposal]:
        proposals: MemoryCollection[Proposal] = self._collection("proposals")
        found = [p for p in proposals.items.values() if status is None or p.status.value == status]
        return heapq.nlargest(limit, found, key=_proposal_order)

    def purchase_summaries(self) -> dict[str, PurchaseSummary]:
        """Derived from the purchases (held here anyway): always what a scan says."""
        purchases: MemoryCollection[Purchase] = self._collection("purchases")
        if purchases.owned:
            return summarize(purchases.items.values())
        return self._store.committed_summaries()

    def commit(self) -> None:
        store = self._store
        before = store.bakery
        if self._working is not None:
            store.bakery = self._working
        else:
            after = copy.copy(before)
            for name in COLLECTION_NAMES:
                setattr(after, name, self._collection(name).items)
            store.bakery = after
        lots: MemoryCollection[Lot] = self._collection("lots")
        purchases: MemoryCollection[Purchase] = self._collection("purchases")
        if self._working is None and lots.owned:
            store.carry_live_lots(before.lots, lots.items, lots.touched)
        if self._working is None and purchases.owned:
            store.carry_summaries(before.purchases, purchases.items, purchases.touched)
        self.committed = True
        # Later writes in this unit of work must not leak into the committed state.
        self.__init__(store)  # type: ignore[misc]

    def rollback(self) -> None:
        self.__init__(self._store)  # type: ignore[misc]

    def __enter__(self) -> MemoryUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def purchases_page(self, limit: int, after: PurchasePosition | None = None, *,
                       product_id: str | None = None) -> PurchasePage:
        """Newest first, `limit` at most, strictly after `after` (core.stock.purchase_pages), from the purchases
        this unit of work sees (its own writes included)."""
        purchases: MemoryCollection[Purchase] = self._collection("purchases")
        return page_of(purchases.items.values(), limit, after, product_id)


class MemoryStore:
    """One bakery's data held in memory; hands out units of work over it.

    Committed collections are never changed in place by its units of work (they copy before writing), so what
    the store remembers of them — the live lots, the purchase summaries — holds while the dict is the same
    object. Code that changes `store.bakery`'s dicts directly must call `forget()`."""

    def __init__(self, bakery: Bakery | None = None) -> None:
        self.bakery = bakery if bakery is not None else Bakery()
        self._live: tuple[dict[str, Lot], dict[str, Lot]] | None = None  # (lots dict, its live lots by key)
        self._summaries: tuple[dict[str, Purchase], dict[str, PurchaseSummary]] | None = None

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def forget(self) -> None:
        self._live = None
        self._summaries = None

    def committed_live_lots(self) -> dict[str, Lot]:
        lots = self.bakery.lots
        if self._live is None or self._live[0] is not lots:
            self._live = (lots, {key: lot for key, lot in lots.items() if is_live(lot)})
        return self._live[1]

    def live_lots_after(self, lots: dict[str, Lot], touched: set[str]) -> dict[str, Lot]:
        """The live lots of `lots`: the committed ones, with the keys a unit of work wrote looked at again."""
        live = self.committed_live_lots()
        return live if lots is self.bakery.lots else _looked_at_again(live, lots, touched)

    def carry_live_lots(self, before: dict[str, Lot], after: dict[str, Lot], touched: set[str]) -> None:
        """A commit wrote `touched` of the lots: the live lots of `after` from those of `before`, if known."""
        if self._live is not None and self._live[0] is before:
            self._live = (after, _looked_at_again(self._live[1], after, touched))

    def committed_summaries(self) -> dict[str, PurchaseSummary]:
        purchases = self.bakery.purchases
        if self._summaries is None or self._summaries[0] is not purchases:
            self._summaries = (purchases, summarize(purchases.values()))
        return self._summaries[1]

    def carry_summaries(self, before: dict[str, Purchase], after: dict[str, Purchase], touched: set[str]) -> None:
        """A commit wrote `touched` of the purchases: the summaries of `after` from those of `before`, if known
        (`revised` per product; the product's purchases are summed up again only when it cannot tell)."""
        if self._summaries is None or self._summaries[0] is not before:
            return
        removed: dict[str, list[Purchase]] = {}
        added: dict[str, list[Purchase]] = {}
        for key in touched:
            if key in before:
                removed.setdefault(before[key].product_id, []).append(before[key])
            if key in after:
                added.setdefault(after[key].product_id, []).append(after[key])
        summaries = dict(self._summaries[1])
        for product_id in removed.keys() | added.keys():
            found = revised(summaries.get(product_id), removed.get(product_id, []), added.get(product_id, []))
            if isinstance(found, Rescan):
                found = summarize_product(product_id, after.values())
            if found is None:
                summaries.pop(product_id, None)
            else:
                summaries[product_id] = found
        self._summaries = (after, summaries)


def _looked_at_again(live: dict[str, Lot], lots: dict[str, Lot], keys: set[str]) -> dict[str, Lot]:
    """`live` (the live lots before some writes) with the lots at `keys` looked at again in `lots`."""
    live = dict(live)
    for key in keys:
        lot = lots.get(key)
        if lot is not None and is_live(lot):
            live[key] = lot
        else:
            live.pop(key, None)
    return live
