"""The backup document: what one bakery holds, as versioned JSON (docs/backup.md describes every part).

Records are written by the same codec as Firestore (`core.document_codec`): decimals as strings,
dates and times as ISO 8601, enums as their values, references by the ids they have in the bakery.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from core.bakery import Bakery
from core.document_codec import encode
from core.repository import COLLECTION_NAMES
from core.tenancy import ApiKey, BakerySettings, Member

FORMAT = "baketracker-backup"
VERSION = 1
# What a backup leaves out on purpose, and why (also in the document, so a reader of the file knows).
OMITTED = {
    "push_tokens": "device addresses of members' phones: never exported; members opt in again on their devices",
    "invitations": "one-time codes bound to this bakery: the owner invites again",
    "api_keys": "secrets bound to this bakery: listed by name only, the owner issues new keys",
    "rate_limits": "abuse counters, not the bakery's data",
    "activity": "who called what and when (metrics): operational logs, kept by the platform, not restored",
}


@dataclass(frozen=True, slots=True)
class BakeryAbout:
    """The bakery itself, as its tenant document holds it."""

    tenant_id: str
    name: str
    created_by: str
    created_at: dt.datetime
    settings: BakerySettings


@dataclass(frozen=True, slots=True)
class PhotoCopy:
    """A stored photo a record refers to; `data` only when the export was asked to carry the bytes."""

    path: str
    content_type: str
    data: bytes | None
    size: int
    sha256: str
    skipped: str = ""  # why the bytes are not in the file ("over the size bound", "not in the photo store")


def photo_paths(bakery: Bakery) -> list[str]:
    """Every photo a proposal or receipt refers to, once each."""
    paths = {p.photo_path for p in bakery.proposals.values() if p.photo_path}
    paths |= {r.photo_path for r in bakery.receipts.values() if r.photo_path}
    return sorted(paths)


def build_backup(bakery: Bakery, about: BakeryAbout, members: list[Member], api_keys: list[ApiKey],
                 photos: list[PhotoCopy], exported_at: dt.datetime) -> dict[str, Any]:
    """The whole bakery as one JSON-ready document; records sorted by id, so two exports of the same data are equal."""
    collections = {name: [encode(item) for _, item in sorted(getattr(bakery, name).items())]
                   for name in COLLECTION_NAMES}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(),
        "bakery": {"tenant_id": about.tenant_id, "name": about.name, "created_by": about.created_by,
                   "created_at": about.created_at.isoformat(), "settings": about.settings.to_dict()},
        "members": [{"uid": m.uid, "role": m.role.value, "email": m.email, "joined_at": m.joined_at.isoformat(),
                     "active": m.active} for m in sorted(members, key=lambda m: m.uid)],
        "api_keys": [{"key_id": k.key_id, "name": k.name, "role": k.role.value,
                      "created_at": k.created_at.isoformat(),
                      "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
                     for k in sorted(api_keys, key=lambda k: (k.created_at, k.key_hash))],
        "counts": {name: len(records) for name, records in collections.items()},
        "collections": collections,
        "photos": [_photo_json(p) for p in sorted(photos, key=lambda p: p.path)],
        "omitted": dict(OMITTED),
    }


def photo_copy(path: str, content_type: str, data: bytes, *, keep_bytes: bool, skipped: str = "") -> PhotoCopy:
    return PhotoCopy(path, content_type, data if keep_bytes else None, len(data), hashlib.sha256(data).hexdigest(),
                     skipped)


def _photo_json(photo: PhotoCopy) -> dict[str, Any]:
    row: dict[str, Any] = {"path": photo.path, "content_type": photo.content_type, "size": photo.size,
                           "sha256": photo.sha256}
    if photo.data is not None:
        row["data"] = base64.b64encode(photo.data).decode("ascii")
    if photo.skipped:
        row["skipped"] = photo.skipped
    return row
