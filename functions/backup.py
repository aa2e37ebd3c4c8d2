"""A bakery's full backup (`export_bakery`) and its restore into a new, empty bakery (`restore_bakery`).

Owners only. The logic is in core (core/backup, core/application/backups.py); docs/backup.md describes
the format. A restore body is limited to 10 MiB like every other: a bigger backup is sent in parts
(`part`: index, count, sha256 of the whole text, and the slice of the text), kept under
`tenants/{t}/restore-parts/{sha256}/{index}` in the photo store until the last part arrives and the restore
succeeds (then they are deleted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from core.application import backups
from functions.models import Strict
from functions.shared.auth import OWNERS
from functions.shared.errors import ApiError
from functions.shared.operation import RUNTIME, Context, operation

MAX_PARTS = 64  # 64 parts of up to 9 MiB: far above any bakery's records (photos are the bulky part)


class ExportBakeryRequest(Strict):
    include_photos: bool = Field(False, description="carry the photos' bytes (base64), up to max_photo_bytes")
    max_photo_bytes: int = Field(backups.PHOTO_BYTES_DEFAULT, ge=0, le=backups.PHOTO_BYTES_LIMIT)


class RestorePart(Strict):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # a slice of JSON text is kept as sent

    index: int = Field(ge=0, lt=MAX_PARTS)
    count: int = Field(ge=1, le=MAX_PARTS)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the whole backup text (UTF-8)")
    text: str = Field(min_length=1, description="this part of the backup's JSON text")


class RestoreBakeryRequest(Strict):
    backup: dict[str, Any] | None = Field(None, description="the backup document, as export_bakery answered it")
    part: RestorePart | None = Field(None, validate_default=True,
                                     description="one part of a backup too big for one request")

    @field_validator("part")
    @classmethod
    def _one_of(cls, part: RestorePart | None, info: ValidationInfo) -> RestorePart | None:
        """Exactly one of the two; the error names `part` (the field that settles it), never the whole body."""
        if "backup" in info.data and (info.data["backup"] is None) == (part is None):
            raise ValueError("send either backup (the whole document) or part (one part of it)")
        return part


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@operation(OWNERS, ExportBakeryRequest, methods=("GET", "POST"))
def export_bakery(ctx: Context, body: ExportBakeryRequest) -> dict[str, Any]:
    """Everything the bakery keeps, as one versioned JSON backup (photos' bytes only when asked)."""
    return backups.export_backup(ctx.backend, ctx.tenant_id, now=_now(),
                                 photos=RUNTIME.photos if body.include_photos else None,
                                 include_photos=body.include_photos, max_photo_bytes=body.max_photo_bytes)


@operation(OWNERS, RestoreBakeryRequest)
def restore_bakery(ctx: Context, body: RestoreBakeryRequest) -> dict[str, Any]:
    """A backup restored into the caller's new, empty bakery: checked whole first; 409 if the bakery has data."""
    data = body.backup if body.part is None else _assembled(ctx, body.part)
    if data is None:
        assert body.part is not None
        return {"received": {"index": body.part.index, "count": body.part.count}, "restored": None}
    listed = data.get("photos")
    carries_bytes = isinstance(listed, list) and any(isinstance(p, dict) and "data" in p for p in listed)
    photos = RUNTIME.photos if carries_bytes else None
    answer = backups.restore_backup(ctx.backend, ctx.tenant_id, ctx.caller.uid, data, now=_now(), photos=photos)
    if body.part is not None:  # restored: its parts are no longer needed
        for index in range(body.part.count):
            RUNTIME.photos.delete(_part_path(ctx, body.part.sha256, index))
    return answer


def _part_path(ctx: Context, sha256: str, index: int) -> str:
    return f"tenants/{ctx.tenant_id}/restore-parts/{sha256}/{index}"


def _assembled(ctx: Context, part: RestorePart) -> dict[str, Any] | None:
    """Keep this part; when it is the last, the whole backup (or a 400 naming the parts still missing)."""
    if part.index >= part.count:
        raise ApiError(400, "invalid", f"index {part.index} is not below count {part.count}", "part.index")
    RUNTIME.photos.put(_part_path(ctx, part.sha256, part.index), part.text.encode(), "application/json",
                       {"tenant_id": ctx.tenant_id, "kind": "restore-part"})
    if part.index != part.count - 1:
        return None
    texts, missing = [], []
    for index in range(part.count):
        stored = RUNTIME.photos.get(_part_path(ctx, part.sha256, index))
        if stored is None:
            missing.append(index)
        else:
            texts.append(stored.data)
    if missing:
        raise ApiError(400, "missing_parts", f"parts {', '.join(map(str, missing))} of {part.count} have not "
                                             "arrived: send them, then the last part again", "part.index")
    whole = b"".join(texts)
    if hashlib.sha256(whole).hexdigest() != part.sha256:
        raise ApiError(400, "invalid", "the parts put together do not match part.sha256: send them again",
                       "part.sha256")
    try:
        data = json.loads(whole)
    except ValueError as exc:
        raise ApiError(400, "invalid_json", f"the backup put together is not valid JSON: {exc}", "part.text") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the backup must be a JSON object", "part.text")
    return data
