"""Reading a backup: the whole file is checked before anything is written; every problem names its path."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import typing
from dataclasses import dataclass
from typing import Any

from core.backup.checked_decode import Invalid, Problem, decode_record
from core.backup.document import FORMAT, VERSION, BakeryAbout, PhotoCopy
from core.backup.references import dangling_references
from core.bakery import Bakery
from core.errors import ProblemsError
from core.repository import COLLECTION_NAMES
from core.tenancy import BakerySettings, Role

MAX_PROBLEMS = 200
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # the upload limit (functions/photos.py): a backup carries no bigger photo


@dataclass(frozen=True, slots=True)
class ListedMember:
    """A member the backup names: reported on restore, never re-created (accounts are people, not data)."""

    uid: str
    role: str
    email: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Backup:
    bakery: Bakery
    about: BakeryAbout
    exported_at: dt.datetime
    members: tuple[ListedMember, ...]
    api_keys: tuple[str, ...]  # names of the keys the owner will want to issue again
    photos: tuple[PhotoCopy, ...]


def read_backup(data: Any) -> Backup:
    """The backup decoded, or a ProblemsError (code `invalid_backup`) listing every problem by path."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        _fail([Problem("backup", "expected a JSON object")])
    if data.get("format") != FORMAT:
        _fail([Problem("format", f"not a BakeTracker backup (expected format {FORMAT!r})")])
    version = data.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        _fail([Problem("version", f"version {version!r} was written by a newer BakeTracker; this one reads {VERSION}"
                       if newer else f"unknown version {version!r}; this BakeTracker reads {VERSION}")])
    exported_at = _guard(problems, lambda: _datetime(data.get("exported_at"), "exported_at"))
    about = _guard(problems, lambda: _about(data.get("bakery")))
    members = _guard(problems, lambda: _members(data.get("members", [])))
    api_keys = _guard(problems, lambda: _key_names(data.get("api_keys", [])))
    positions: dict[str, dict[str, int]] = {name: {} for name in COLLECTION_NAMES}
    bakery = _bakery(data.get("collections"), problems, positions)
    if not problems:  # references are checked between records that are each well formed
        problems.extend(dangling_references(bakery, positions))
    photos = _photos(data.get("photos", []), about.tenant_id if about else None, problems)
    if problems or about is None or exported_at is None or members is None or api_keys is None:
        _fail(problems)
    assert about is not None and exported_at is not None and members is not None and api_keys is not None
    return Backup(bakery, about, exported_at, members, api_keys, photos)


def _fail(problems: list[Problem]) -> Any:
    shown = problems[:MAX_PROBLEMS]
    first = shown[0] if shown else Problem("backup", "invalid")
    raise ProblemsError(f"{len(problems)} problem(s) in the backup, first {first}; nothing was restored",
                        [dict(p.as_dict()) for p in shown], code="invalid_backup", field=first.path)


def _guard(problems: list[Problem], read: Any) -> Any:
    try:
        return read()
    except Invalid as exc:
        problems.append(exc.problem)
        return None


def _datetime(value: Any, path: str) -> dt.datetime:
    if not isinstance(value, str):
        raise Invalid(path, "expected a date and time (ISO 8601)")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(path, f"{value!r} is not a date and time (ISO 8601)") from None


def _text(row: dict[str, Any], name: str, path: str, *, optional: bool = False) -> Any:
    value = row.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise Invalid(f"{path}.{name}", "expected text")
    return value


def _about(value: Any) -> BakeryAbout:
    if not isinstance(value, dict):
        raise Invalid("bakery", "expected an object with the bakery's tenant_id, name and settings")
    settings = value.get("settings", {})
    if not isinstance(settings, dict):
        raise Invalid("bakery.settings", "expected an object")
    try:
        parsed = BakerySettings(str(settings.get("unit_system", "us")), str(settings.get("currency", "USD")))
    except Exception as exc:
        raise Invalid(f"bakery.settings.{getattr(exc, 'field', '')}".rstrip("."), str(exc)) from None
    return BakeryAbout(_text(value, "tenant_id", "bakery"), _text(value, "name", "bakery"),
                       str(value.get("created_by") or ""), _datetime(value.get("created_at"), "bakery.created_at"),
                       parsed)


