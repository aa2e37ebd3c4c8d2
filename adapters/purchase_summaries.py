"""Purchase summaries on Firestore: `tenants/{t}/purchase_summaries/{product id}`, one per product bought.

Each holds `core.stock.purchase_summary.PurchaseSummary` (how many purchases, the first day, the newest
purchase, the newest at each supplier). The unit of work's commit changes them in the same transaction as
the purchases it writes, whoever writes them (a purchase, a proposal confirmed or undone, an import, a
delete, a restore): `revise` reads the summaries of the products concerned (and the purchases replaced or
deleted) by key inside the transaction, so two commits touching one product's purchases conflict and run
again, never losing a count. When a summary cannot be revised from itself (the newest or oldest purchase
of a product was removed), the product's purchases are queried (`product_id ==`, a single-field index).
A product whose purchases all went keeps a summary with `times: 0` (read as absent), so a backfill racing
with that removal cannot bring back the old summary (it only creates summaries that do not exist).

Bakeries stored before summaries existed: `tenants/{t}/meta/version` has no `purchase_summaries: true`.
Their first summary read reads every purchase once, creates each missing summary (create only: one
written meanwhile by a commit is exact and kept) and sets the marker once all went through. Until then,
a commit finding no summary computes it from the product's purchases (never guessed from nothing), and
each summary read runs the backfill again. A new bakery is marked by its first summary read (few purchases).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from adapters.collection_cache import CachedCollection
from adapters.document_codec import decode, encode
from core.repository import PURCHASE_SUMMARIES
from core.stock.lots import Purchase
from core.stock.purchase_summary import PurchaseSummary, Rescan, revised, summarize, summarize_product

if TYPE_CHECKING:
    from adapters.firestore_repository import FirestoreUnitOfWork

SUMMARIES = PURCHASE_SUMMARIES  # the collection, and its counter in meta/version
SUMMARIES_MARKED = "purchase_summaries"  # on tenants/{t}/meta/version once every product bought has a summary
CHUNK = 400


def _ref(uow: FirestoreUnitOfWork) -> Any:
    return uow.tenant_ref.collection(SUMMARIES)


def _decoded(uow: FirestoreUnitOfWork, data: Mapping[str, Any] | None) -> PurchaseSummary | None:
    """A stored summary; None for one of another tenant or one with no purchases left (`times: 0`)."""
    if not data or data.get("tenant_id") != uow.tenant_id or not data.get("times"):
        return None
    fields = dict(data)
    fields.pop("tenant_id", None)
    return decode(PurchaseSummary, fields)


def stored(uow: FirestoreUnitOfWork, product_id: str, summary: PurchaseSummary | None) -> dict[str, Any]:
    if summary is None:
        return {"product_id": product_id, "times": 0, "tenant_id": uow.tenant_id}
    return {**encode(summary), "tenant_id": uow.tenant_id}


def read(uow: FirestoreUnitOfWork) -> dict[str, PurchaseSummary]:
    """Every product's summary: from the instance's cache while the summaries' counter is unchanged."""
    version = uow.versions().get(SUMMARIES, 0)
    cache = uow.cache
    cached = cache.get(SUMMARIES) if cache is not None else None
    if cached is not None and cached.version == version:
        return dict(cached.items)
    if not uow.summaries_marked():
        backfill(uow)
    items: dict[str, PurchaseSummary] = {}
    for snap in _ref(uow).stream():  # ~ one document per product bought; outside any transaction
        summary = _decoded(uow, snap.to_dict())
        if summary is not None:
            items[summary.product_id] = summary
    if cache is not None:
        cache.reloads += 1
        cache.store(SUMMARIES, CachedCollection(version, items, {}))
    return items


def backfill(uow: FirestoreUnitOfWork) -> bool:
    """Summaries for a bakery stored before them: every purchase read once, each missing summary created
    (create only), the marker set when all went through. Whether it completed."""
    from google.api_core.exceptions import AlreadyExists, Conflict

    purchases = uow.collection("purchases")
    found = summarize(item for snap in purchases.ref.stream()
                      if (item := purchases._decode(snap)) is not None)
    client = uow.client
    complete = True
    pairs = sorted(found.items())
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start:start + CHUNK]
        batch = client.batch()
        for pid, summary in chunk:
            batch.create(_ref(uow).document(_doc_id(pid)), stored(uow, pid, summary))
        try:
            batch.commit()
            continue
        except (AlreadyExists, Conflict):  # some were written meanwhile by a commit: keep those, create the rest
            pass
        except Exception:
            complete = False
            continue
        for pid, summary in chunk:
            try:
                _ref(uow).document(_doc_id(pid)).create(stored(uow, pid, summary))
            except (AlreadyExists, Conflict):
                pass
            except Exception:
                complete = False
    if complete:
        uow.version_ref.set({SUMMARIES_MARKED: True, "tenant_id": uow.tenant_id}, merge=True)
    return complete


