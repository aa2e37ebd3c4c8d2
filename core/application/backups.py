"""Use cases: a bakery's full backup out, and restoring one into a new, empty bakery (docs/backup.md).

The pure parts are in `core.backup`; here are the reads and the writes. A restore checks the whole file
first, then writes in batches under a marker (`restore_marker`): while it says `writing`, a restore that
failed half-way can simply be run again (it clears what the failed one wrote, then writes everything).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any, Protocol

from core.application.context import BakeryStore
from core.backup.document import BakeryAbout, PhotoCopy, build_backup, photo_copy, photo_paths
from core.backup.reading import Backup, read_backup
from core.backup.retarget import moved_path, retarget
from core.bakery import Bakery
from core.errors import ConflictError, NotFoundError
from core.repository import COLLECTION_NAMES, UnitOfWork
from core.tenancy import ApiKey, BakerySettings, Member, Tenant

WRITES_PER_BATCH = 240  # under Firestore's 500 writes per commit: each purchase may add its summary, and the counters
PHOTO_BYTES_DEFAULT = 5 * 1024 * 1024  # photo bytes one export carries unless asked for more
PHOTO_BYTES_LIMIT = 8 * 1024 * 1024  # ... and at most (an answer stays well under the 32 MiB a function may send)
PHOTO_FOLDERS = {"receipts": "receipt", "inventory-photos": "inventory"}


class BackupStore(BakeryStore, Protocol):
    """What backups need of storage beyond the records: the bakery, its people, the restore marker."""

    def tenant(self, tenant_id: str) -> Tenant | None: ...

    def members(self, tenant_id: str) -> list[Member]: ...

    def api_keys(self, tenant_id: str) -> list[ApiKey]: ...

    def save_tenant_settings(self, tenant_id: str, settings: BakerySettings) -> None: ...

    def restore_marker(self, tenant_id: str) -> dict[str, Any] | None:
        """The bakery's restore marker (server-only), or None if it was never restored into."""
        ...

    def save_restore_marker(self, tenant_id: str, marker: dict[str, Any]) -> None: ...


class StoredObject(Protocol):
    content_type: str
    data: bytes


class PhotoShelf(Protocol):
    """Where photos are kept (Cloud Storage, or memory in tests)."""

    def get(self, path: str) -> StoredObject | None: ...

    def put(self, path: str, data: bytes, content_type: str, metadata: dict[str, str]) -> bool: ...


# -- export --------------------------------------------------------------------------------------------------
def export_backup(store: BackupStore, tenant_id: str, *, now: dt.datetime, photos: PhotoShelf | None = None,
                  include_photos: bool = False, max_photo_bytes: int = PHOTO_BYTES_DEFAULT) -> dict[str, Any]:
    """The whole bakery as one backup document; photo bytes (base64) only when asked, up to `max_photo_bytes`."""
    tenant = store.tenant(tenant_id)
    if tenant is None:
        raise NotFoundError("no such bakery", field="tenant_id")
    with store.unit_of_work(tenant_id, read_only=True) as uow:
        bakery = uow.load_bakery()
    about = BakeryAbout(tenant.id, tenant.name, tenant.created_by, tenant.created_at, tenant.settings)
    copies = _photo_copies(bakery, tenant_id, photos if include_photos else None,
                           min(max(max_photo_bytes, 0), PHOTO_BYTES_LIMIT))
    return build_backup(bakery, about, store.members(tenant_id), store.api_keys(tenant_id), copies, now)


def _photo_copies(bakery: Bakery, tenant_id: str, photos: PhotoShelf | None, budget: int) -> list[PhotoCopy]:
    copies = []
    for path in photo_paths(bakery):
        if not path.startswith(f"tenants/{tenant_id}/"):
            continue  # never read another bakery's object, whatever a record says
        if photos is None:
            copies.append(PhotoCopy(path, "", None, 0, "", "bytes not included (ask with include_photos)"))
            continue
        stored = photos.get(path)
        if stored is None:
            copies.append(PhotoCopy(path, "", None, 0, "", "not in the photo store"))
            continue
        fits = len(stored.data) <= budget
        budget -= len(stored.data) if fits else 0
        copies.append(photo_copy(path, stored.content_type, stored.data, keep_bytes=fits,
                                 skipped="" if fits else "over the size bound of this export"))
    return copies