def _members(value: Any) -> tuple[ListedMember, ...]:
    if not isinstance(value, list):
        raise Invalid("members", "expected a list")
    found = []
    for i, row in enumerate(value):
        path = f"members[{i}]"
        if not isinstance(row, dict):
            raise Invalid(path, "expected an object")
        role = row.get("role")
        if role not in [r.value for r in Role]:
            raise Invalid(f"{path}.role", f"{role!r} is not owner, baker or viewer")
        found.append(ListedMember(_text(row, "uid", path), str(role), _text(row, "email", path, optional=True),
                                  bool(row.get("active", True))))
    return tuple(found)


def _key_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise Invalid("api_keys", "expected a list of objects")
    return tuple(str(row.get("name", "")) for row in value)


def record_types() -> dict[str, type[Any]]:
    """Each collection's record class, from the Bakery's own type hints (`dict[str, Supplier]` → Supplier)."""
    hints = typing.get_type_hints(Bakery)
    return {name: typing.get_args(hints[name])[1] for name in COLLECTION_NAMES}


def _bakery(value: Any, problems: list[Problem], positions: dict[str, dict[str, int]]) -> Bakery:
    bakery = Bakery()
    if not isinstance(value, dict):
        problems.append(Problem("collections", "expected an object with one list of records per collection"))
        return bakery
    for name in sorted(set(value) - set(COLLECTION_NAMES)):
        problems.append(Problem(f"collections.{name}", "not a collection this BakeTracker keeps"))
    types_of = record_types()
    for name in COLLECTION_NAMES:
        rows = value.get(name, [])
        if not isinstance(rows, list):
            problems.append(Problem(f"collections.{name}", "expected a list of records"))
            continue
        records = getattr(bakery, name)
        kind = types_of[name]
        for i, row in enumerate(rows):
            path = f"collections.{name}[{i}]"
            record = _guard(problems, lambda row=row, path=path, kind=kind: decode_record(kind, row, path))
            if record is None:
                continue
            if record.key in records:
                problems.append(Problem(path, f"a second record with id {record.key!r}"))
                continue
            records[record.key] = record
            positions[name][record.key] = i
    return bakery


def _photos(value: Any, tenant_id: str | None, problems: list[Problem]) -> tuple[PhotoCopy, ...]:
    if not isinstance(value, list):
        problems.append(Problem("photos", "expected a list"))
        return ()
    found: dict[str, PhotoCopy] = {}
    for i, row in enumerate(value):
        photo = _guard(problems, lambda row=row, i=i: _photo(row, f"photos[{i}]", tenant_id))
        if photo is not None:
            if photo.path in found:
                problems.append(Problem(f"photos[{i}].path", f"{photo.path!r} is listed twice"))
            found[photo.path] = photo
    return tuple(found.values())


def _photo(row: Any, path: str, tenant_id: str | None) -> PhotoCopy:
    if not isinstance(row, dict):
        raise Invalid(path, "expected an object")
    where = _text(row, "path", path)
    if tenant_id is not None and not where.startswith(f"tenants/{tenant_id}/"):
        raise Invalid(f"{path}.path", f"not a photo of the bakery backed up (tenants/{tenant_id}/…)")
    size, sha = row.get("size", 0), str(row.get("sha256", ""))
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_PHOTO_BYTES:
        raise Invalid(f"{path}.size", f"expected a whole number of bytes up to {MAX_PHOTO_BYTES}")
    encoded = row.get("data")
    if encoded is None:
        return PhotoCopy(where, str(row.get("content_type", "")), None, size, sha, str(row.get("skipped", "")))
    if row.get("content_type") not in PHOTO_TYPES:
        raise Invalid(f"{path}.content_type", f"expected one of {', '.join(PHOTO_TYPES)}")
    if not isinstance(encoded, str) or len(encoded) > (MAX_PHOTO_BYTES * 4) // 3 + 4:
        raise Invalid(f"{path}.data", f"expected the photo's bytes in base64, at most {MAX_PHOTO_BYTES} bytes")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"{path}.data", "not valid base64") from None
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
        raise Invalid(f"{path}.data", "the bytes do not match the photo's size and sha256 (damaged file?)")
    return PhotoCopy(where, str(row["content_type"]), data, size, sha)
