"""The core's repositories on Firestore: `tenants/{tenantId}/{collection}/{key}`.

Every document carries `tenant_id`; one whose stored tenant differs is treated as absent.
A unit of work reads inside one Firestore transaction and buffers its writes until
`commit()`, so a service call (read lots, check, write) is atomic: a concurrent change to
what it read makes the commit fail with `TransactionConflict`, and the caller runs the
whole call again (`run_in_transaction`). Reads are batched: a collection is one query,
`get_many` one `get_all`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

from adapters.document_codec import decode, encode
from core.bakery import Bakery
from core.catalog import Ingredient, Material, MaterialProduct, Product, Supplier
from core.errors import RetryableConflict
from core.events import AssemblyRun, Event, ProductionRun, Recipient
from core.finished_goods import FinishedGood
from core.lots import Depletion, Lot, MaterialLot, Purchase
from core.proposals.model import Proposal, ReceiptScan
from core.recipes import FinishedUnit, Recipe

T = TypeVar("T")
R = TypeVar("R")

ENTITY_TYPES: dict[str, type[Any]] = {
    "suppliers": Supplier, "ingredients": Ingredient, "products": Product, "purchases": Purchase, "lots": Lot,
    "depletions": Depletion, "recipes": Recipe, "finished_units": FinishedUnit, "finished_goods": FinishedGood,
    "recipients": Recipient, "events": Event, "production_runs": ProductionRun, "assembly_runs": AssemblyRun,
    "materials": Material, "material_products": MaterialProduct, "material_lots": MaterialLot,
    "proposals": Proposal, "receipts": ReceiptScan,
}


class TransactionConflict(RetryableConflict):
    """Someone changed what this unit of work read; run it again."""


def doc_id(key: str) -> str:
    """Firestore ids cannot contain '/' nor be '.' or '..': escape reversibly."""
    escaped = key.replace("%", "%25").replace("/", "%2F")
    return "%2E" + escaped[1:] if escaped in (".", "..") else escaped


class FirestoreCollection(Generic[T]):
    def __init__(self, uow: FirestoreUnitOfWork, name: str, cls: type[T]) -> None:
        self.uow = uow
        self.name = name
        self.cls = cls
        self.ref = uow.tenant_ref.collection(name)

    def _decode(self, snap: Any) -> T | None:
        if not snap.exists:
            return None
        data = snap.to_dict()
        if data.get("tenant_id") != self.uow.tenant_id:
            return None
        data.pop("tenant_id", None)
        return decode(self.cls, data)

    def get(self, key: str) -> T | None:
        pending = self.uow.pending.get((self.name, key))
        if pending is not None:
            return None if pending is _DELETED else pending
        return self._decode(self.ref.document(doc_id(key)).get(transaction=self.uow.transaction()))

    def get_many(self, keys: list[str]) -> dict[str, T]:
        found: dict[str, T] = {}
        missing = []
        for key in keys:
            pending = self.uow.pending.get((self.name, key))
            if pending is None:
                missing.append(key)
            elif pending is not _DELETED:
                found[key] = pending
        if missing:
            refs = [self.ref.document(doc_id(k)) for k in missing]
            for snap in self.uow.client.get_all(refs, transaction=self.uow.transaction()):
                item = self._decode(snap)
                if item is not None:
                    found[item.key] = item  # type: ignore[attr-defined]
        return found

    def list(self) -> list[T]:
        items: dict[str, T] = {}
        for snap in self.ref.stream(transaction=self.uow.transaction()):
            item = self._decode(snap)
            if item is not None:
                items[item.key] = item  # type: ignore[attr-defined]
        for (name, key), pending in self.uow.pending.items():
            if name == self.name:
                if pending is _DELETED:
                    items.pop(key, None)
                else:
                    items[key] = pending
        return [items[k] for k in sorted(items)]

    def put(self, item: T) -> None:
        self.uow.pending[(self.name, item.key)] = item  # type: ignore[attr-defined]

    def delete(self, key: str) -> None:
        self.uow.pending[(self.name, key)] = _DELETED


_DELETED: Any = object()


class FirestoreUnitOfWork:
    def __init__(self, client: Any, tenant_id: str, *, read_only: bool = False) -> None:
        if not tenant_id or "/" in tenant_id:
            raise ValueError(f"bad tenant id {tenant_id!r}")
        self.client = client
        self.tenant_id = tenant_id
        self.read_only = read_only
        self.tenant_ref = client.collection("tenants").document(tenant_id)
        self.version_ref = self.tenant_ref.collection("meta").document("version")
        self.pending: dict[tuple[str, str], Any] = {}
        self._transaction: Any = None
        for name, cls in ENTITY_TYPES.items():
            setattr(self, name, FirestoreCollection(self, name, cls))

    def transaction(self) -> Any:
        """The transaction reads run in (None for a read-only unit of work: plain, lock-free reads)."""
        if self.read_only:
            return None
        if self._transaction is None:
            self._transaction = self.client.transaction(max_attempts=1)
            self._transaction._begin()
        return self._transaction

    def data_version(self) -> int:
        """How many writes this bakery's data has seen (one read)."""
        snap = self.version_ref.get(transaction=self.transaction())
        return int(snap.to_dict().get("version", 0)) if snap.exists else 0

    def load_bakery(self, only: frozenset[str] | None = None) -> Bakery:
        bakery = Bakery()
        for name in ENTITY_TYPES:
            if only is not None and name not in only:
                continue
            collection: FirestoreCollection[Any] = getattr(self, name)
            setattr(bakery, name, {item.key: item for item in collection.list()})
        return bakery

    def commit(self) -> None:
        if self.read_only and self.pending:
            raise RuntimeError("a read-only unit of work cannot write")
        transaction = self.transaction() if self.pending else self._transaction
        if transaction is None:
            return
        for (name, key), item in self.pending.items():
            ref = self.tenant_ref.collection(name).document(doc_id(key))
            if item is _DELETED:
                transaction.delete(ref)
            else:
                transaction.set(ref, {**encode(item), "tenant_id": self.tenant_id})
        if self.pending:  # a blind increment: tells caches the data changed, without adding contention
            from google.cloud.firestore_v1 import Increment

            transaction.set(self.version_ref, {"tenant_id": self.tenant_id, "version": Increment(1)}, merge=True)
        try:
            transaction._commit()
        except Exception as exc:
            if _is_contention(exc):
                raise TransactionConflict("the data changed while this was being saved; try again") from exc
            raise
        finally:
            self.pending = {}
            self._transaction = None

    def rollback(self) -> None:
        self.pending = {}
        if self._transaction is not None:
            try:
                if self._transaction.in_progress:
                    self._transaction._rollback()
            finally:
                self._transaction = None

    def __enter__(self) -> FirestoreUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()


def _is_contention(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in ("Aborted", "Conflict", "FailedPrecondition") or "ABORTED" in str(exc) or "contention" in str(
        exc).lower()


def run_in_transaction(make_uow: Callable[[], FirestoreUnitOfWork], work: Callable[[FirestoreUnitOfWork], R],
                       attempts: int = 8) -> R:
    """Run `work` on a fresh unit of work until it commits without a conflict (bounded)."""
    import random
    import time

    for attempt in range(attempts):
        try:
            return work(make_uow())
        except TransactionConflict:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")
