"""In-memory repositories: the real thing for tests, the CLI, and planning from a file."""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Any, Generic, TypeVar

from core.bakery import Bakery
from core.repository import COLLECTION_NAMES
from core.stock.live import is_live
from core.stock.lots import Lot
from core.stock.purchase_summary import PurchaseSummary, summarize

T = TypeVar("T")


class MemoryCollection(Generic[T]):
    def __init__(self, items: dict[str, T]) -> None:
        self._items = items

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def get_many(self, keys: list[str]) -> dict[str, T]:
        return {k: self._items[k] for k in keys if k in self._items}

    def list(self) -> list[T]:
        return [self._items[k] for k in sorted(self._items)]

    def put(self, item: T) -> None:
        self._items[item.key] = item  # type: ignore[attr-defined]

    def delete(self, key: str) -> None:
        self._items.pop(key, None)


class MemoryUnitOfWork:
    """Works on a copy of the store's data; `commit` publishes it, anything else discards it."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._working = copy.copy(store.bakery)
        for name in COLLECTION_NAMES:
            data: dict[str, Any] = dict(getattr(store.bakery, name))
            setattr(self._working, name, data)
            setattr(self, name, MemoryCollection(data))
        self._working.passthrough = dict(store.bakery.passthrough)
        self.committed = False

    def load_bakery(self, only: frozenset[str] | None = None, *, live_lots: bool = False) -> Bakery:
        if not live_lots:
            return self._working
        view = copy.copy(self._working)
        view.lots = {lot.id: lot for lot in self.live_lots()}
        return view

    def live_lots(self) -> list[Lot]:
        lots: dict[str, Lot] = self._working.lots
        return sorted((lot for lot in lots.values() if is_live(lot)), key=lambda lot: lot.key)

    def purchase_summaries(self) -> dict[str, PurchaseSummary]:
        """Derived from the purchases (held here anyway): always what a scan says."""
        return summarize(self._working.purchases.values())

    def commit(self) -> None:
        self._store.bakery = self._working
        self.committed = True
        # Later writes in this unit of work must not leak into the committed state.
        self.__init__(self._store)  # type: ignore[misc]

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


class MemoryStore:
    """One bakery's data held in memory; hands out units of work over it."""

    def __init__(self, bakery: Bakery | None = None) -> None:
        self.bakery = bakery if bakery is not None else Bakery()

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)
