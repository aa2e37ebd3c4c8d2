"""The core's repositories on Firestore: `tenants/{tenantId}/{collection}/{key}`.

Every document carries `tenant_id`; one whose stored tenant differs is treated as absent.

A unit of work buffers its writes until `commit()`, which applies them in one Firestore
transaction, so a service call (read lots, check, write) is all or nothing. What it reads:
- `get` / `get_many` read documents by key inside the transaction: a concurrent change to
  them makes the commit fail with `TransactionConflict`, and the caller runs the whole call
  again (`run_in_transaction`, or the functions' retry).
- `list` never queries inside the transaction (on the emulator such a query conflicts with
  every other bakery's transaction, and in production it would lock a whole collection). It
  reads the collection from this instance's cache, current by the bakery's per-collection
  counters (`adapters/collection_cache.py`), or by a plain query when the cache is behind.
  At commit, every listed document about to be written (or created) is read again by key
  inside the transaction and must be unchanged since it was listed; otherwise the commit is
  a `TransactionConflict` too. Documents only listed, never written, are not re-checked:
  a write may act on a listing a moment old (a lot bought meanwhile is not drawn from), but
  never overwrites a change it did not see.

Bakeries therefore never conflict with each other, and one bakery's writes conflict only
on the documents they both read by key or write.

Live lots: every lot document carries `live` (its remaining quantity > 0), written with the lot by
every commit, whatever wrote it (purchase, production, loss, level check, undo), so `live_lots` is
one query, `live == true`, that never reads used-up lots; its result is cached under the lots'
counter like a collection. Lots stored before the field existed are given it once, on the first
live read of the bakery (see `_backfill_live`); until then that read lists every lot.

Purchase summaries (one per product, `adapters/purchase_summaries.py`): every commit that writes purchases
changes them in the same transaction, so planning reads them instead of every purchase.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

from adapters.collection_cache import CachedCollection, TenantCache
from adapters.document_codec import decode, encode
from adapters.purchase_summaries import SUMMARIES, SUMMARIES_MARKED
from adapters.purchase_summaries import read as read_summaries
from adapters.purchase_summaries import remember as remember_summaries
from adapters.purchase_summaries import revise as revise_summaries
from adapters.purchase_summaries import stored as stored_summary
from core.bakery import Bakery
from core.catalog.entities import Ingredient, Material, MaterialProduct, Product, Supplier
from core.errors import RetryableConflict
from core.planning.equipment import Equipment
from core.planning.events import AssemblyRun, Event, ProductionRun, Recipient
from core.proposals.model import Proposal, ReceiptScan
from core.recipes.entities import FinishedUnit, Recipe
from core.recipes.finished_goods import FinishedGood
from core.repository import REFERENCE_FIELDS
from core.stock.live import is_live
from core.stock.lots import Depletion, Lot, MaterialLot, Purchase
from core.stock.purchase_pages import PurchasePage, PurchasePosition, check_limit
from core.stock.purchase_summary import PurchaseSummary

T = TypeVar("T")
R = TypeVar("R")

ENTITY_TYPES: dict[str, type[Any]] = {
    "suppliers": Supplier, "ingredients": Ingredient, "products": Product, "purchases": Purchase, "lots": Lot,
    "depletions": Depletion, "recipes": Recipe, "finished_units": FinishedUnit, "finished_goods": FinishedGood,
    "recipients": Recipient, "events": Event, "production_runs": ProductionRun, "assembly_runs": AssemblyRun,
    "materials": Material, "material_products": MaterialProduct, "material_lots": MaterialLot,
    "proposals": Proposal, "receipts": ReceiptScan, "equipment": Equipment,
}


LIVE = "live"  # on every lot document: remaining quantity > 0
LIVE_CACHE = "lots#live"  # the instance cache's entry for the live lots (filed under the lots' counter)
# `find` on a field whose single-field index is exempted (firestore.indexes.json) orders as a composite index
# declared there does.
FIND_ORDER: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("lots", "product_id"): (("purchased_on", "DESCENDING"), ("id", "DESCENDING")),
    ("purchases", "supplier_slug"): (("purchased_on", "DESCENDING"), ("id", "DESCENDING")),
    ("production_runs", "recipe_slug"): (("id", "ASCENDING"),),
    ("production_runs", "event_slug"): (("id", "ASCENDING"),),
}
LIVE_MARKED = "live_lots"  # on tenants/{t}/meta/version once every lot document carries `live`


def stored_fields(name: str, item: Any) -> dict[str, Any]:
    """What a document holds besides the entity's own fields: `live` on lots."""
    return {LIVE: is_live(item)} if name == "lots" else {}


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
        self.listed: CachedCollection | None = None  # what `list` saw in this unit of work, before its writes
        self.listed_live: CachedCollection | None = None  # lots: what `live_lots` saw

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
        self.uow.locked.add((self.name, key))
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
            self.uow.locked.update((self.name, k) for k in missing)
            refs = [self.ref.document(doc_id(k)) for k in missing]
            for snap in self.uow.client.get_all(refs, transaction=self.uow.transaction()):
                item = self._decode(snap)
                if item is not None:
                    found[item.key] = item  # type: ignore[attr-defined]
        return found

    def list(self) -> list[T]:
        if self.listed is None:
            self.listed = self._current()
        items = dict(self.listed.items)
        for (name, key), pending in self.uow.pending.items():
            if name == self.name:
                if pending is _DELETED:
                    items.pop(key, None)
                else:
                    items[key] = pending
        return [items[k] for k in sorted(items)]

    def _current(self) -> CachedCollection:
        """The collection as it is now: from the instance's cache while its counter is unchanged."""
        version = self.uow.versions().get(self.name, 0)
        cache = self.uow.cache
        cached = cache.get(self.name) if cache is not None else None
        if cached is not None and cached.version == version:
            return cached
        items: dict[str, T] = {}
        stamps: dict[str, Any] = {}
        for snap in self.ref.stream():  # outside the transaction: see the module's docstring
            item = self._decode(snap)
            if item is not None:
                key = item.key  # type: ignore[attr-defined]
                items[key] = item
                stamps[key] = snap.update_time
        entry = CachedCollection(version, items, stamps)
        if cache is not None:
            cache.reloads += 1
            cache.store(self.name, entry)
        return entry

    def live(self) -> builtins.list[T]:
        """Lots only: those with stock, by key (pending writes applied)."""
        if self.listed_live is None:
            self.listed_live = self._current_live()
        items = dict(self.listed_live.items)
        for (name, key), pending in self.uow.pending.items():
            if name == self.name:
                if pending is _DELETED or not is_live(pending):
                    items.pop(key, None)
                else:
                    items[key] = pending
        return [items[k] for k in sorted(items)]

    def _current_live(self) -> CachedCollection:
        from google.cloud.firestore_v1.base_query import FieldFilter

        version = self.uow.versions().get(self.name, 0)
        cache = self.uow.cache
        cached = cache.get(LIVE_CACHE) if cache is not None else None
        if cached is not None and cached.version == version:
            return cached
        if not self.uow.live_marked():
            entry = self._backfill_live(version)
        else:
            items: dict[str, T] = {}
            stamps: dict[str, Any] = {}
            for snap in self.ref.where(filter=FieldFilter(LIVE, "==", True)).stream():
                item = self._decode(snap)
                if item is not None:
                    key = item.key  # type: ignore[attr-defined]
                    items[key] = item
                    stamps[key] = snap.update_time
            entry = CachedCollection(version, items, stamps)
        if cache is not None:
            cache.reloads += 1
            cache.store(LIVE_CACHE, entry)
        return entry

    def _backfill_live(self, version: int) -> CachedCollection:
        """Lots written before `live` existed: read every lot once, give `live` to those without it (each
        write only if the lot is unchanged since read: a lot written meanwhile carries `live` already), and
        mark the bakery done when all went through; else the next live read tries again."""
        items: dict[str, T] = {}
        stamps: dict[str, Any] = {}
        unmarked: builtins.list[tuple[Any, T]] = []
        for snap in self.ref.stream():
            item = self._decode(snap)
            if item is None:
                continue
            key = item.key  # type: ignore[attr-defined]
            stamps[key] = snap.update_time
            if is_live(item):  # type: ignore[arg-type]
                items[key] = item
            if LIVE not in (snap.to_dict() or {}):
                unmarked.append((snap, item))
        complete = True
        client = self.uow.client
        for start in range(0, len(unmarked), 400):
            chunk = unmarked[start:start + 400]
            batch = client.batch()
            for snap, item in chunk:
                batch.update(snap.reference, {LIVE: is_live(item)},  # type: ignore[arg-type]
                             option=client.write_option(last_update_time=snap.update_time))
            try:
                results = batch.commit()
            except Exception:  # a lot changed since read: it was written with `live`; mark the rest next time
                complete = False
                continue
            for (_, item), result in zip(chunk, results, strict=True):
                stamps[item.key] = result.update_time  # type: ignore[attr-defined]
        if unmarked and self.uow.cache is not None:
            self.uow.cache.drop(self.name)  # its stamps predate the backfill
        if complete:
            self.uow.version_ref.set({LIVE_MARKED: True, "tenant_id": self.uow.tenant_id}, merge=True)
        return CachedCollection(version, items, {key: stamps[key] for key in items})

    def expected_stamp(self, key: str) -> tuple[bool, Any]:
        """Whether this unit of work listed the document `key` (so a write must find it unchanged), and its
        update time as listed (None: it did not exist). A live listing vouches only for the lots it holds."""
        if self.listed is not None:
            return True, self.listed.stamps.get(key)
        if self.listed_live is not None and key in self.listed_live.stamps:
            return True, self.listed_live.stamps[key]
        return False, None

    def put(self, item: T) -> None:
        self.uow.pending[(self.name, item.key)] = item  # type: ignore[attr-defined]

    def delete(self, key: str) -> None:
        self.uow.pending[(self.name, key)] = _DELETED