# -- restore -------------------------------------------------------------------------------------------------
def restore_backup(store: BackupStore, tenant_id: str, uid: str, data: Any, *, now: dt.datetime,
                   photos: PhotoShelf | None = None) -> dict[str, Any]:
    """Everything in the backup, written into the caller's new, empty bakery; a report of what was and was not."""
    backup = read_backup(data)  # the whole file is checked before anything is written
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    marker = store.restore_marker(tenant_id)
    unfinished = marker is not None and marker.get("state") == "writing"
    if marker is not None and not unfinished:
        raise ConflictError(f"this bakery was already restored from a backup of {marker.get('source_name')!r} "
                            f"(at {marker.get('finished_at')}); restore into a new, empty bakery", field="backup")
    _check_new_and_empty(store, tenant_id, uid, unfinished)
    started = {"state": "writing", "digest": digest, "by": uid, "started_at": now.isoformat(),
               "source_tenant": backup.about.tenant_id, "source_name": backup.about.name,
               "exported_at": backup.exported_at.isoformat()}
    store.save_restore_marker(tenant_id, started)
    cleared = _clear(store, tenant_id) if unfinished else 0
    photo_report = _restore_photos(backup, tenant_id, uid, photos)
    bakery = retarget(backup.bakery, backup.about.tenant_id, tenant_id)
    batches = _write(store, tenant_id, bakery)
    store.save_tenant_settings(tenant_id, backup.about.settings)
    store.save_restore_marker(tenant_id, {**started, "state": "done", "finished_at": now.isoformat(),
                                          "batches": batches})
    return {
        "restored": bakery.counts(),
        "from": {"tenant_id": backup.about.tenant_id, "name": backup.about.name,
                 "exported_at": backup.exported_at.isoformat()},
        "settings": backup.about.settings.to_dict(),
        "batches": batches,
        "resumed_unfinished_restore": unfinished,
        "cleared_records": cleared,
        "photos": photo_report,
        "members_not_restored": [{"uid": m.uid, "role": m.role, "email": m.email, "active": m.active}
                                 for m in backup.members if m.uid != uid],
        "api_keys_not_restored": list(backup.api_keys),
    }


def _check_new_and_empty(store: BackupStore, tenant_id: str, uid: str, unfinished: bool) -> None:
    others = [m for m in store.members(tenant_id) if m.active and m.uid != uid]
    if others:
        raise ConflictError(f"this bakery has {len(others)} other member(s): a backup is restored into a new "
                            "bakery that only its owner belongs to", field="backup")
    if unfinished:
        return  # what is there was written by the restore that did not finish: it is cleared first
    with store.unit_of_work(tenant_id, read_only=True) as uow:
        held = {name: n for name, n in uow.load_bakery().counts().items() if n}
    if held:
        what = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(held.items()))
        raise ConflictError(f"this bakery already holds data ({what}): restore into a new, empty bakery "
                            "(create one, then restore there)", field="backup")


def _batches(items: list[tuple[str, Any]]) -> Iterator[list[tuple[str, Any]]]:
    for start in range(0, len(items), WRITES_PER_BATCH):
        yield items[start:start + WRITES_PER_BATCH]


def _clear(store: BackupStore, tenant_id: str) -> int:
    """Delete what an unfinished restore wrote (the bakery was empty before it)."""
    with store.unit_of_work(tenant_id, read_only=True) as uow:
        bakery = uow.load_bakery()
    keys = [(name, key) for name in COLLECTION_NAMES for key in sorted(getattr(bakery, name))]
    for batch in _batches(keys):
        with store.unit_of_work(tenant_id) as uow:
            for name, key in batch:
                _collection(uow, name).delete(key)
            uow.commit()
    return len(keys)


def _write(store: BackupStore, tenant_id: str, bakery: Bakery) -> int:
    records = [(name, item) for name in COLLECTION_NAMES for _, item in sorted(getattr(bakery, name).items())]
    count = 0
    for batch in _batches(records):
        with store.unit_of_work(tenant_id) as uow:
            for name, item in batch:
                _collection(uow, name).put(item)
            uow.commit()
        count += 1
    return count


def _collection(uow: UnitOfWork, name: str) -> Any:
    return getattr(uow, name)


def _restore_photos(backup: Backup, tenant_id: str, uid: str, photos: PhotoShelf | None) -> dict[str, Any]:
    restored, missing = [], []
    for photo in backup.photos:
        path = moved_path(photo.path, backup.about.tenant_id, tenant_id)
        if photo.data is None or photos is None:
            missing.append({"path": path, "reason": photo.skipped or "the backup carries no bytes for it"})
            continue
        folder = path.split("/")[2] if path.count("/") >= 3 else ""
        photos.put(path, photo.data, photo.content_type,
                   {"tenant_id": tenant_id, "uploaded_by": uid, "kind": PHOTO_FOLDERS.get(folder, folder),
                    "restored_from": photo.path})
        restored.append(path)
    return {"restored": restored, "not_restored": missing}
