"""upload_photo: type from the bytes, size and dimensions checked, stored under the caller's bakery only."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from functions import main
from functions.photos import MAX_PHOTO_BYTES
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore
from tests.functions.conftest import call, unsigned_token


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (400, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (240, 235, 220)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def photos(backend: MemoryBackend) -> Iterator[MemoryPhotoStore]:
    store = MemoryPhotoStore()
    previous = RUNTIME._photos
    RUNTIME.use_photos(store)
    yield store
    RUNTIME._photos = previous


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Photo Bakes"}, claims={"uid": "pat"})[1]["tenant_id"]
    return {"uid": "pat", "tenant_id": tenant, "role": "owner"}


def upload(claims: dict[str, Any] | None, data: bytes, *, kind: str | None = "receipt",
           content_type: str = "image/jpeg", form: bool = False) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {unsigned_token(claims)}"} if claims else {}
    query = {"kind": kind} if kind is not None and not form else {}
    if form:
        fields: dict[str, Any] = {"photo": (io.BytesIO(data), "receipt.jpg", content_type)}
        if kind is not None:
            fields["kind"] = kind
        builder = EnvironBuilder(method="POST", headers=headers, data=fields, query_string=query)
    else:
        builder = EnvironBuilder(method="POST", headers=headers, data=data, content_type=content_type,
                                 query_string=query)
    text, status, _ = main.upload_photo(Request(builder.get_environ()))
    return status, json.loads(text)


@pytest.mark.parametrize(("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_photo_is_stored_under_the_callers_bakery(photos: MemoryPhotoStore, owner: dict[str, Any],
                                                    fmt: str, mime: str) -> None:
    data = image_bytes(fmt)
    status, answer = upload(owner, data, content_type="application/octet-stream")
    assert status == 200, answer
    assert answer["path"] == f"tenants/{owner['tenant_id']}/receipts/{answer['photo_id']}"
    assert (answer["content_type"], answer["width"], answer["height"], answer["created"]) == (mime, 400, 600, True)
    stored = photos.objects[answer["path"]]
    assert stored.data == data and stored.content_type == mime
    assert stored.metadata == {"tenant_id": owner["tenant_id"], "uploaded_by": "pat", "kind": "receipt"}


def test_a_form_upload_of_an_inventory_photo(photos: MemoryPhotoStore, owner: dict[str, Any]) -> None:
    status, answer = upload(owner, image_bytes(), kind="inventory", form=True)
    assert status == 200, answer
    assert answer["path"].startswith(f"tenants/{owner['tenant_id']}/inventory-photos/")


def test_the_same_photo_twice_is_one_object(photos: MemoryPhotoStore, owner: dict[str, Any]) -> None:
    data = image_bytes()
    first, second = upload(owner, data)[1], upload(owner, data)[1]
    assert first["path"] == second["path"] and (first["created"], second["created"]) == (True, False)
    assert len(photos.objects) == 1


@pytest.mark.parametrize(("data", "kind", "status", "field"), [
    (b"", "receipt", 400, "photo"),
    (b"%PDF-1.7 not a photo", "receipt", 415, "photo"),
    (b"GIF89a" + b"\x00" * 100, "receipt", 415, "photo"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "receipt", 415, "photo"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "receipt", 400, "photo"),  # a JPEG header and nothing else
    (None, "receipt", 400, "photo"),  # 10×10 pixels: too small to read
    (None, "selfie", 400, "kind"),
    (None, None, 400, "kind"),
])
def test_bad_uploads_are_refused_naming_the_field(photos: MemoryPhotoStore, owner: dict[str, Any],
                                                  data: bytes | None, kind: str | None, status: int,
                                                  field: str) -> None:
    body = image_bytes(size=(10, 10)) if data is None and kind == "receipt" else data
    got, answer = upload(owner, body if body is not None else image_bytes(), kind=kind)
    assert (got, answer["error"]["field"]) == (status, field), answer
    assert photos.objects == {}


def test_a_photo_over_the_limit_is_a_413(photos: MemoryPhotoStore, owner: dict[str, Any]) -> None:
    data = image_bytes() + b"\x00" * MAX_PHOTO_BYTES
    status, answer = upload(owner, data)
    assert (status, answer["error"]["code"]) == (413, "too_large")
    assert photos.objects == {}


def test_a_decompression_bomb_is_refused(photos: MemoryPhotoStore, owner: dict[str, Any]) -> None:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # small file, 400 megapixels
    status, answer = upload(owner, out.getvalue())
    assert status == 400 and answer["error"]["field"] == "photo", answer
    assert photos.objects == {}


def test_viewers_strangers_and_anonymous_callers_cannot_upload(photos: MemoryPhotoStore, backend: MemoryBackend,
                                                               owner: dict[str, Any]) -> None:
    code = call(main.invite_member, {"role": "viewer"}, claims=owner)[1]["code"]
    call(main.join_tenant, {"code": code}, claims={"uid": "vic"})
    viewer = {"uid": "vic", "tenant_id": owner["tenant_id"], "role": "viewer"}
    forged = {"uid": "mallory", "tenant_id": owner["tenant_id"], "role": "owner"}
    assert upload(viewer, image_bytes())[0] == 403
    assert upload(forged, image_bytes())[0] == 403
    assert upload({"uid": "nobody"}, image_bytes())[0] == 403
    assert upload(None, image_bytes())[0] == 401
    assert photos.objects == {}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBPVP8 "]),
       tail=st.binary(max_size=2000), cut=st.integers(min_value=0, max_value=3000),
       kind=st.sampled_from(["receipt", "inventory", "", "../../x", "receipt/../../t2"]))
def test_fuzzed_bytes_are_a_4xx_or_a_real_image(photos: MemoryPhotoStore, owner: dict[str, Any], head: bytes,
                                                tail: bytes, cut: int, kind: str) -> None:
    """Garbage after a real magic number, truncated real images, odd kinds: never a 5xx, never a stray object."""
    data = (head + tail) if cut % 2 else image_bytes("PNG", (80, 80))[:cut]
    status, answer = upload(owner, data, kind=kind)
    if status == 200:
        folder = "receipts" if kind == "receipt" else "inventory-photos"
        assert answer["path"] == f"tenants/{owner['tenant_id']}/{folder}/{answer['photo_id']}"
    else:
        assert 400 <= status < 500 and answer["error"]["field"] in {"photo", "kind"}, answer
        assert all(path.startswith(f"tenants/{owner['tenant_id']}/") for path in photos.objects)