_DELETED: Any = object()


class FirestoreUnitOfWork:
    def __init__(self, client: Any, tenant_id: str, *, read_only: bool = False,
                 cache: TenantCache | None = None) -> None:
        if not tenant_id or "/" in tenant_id:
            raise ValueError(f"bad tenant id {tenant_id!r}")
        self.client = client
        self.tenant_id = tenant_id
        self.read_only = read_only
        self.cache = cache
        self.tenant_ref = client.collection("tenants").document(tenant_id)
        self.version_ref = self.tenant_ref.collection("meta").document("version")
        self.pending: dict[tuple[str, str], Any] = {}
        self.locked: set[tuple[str, str]] = set()  # documents read by key inside the transaction
        self._versions: dict[str, int] | None = None
        self._live_marked = False
        self._summaries_marked = False
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

    def versions(self) -> dict[str, int]:
        """Each collection's write counter, read once per unit of work (one plain read)."""
        if self._versions is None:
            snap = self.version_ref.get()
            data = snap.to_dict() if snap.exists else {}
            self._versions = {name: int(n) for name, n in (data.get("collections") or {}).items()}
            self._live_marked = bool(data.get(LIVE_MARKED))
            self._summaries_marked = bool(data.get(SUMMARIES_MARKED))
        return self._versions

    def live_marked(self) -> bool:
        """Whether every lot document of the bakery carries `live` (read with the counters)."""
        self.versions()
        return self._live_marked

    def summaries_marked(self) -> bool:
        """Whether every product bought has its purchase summary (read with the counters)."""
        self.versions()
        return self._summaries_marked

    def collection(self, name: str) -> FirestoreCollection[Any]:
        found: FirestoreCollection[Any] = getattr(self, name)
        return found

    def load_bakery(self, only: frozenset[str] | None = None, *, live_lots: bool = False) -> Bakery:
        bakery = Bakery()
        for name in ENTITY_TYPES:
            if only is not None and name not in only:
                continue
            items = self.live_lots() if live_lots and name == "lots" else self.collection(name).list()
            setattr(bakery, name, {item.key: item for item in items})
        if only is not None and SUMMARIES in only:
            bakery.purchase_summaries = self.purchase_summaries()
        return bakery

    def purchase_summaries(self) -> dict[str, PurchaseSummary]:
        return read_summaries(self)

    def live_lots(self) -> list[Lot]:
        lots: FirestoreCollection[Lot] = self.collection("lots")
        return lots.live()

    def newest_lot(self, product_id: str) -> Lot | None:
        """One ordered query, `product_id ==`, newest first (`purchased_on`, then `id`, both descending), limit 1
        (index: firestore.indexes.json), outside the transaction like `list`; the lot found is then read by key
        inside it (`get`: a concurrent change to it conflicts at commit, and this unit of work's own write of it
        wins) and compared with the product's lots this unit of work wrote. A newest lot that is gone (deleted
        here, or another tenant's document) is stepped over."""
        from google.cloud.firestore_v1 import Query
        from google.cloud.firestore_v1.base_query import FieldFilter

        lots: FirestoreCollection[Lot] = self.collection("lots")
        candidates = [item for (name, _), item in self.pending.items()
                      if name == "lots" and item is not _DELETED and item.product_id == product_id]
        query = (lots.ref.where(filter=FieldFilter("product_id", "==", product_id))
                 .order_by("purchased_on", direction=Query.DESCENDING).order_by("id", direction=Query.DESCENDING))
        while True:
            snaps = list(query.limit(1).stream())
            if not snaps:
                break
            data = snaps[0].to_dict() or {}
            found = lots.get(data["id"]) if data.get("tenant_id") == self.tenant_id else None
            if found is not None and found.product_id == product_id:
                candidates.append(found)
                break
            query = query.start_after({"purchased_on": data["purchased_on"], "id": data["id"]})
        return max(candidates, key=lambda lot: (lot.purchased_on, lot.id)) if candidates else None

    def find(self, collection: str, field: str, value: str) -> builtins.list[Any]:
        """One query, `field == value` (only the pairs of core.repository.REFERENCE_FIELDS; ordered as its index
        in firestore.indexes.json is where the field's single-field index is exempted: FIND_ORDER), outside the
        transaction like `list`; this unit of work's pending writes applied; by key. Documents only found are
        not checked at commit (as listed ones are not): a reference check acts on what was there a moment ago."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        if (collection, field) not in REFERENCE_FIELDS:
            raise ValueError(f"no query of {collection} by {field}")
        found_in = self.collection(collection)
        query = found_in.ref.where(filter=FieldFilter(field, "==", value))
        for ordered_by, direction in FIND_ORDER.get((collection, field), ()):
            query = query.order_by(ordered_by, direction=direction)
        items: dict[str, Any] = {}
        for snap in query.stream():
            item = found_in._decode(snap)
            if item is not None:
                items[item.key] = item
        for (name, key), pending in self.pending.items():
            if name == collection:
                if pending is not _DELETED and getattr(pending, field) == value:
                    items[key] = pending
                else:
                    items.pop(key, None)
        return [items[key] for key in sorted(items)]

    def newest_proposals(self, limit: int, status: str | None = None) -> builtins.list[Proposal]:
        """One ordered, limited query (`status ==` if given; `created_at` then `id`, both descending; indexes:
        firestore.indexes.json), outside the transaction like `list`; committed proposals only. `created_at` is
        stored as ISO text of a UTC time (`submit` stamps it so), which sorts as the times do; a proposal
        without one has null, which sorts after every text here as in the memory store."""
        from google.cloud.firestore_v1 import Query
        from google.cloud.firestore_v1.base_query import FieldFilter

        proposals: FirestoreCollection[Proposal] = self.collection("proposals")
        query = proposals.ref
        if status is not None:
            query = query.where(filter=FieldFilter("status", "==", status))
        query = query.order_by("created_at", direction=Query.DESCENDING).order_by("id", direction=Query.DESCENDING)
        found = (proposals._decode(snap) for snap in query.limit(limit).stream())
        return [p for p in found if p is not None]

    def purchases_page(self, limit: int, after: PurchasePosition | None = None, *,
                       product_id: str | None = None) -> PurchasePage:
        """One ordered, limited query of the bakery's purchases (tenants/{t}/purchases; a document whose stored
        tenant differs is skipped, as every read here does): `purchased_on` then `id`, both descending, from
        just after `after`, `limit` + 1 documents (the one more says whether a next page exists), so a page
        costs about `limit` reads whatever the history. Outside the transaction, like `list`; it lists what is
        committed (a unit of work's own pending purchases are not in it). Indexes: firestore.indexes.json."""
        from google.cloud.firestore_v1 import Query
        from google.cloud.firestore_v1.base_query import FieldFilter

        check_limit(limit)
        purchases: FirestoreCollection[Purchase] = self.collection("purchases")
        query = purchases.ref
        if product_id is not None:
            query = query.where(filter=FieldFilter("product_id", "==", product_id))
        query = query.order_by("purchased_on", direction=Query.DESCENDING).order_by("id", direction=Query.DESCENDING)
        if after is not None:
            query = query.start_after({"purchased_on": after.purchased_on.isoformat(), "id": after.purchase_id})
        snaps = list(query.limit(limit + 1).stream())
        page = [p for p in (purchases._decode(snap) for snap in snaps[:limit]) if p is not None]
        if len(snaps) <= limit:
            return PurchasePage(page, None)
        last = snaps[limit - 1].to_dict() or {}  # the page's last document, even if skipped: paging moves on
        return PurchasePage(page, PurchasePosition(dt.date.fromisoformat(last["purchased_on"]), last["id"]))

    def commit(self) -> None:
        if self.read_only and self.pending:
            raise RuntimeError("a read-only unit of work cannot write")
        if not self.pending:
            self.rollback()
            return
        pending, self.pending = self.pending, {}
        try:
            if self._versions is None and self.cache is not None and any(
                    self.cache.get(LIVE_CACHE if name == "lots" else name) is not None or self.cache.get(name)
                    is not None for name, _ in pending):
                self.versions()  # lets this commit update the cached collections it writes (one plain read)
            summaries = revise_summaries(self, pending, _DELETED)  # reads in the transaction: before `_writer`
            writer = self._writer(pending)
            written = sorted({name for name, _ in pending})
            order = list(pending.items())
            for (name, key), item in order:
                ref = self.tenant_ref.collection(name).document(doc_id(key))
                if item is _DELETED:
                    writer.delete(ref)
                else:
                    writer.set(ref, {**encode(item), **stored_fields(name, item), "tenant_id": self.tenant_id})
            for product_id, summary in summaries.items():
                writer.set(self.tenant_ref.collection(SUMMARIES).document(doc_id(product_id)),
                           stored_summary(self, product_id, summary))
            counted = [*written, SUMMARIES] if summaries else written
            from google.cloud.firestore_v1 import Increment  # a blind increment: no read, no contention

            writer.set(self.version_ref, {"tenant_id": self.tenant_id, "version": Increment(1),
                                          "collections": {name: Increment(1) for name in counted}}, merge=True)
            try:
                results = writer._commit() if writer is self._transaction else writer.commit()
            except Exception as exc:
                for name in counted:  # the outcome is unknown: reload those next time
                    if self.cache is not None:
                        self.cache.drop(name)
                if _is_contention(exc):
                    raise TransactionConflict("the data changed while this was being saved; try again") from exc
                raise
            self._remember(order, written, results)
            remember_summaries(self, summaries)
        finally:
            self.rollback()

    def _writer(self, pending: dict[tuple[str, str], Any]) -> Any:
        """The transaction, with every listed document about to be written checked unchanged; or a plain batch
        when nothing was read by key and nothing listed is written."""
        to_check = [(name, key) for name, key in pending
                    if (name, key) not in self.locked and self.collection(name).expected_stamp(key)[0]]
        if self._transaction is None and not to_check:
            return self.client.batch()
        transaction = self.transaction()
        if to_check:
            refs = [self.tenant_ref.collection(name).document(doc_id(key)) for name, key in to_check]
            expected = {ref.path: self.collection(name).expected_stamp(key)[1]
                        for ref, (name, key) in zip(refs, to_check, strict=True)}
            for snap in self.client.get_all(refs, transaction=transaction):
                now = snap.update_time if snap.exists else None
                if now != expected.get(snap.reference.path):
                    name = snap.reference.parent.id
                    if self.cache is not None:
                        self.cache.drop(name)
                    raise TransactionConflict(f"{name} changed while this was being saved; try again")
        return transaction

    def _remember(self, order: list[tuple[tuple[str, str], Any]], written: list[str], results: list[Any]) -> None:
        """Apply this commit to the cache of each collection whose counter it knew (see collection_cache)."""
        if self.cache is None or self._versions is None:
            return
        stamps_of = {pair: getattr(result, "update_time", None)
                     for (pair, _), result in zip(order, results[:len(order)], strict=True)}
        for name in written:
            listed = self.collection(name).listed
            base = listed if listed is not None else self.cache.get(name)
            if base is None or base.version != self._versions.get(name, 0):
                continue
            items = dict(base.items)
            stamps = dict(base.stamps)
            for (coll, key), item in order:
                if coll != name:
                    continue
                if item is _DELETED:
                    items.pop(key, None)
                    stamps.pop(key, None)
                else:
                    items[key] = item
                    stamps[key] = stamps_of.get((coll, key))
            self.cache.store(name, CachedCollection(base.version + 1, items, stamps))
        if "lots" in written:
            self._remember_live(order, stamps_of)

    def _remember_live(self, order: list[tuple[tuple[str, str], Any]], stamps_of: dict[tuple[str, str], Any]) -> None:
        """The same for the live lots: a lot written is in them while it has stock, out of them once used up."""
        assert self.cache is not None and self._versions is not None
        listed = self.collection("lots").listed_live
        base = listed if listed is not None else self.cache.get(LIVE_CACHE)
        if base is None or base.version != self._versions.get("lots", 0):
            return
        items = dict(base.items)
        stamps = dict(base.stamps)
        for (coll, key), item in order:
            if coll != "lots":
                continue
            if item is _DELETED or not is_live(item):
                items.pop(key, None)
                stamps.pop(key, None)
            else:
                items[key] = item
                stamps[key] = stamps_of.get((coll, key))
        self.cache.store(LIVE_CACHE, CachedCollection(base.version + 1, items, stamps))

    def _forget(self) -> None:
        """A new transaction reads afresh."""
        self.locked = set()
        self._versions = None
        self._live_marked = False
        self._summaries_marked = False
        for name in ENTITY_TYPES:
            self.collection(name).listed = None
            self.collection(name).listed_live = None

    def rollback(self) -> None:
        self.pending = {}
        self._forget()
        if self._transaction is not None:
            try:
                if self._transaction.in_progress:
                    self._transaction._rollback()
            except Exception:  # an aborted transaction cannot be rolled back; it expires by itself
                pass
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
