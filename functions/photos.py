"""Photo uploads: receipts and inventory photos, checked here, stored with the service's credentials.

The client sends the image either as the raw body (`Content-Type: image/jpeg`, `?kind=receipt`)
or as `multipart/form-data` with a `photo` file and a `kind` field, as a camera form posts it.
The type is read from the bytes, never trusted from the header; the image must decode and be of
a sensible size. A photo's id is its content hash, so sending the same photo again is answered
with the same object rather than stored twice.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from functions.shared.auth import WRITERS
from functions.shared.errors import ApiError
from functions.shared.limits import refuse_if_used_up, spend, upload_charges, upload_counts
from functions.shared.operation import MAX_BODY_BYTES, RUNTIME, Context, operation

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MIN_SIDE, MAX_SIDE, MAX_PIXELS = 64, 12_000, 60_000_000
FOLDERS = {"receipt": "receipts", "inventory": "inventory-photos"}


@dataclass(frozen=True, slots=True)
class Photo:
    data: bytes
    content_type: str
    kind: str
    width: int
    height: int


def sniff_type(data: bytes) -> str | None:
    """The image type from the file's first bytes: JPEG, PNG or WebP, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _dimensions(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ApiError(400, "invalid", f"the photo is {width}×{height} pixels: too large to read", "photo")
            image.verify()  # structure and checksums, without decoding every pixel
    except ApiError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ApiError(400, "invalid", "the photo is damaged or not really an image", "photo") from exc
    return width, height


def read_photo(request: Any) -> Photo:
    """The photo and its kind from the request, or a 4xx naming what is wrong."""
    kind = (request.args.get("kind") or "").strip()
    content_type = (request.mimetype or "").lower()
    if content_type == "multipart/form-data":
        kind = (request.form.get("kind") or kind).strip()
        upload = request.files.get("photo")
        if upload is None:
            raise ApiError(400, "invalid", "send the image in a form field named 'photo'", "photo")
        data = upload.read(MAX_PHOTO_BYTES + 1)
    else:
        data = request.get_data(cache=False)[: MAX_BODY_BYTES + 1]
    if kind not in FOLDERS:
        raise ApiError(400, "invalid", f"kind must be one of {', '.join(sorted(FOLDERS))}", "kind")
    if not data:
        raise ApiError(400, "invalid", "the photo is empty", "photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError(413, "too_large", f"the photo is over {MAX_PHOTO_BYTES // (1024 * 1024)} MiB", "photo")
    sniffed = sniff_type(data)
    if sniffed is None:
        raise ApiError(415, "unsupported_type", "send a JPEG, PNG or WebP photo", "photo")
    width, height = _dimensions(data)
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise ApiError(400, "invalid", f"the photo is {width}×{height} pixels; each side must be "
                                       f"{MIN_SIDE} to {MAX_SIDE}", "photo")
    return Photo(data, sniffed, kind, width, height)


def photo_path(tenant_id: str, kind: str, photo_id: str) -> str:
    return f"tenants/{tenant_id}/{FOLDERS[kind]}/{photo_id}"


@operation(WRITERS, methods=("POST",))
def upload_photo(ctx: Context, _: None) -> dict[str, Any]:
    """Store a receipt or inventory photo under the caller's bakery; answers where it is."""
    refuse_if_used_up(ctx.backend, upload_counts(ctx.tenant_id, ctx.caller.uid), field="photo")  # before decoding
    photo = read_photo(ctx.request)
    spend(ctx.backend, upload_charges(ctx.tenant_id, ctx.caller.uid, len(photo.data), receipt=photo.kind == "receipt"),
          field="photo")  # checked, not yet stored: a refused upload stores and queues nothing
    photo_id = hashlib.sha256(photo.data).hexdigest()[:32]
    path = photo_path(ctx.tenant_id, photo.kind, photo_id)
    metadata = {"tenant_id": ctx.tenant_id, "uploaded_by": ctx.caller.uid, "kind": photo.kind}
    answer: dict[str, Any] = {"photo_id": photo_id, "kind": photo.kind, "path": path}
    if photo.kind == "receipt":  # its scan first, so that its status exists before the storage event
        from core.proposals import receipt_scans
        from functions.receipts import scan_json

        with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
            answer["receipt"] = scan_json(receipt_scans.record_upload(uow, photo_id, path, by=ctx.caller.uid))
    created = RUNTIME.photos.put(path, photo.data, photo.content_type, metadata)
    return {**answer, "bucket": RUNTIME.photos.bucket, "content_type": photo.content_type, "bytes": len(photo.data),
            "width": photo.width, "height": photo.height, "created": created}