def _doc_id(key: str) -> str:
    from adapters.firestore_repository import doc_id

    return doc_id(key)


def revise(uow: FirestoreUnitOfWork, pending: Mapping[tuple[str, str], Any],
           deleted: Any) -> dict[str, PurchaseSummary | None]:
    """The summaries the pending writes change (product id → new summary; None: no purchase left). Reads,
    inside the unit of work's transaction, the purchases replaced or deleted and the summaries concerned."""
    keys = [key for name, key in pending if name == "purchases"]
    if not keys:
        return {}
    purchases = uow.collection("purchases")
    transaction = uow.transaction()
    old: dict[str, Purchase] = {}
    listed = purchases.listed
    if listed is not None:  # listed in this unit of work: the commit checks them unchanged since
        old = {key: listed.items[key] for key in keys if key in listed.items}
    else:
        refs = [purchases.ref.document(_doc_id(key)) for key in keys]
        for snap in uow.client.get_all(refs, transaction=transaction):
            item = purchases._decode(snap)
            if item is not None:
                old[item.key] = item
        uow.locked.update(("purchases", key) for key in keys)
    removed: dict[str, list[Purchase]] = {}
    added: dict[str, list[Purchase]] = {}
    for key in keys:
        new, before = pending[("purchases", key)], old.get(key)
        if before is not None and before == new:
            continue
        if before is not None:
            removed.setdefault(before.product_id, []).append(before)
        if new is not deleted:
            added.setdefault(new.product_id, []).append(new)
    products = sorted(set(removed) | set(added))
    if not products:
        return {}
    marked = uow.summaries_marked()
    refs = [_ref(uow).document(_doc_id(pid)) for pid in products]
    current: dict[str, tuple[bool, PurchaseSummary | None]] = {}
    for snap in uow.client.get_all(refs, transaction=transaction):
        current[snap.reference.id] = (snap.exists, _decoded(uow, snap.to_dict()) if snap.exists else None)
    out: dict[str, PurchaseSummary | None] = {}
    for pid, ref in zip(products, refs, strict=True):
        exists, summary = current.get(ref.id, (False, None))
        # Not stored and not backfilled yet: stored before summaries existed, so never start from nothing.
        after = Rescan() if not exists and not marked else revised(summary, removed.get(pid, []), added.get(pid, []))
        if isinstance(after, Rescan):
            after = summarize_product(pid, _purchases_of(uow, pid, pending, deleted))
        out[pid] = after
    return out


def _purchases_of(uow: FirestoreUnitOfWork, product_id: str, pending: Mapping[tuple[str, str], Any],
                  deleted: Any) -> list[Purchase]:
    """A product's purchases as this commit leaves them: the stored ones (one query, outside the transaction:
    a concurrent change to them changes the summary read inside it, so the commit conflicts) and the pending."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    purchases = uow.collection("purchases")
    found: dict[str, Purchase] = {}
    for snap in purchases.ref.where(filter=FieldFilter("product_id", "==", product_id)).stream():
        item = purchases._decode(snap)
        if item is not None:
            found[item.key] = item
    for (name, key), item in pending.items():
        if name != "purchases":
            continue
        if item is deleted or item.product_id != product_id:
            found.pop(key, None)
        else:
            found[key] = item
    return list(found.values())


def remember(uow: FirestoreUnitOfWork, changed: Mapping[str, PurchaseSummary | None]) -> None:
    """After the commit: the instance's cached summaries, if filed under the counter this commit increments."""
    cache = uow.cache
    versions = uow._versions
    if cache is None or versions is None or not changed:  # no summary written: the counter did not move
        return
    base = cache.get(SUMMARIES)
    if base is None or base.version != versions.get(SUMMARIES, 0):
        return
    items = dict(base.items)
    for pid, summary in changed.items():
        if summary is None:
            items.pop(pid, None)
        else:
            items[pid] = summary
    cache.store(SUMMARIES, CachedCollection(base.version + 1, items, {}))
