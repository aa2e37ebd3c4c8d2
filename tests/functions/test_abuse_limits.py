"""Abuse and cost limits (issue 14): a burst over each limit gets 429 with Retry-After and a message naming the
limit, and nothing else changes — no proposal, no photo, no invitation, no key, no other counter; another
account or bakery is not held up; the next window starts again; get_quotas shows what was used."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from adapters.inventory_photo import InventoryPhotoError
from core.limits import (
    AI_READINGS_GEMINI,
    AI_READINGS_OFFLINE,
    API_KEYS_BY_BAKERY,
    DAY,
    INVITATIONS_BY_BAKERY,
    MIB,
    PHOTO_BYTES_BY_BAKERY,
    PHOTOS_BY_ACCOUNT,
    WRITES_BY_ACCOUNT,
    Limit,
    counter_key,
)
from functions import main
from functions.shared import limits as function_limits
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore
from tests.functions.conftest import call, unsigned_token

SENTENCE = {"text": "I bought a 5 lb bag of flour at Costco for $4"}
NOON = 1_796_126_400.0  # 2026-12-01 12:00:00 UTC


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The limits' clock, set by the test (the counters' windows follow it)."""
    now = [NOON]
    monkeypatch.setattr(function_limits, "time", SimpleNamespace(time=lambda: now[0]))
    return now


@pytest.fixture
def photos(backend: MemoryBackend) -> Iterator[MemoryPhotoStore]:
    store = MemoryPhotoStore()
    previous = RUNTIME._photos
    RUNTIME.use_photos(store)
    yield store
    RUNTIME._photos = previous


def _bakery(name: str, owner: str) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": name}, claims={"uid": owner})[1]["tenant_id"]
    return {"uid": owner, "tenant_id": tenant, "role": "owner"}


def _member(owner: dict[str, Any], uid: str, role: str = "baker") -> dict[str, Any]:
    code = call(main.invite_member, {"role": role}, claims=owner)[1]["code"]
    assert call(main.join_tenant, {"code": code}, claims={"uid": uid})[0] == 200
    return {"uid": uid, "tenant_id": owner["tenant_id"], "role": role}


def _raw(handler: Any, body: Any, claims: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    request = Request(EnvironBuilder(method="POST", json=body, headers={
        "Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ())
    text, status, headers = handler(request)
    return status, json.loads(text), headers


def _upload(claims: dict[str, Any], data: bytes, kind: str = "inventory") -> tuple[int, dict[str, Any], dict[str, str]]:
    request = Request(EnvironBuilder(method="POST", data=data, content_type="image/jpeg", query_string={"kind": kind},
                                     headers={"Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ())
    text, status, headers = main.upload_photo(request)
    return status, json.loads(text), headers


def _photo(shade: int, size: tuple[int, int] = (200, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (shade % 256, (shade // 256) % 256, 200)).save(out, "JPEG")
    return out.getvalue()


def _limited(status: int, body: dict[str, Any], headers: dict[str, str], limit: Limit) -> str:
    """Asserts a 429 for `limit` with Retry-After up to its window; the message."""
    assert status == 429 and body["error"]["code"] == "rate_limited", body
    assert 0 < int(headers["Retry-After"]) <= limit.window_s
    assert body["error"]["request_id"] and headers["X-Request-Id"] == body["error"]["request_id"]
    message: str = body["error"]["message"]
    return message


def _counters(backend: MemoryBackend) -> dict[str, int]:
    return dict(backend.tries)


def test_a_burst_of_ai_readings_from_one_account_is_stopped_and_nothing_is_proposed(
        backend: MemoryBackend, clock: list[float]) -> None:
    owner = _bakery("Burst Bakes", "olga")
    baker = _member(owner, "ben")
    limit = AI_READINGS_OFFLINE[1]  # no Gemini here: the offline bound, 120 an hour per account
    answers = [_raw(main.propose_from_text, SENTENCE, baker)[0] for _ in range(limit.allowed)]
    assert answers == [200] * limit.allowed
    proposals = copy.deepcopy(backend.stores[owner["tenant_id"]].bakery.proposals)
    counters = _counters(backend)
    status, body, headers = _raw(main.propose_from_text, SENTENCE, baker)
    message = _limited(status, body, headers, limit)
    assert message.startswith("you have used this hour's 120 AI readings from your account; more at 13:00 UTC")
    assert int(headers["Retry-After"]) == 3600 and body["error"]["field"] == "text"
    assert backend.stores[owner["tenant_id"]].bakery.proposals == proposals  # nothing proposed
    assert _counters(backend) == counters  # no counter moved: not the readings, not the saves
    assert _raw(main.propose_from_text, SENTENCE, owner)[0] == 200  # another account of the same bakery reads on
    clock[0] += 3600  # the next hour
    assert _raw(main.propose_from_text, SENTENCE, baker)[0] == 200


def test_the_bakerys_daily_ai_quota_is_strictest_with_gemini_and_names_itself(
        backend: MemoryBackend, clock: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(function_limits, "gemini_configured", lambda: True)  # the limits Gemini's cost calls for
    by_bakery, by_account = AI_READINGS_GEMINI
    owner = _bakery("Daily Bakes", "dora")
    bakers = [_member(owner, f"baker-{n}") for n in range(by_bakery.allowed // by_account.allowed + 1)]
    other = _bakery("Other Bakes", "otto")
    spent = 0
    for baker in bakers:
        while spent < by_bakery.allowed:
            status = _raw(main.propose_from_text, SENTENCE, baker)[0]
            if status == 429:
                break
            assert status == 200
            spent += 1
    assert spent == by_bakery.allowed
    proposals = len(backend.stores[owner["tenant_id"]].bakery.proposals)
    status, body, headers = _raw(main.propose_from_text, SENTENCE, bakers[-1])  # under its own hourly limit
    message = _limited(status, body, headers, by_bakery)
    assert message.startswith("you have used today's 200 AI readings for this bakery; more tomorrow at 00:00 UTC")
    assert int(headers["Retry-After"]) == 12 * 3600
    assert len(backend.stores[owner["tenant_id"]].bakery.proposals) == proposals == by_bakery.allowed
    assert _raw(main.propose_from_text, SENTENCE, other)[0] == 200  # another bakery is not held up
    clock[0] += 12 * 3600  # midnight UTC: a new day
    assert _raw(main.propose_from_text, SENTENCE, bakers[-1])[0] == 200


def test_photo_uploads_are_limited_by_count_and_bytes_and_a_refused_one_stores_nothing(
        backend: MemoryBackend, photos: MemoryPhotoStore, clock: list[float]) -> None:
    owner = _bakery("Photo Bakes", "pia")
    for n in range(PHOTOS_BY_ACCOUNT.allowed):
        assert _upload(owner, _photo(n))[0] == 200
    stored = dict(photos.objects)
    counters = _counters(backend)
    status, body, headers = _upload(owner, _photo(999), kind="receipt")
    assert "this hour's 60 photo uploads from your account" in _limited(status, body, headers, PHOTOS_BY_ACCOUNT)
    assert body["error"]["field"] == "photo"
    assert photos.objects == stored and backend.planning_bakery(owner["tenant_id"]).receipts == {}  # nothing queued
    assert _counters(backend) == counters
    status, body, headers = _upload(owner, b"not even an image")  # refused before the body is read as an image
    _limited(status, body, headers, PHOTOS_BY_ACCOUNT)
    # bytes: a bakery near its day's 1 GiB is refused a photo that would pass it, by whoever sends it
    baker = _member(owner, "bo")
    key = counter_key(PHOTO_BYTES_BY_BAKERY, owner["tenant_id"], clock[0])
    photo = _photo(1000, (1200, 1600))
    backend.tries[key] = PHOTO_BYTES_BY_BAKERY.allowed - len(photo) + 1
    status, body, headers = _upload(baker, photo)
    assert "today's 1024 MiB of photo storage for this bakery" in _limited(status, body, headers,
                                                                         PHOTO_BYTES_BY_BAKERY)
    assert photos.objects == stored
    backend.tries[key] -= 1  # exactly fits
    assert _upload(baker, photo)[0] == 200 and backend.tries[key] == PHOTO_BYTES_BY_BAKERY.allowed


def test_a_receipt_counts_as_a_reading_when_it_is_uploaded(backend: MemoryBackend, photos: MemoryPhotoStore,
                                                           clock: list[float]) -> None:
    owner = _bakery("Receipt Bakes", "rhea")
    by_bakery = AI_READINGS_OFFLINE[0]
    key = counter_key(by_bakery, owner["tenant_id"], clock[0])
    assert _upload(owner, _photo(1), kind="inventory")[0] == 200 and backend.tries.get(key, 0) == 0
    assert _upload(owner, _photo(2), kind="receipt")[0] == 200 and backend.tries[key] == 1
    backend.tries[key] = by_bakery.allowed  # the day's readings used up: a receipt is refused before it is stored
    before = dict(photos.objects)
    status, body, headers = _upload(owner, _photo(3), kind="receipt")
    assert "today's 1000 AI readings for this bakery" in _limited(status, body, headers, by_bakery)
    assert photos.objects == before and len(backend.planning_bakery(owner["tenant_id"]).receipts) == 1
    assert _upload(owner, _photo(4), kind="inventory")[0] == 200  # an inventory photo is not a reading


def test_an_inventory_photo_reading_is_refused_before_it_is_read(backend: MemoryBackend, photos: MemoryPhotoStore,
                                                                 clock: list[float],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    owner = _bakery("Shelf Bakes", "sal")
    photo_id = _upload(owner, _photo(7))[1]["photo_id"]
    by_account = AI_READINGS_OFFLINE[1]
    backend.tries[counter_key(by_account, "sal", clock[0])] = by_account.allowed
    read: list[bytes] = []

    def reader(data: bytes, *_: Any) -> Any:
        read.append(data)
        raise InventoryPhotoError("too dark to read")

    monkeypatch.setattr("functions.proposals.read_inventory_photo", reader)
    status, body, headers = _raw(main.propose_from_photo, {"photo_id": photo_id, "item": "flour"}, owner)
    _limited(status, body, headers, by_account)
    assert body["error"]["field"] == "photo_id" and read == []  # the model was never asked
    assert backend.planning_bakery(owner["tenant_id"]).proposals == {}
    clock[0] += 3600
    assert _raw(main.propose_from_photo, {"photo_id": photo_id, "item": "flour"}, owner)[0] == 400 and len(read) == 1


def test_invitations_and_api_keys_per_bakery_per_day(backend: MemoryBackend, clock: list[float]) -> None:
    owner = _bakery("Open Bakes", "ivy")
    tenant = owner["tenant_id"]
    codes = [call(main.invite_member, {"role": "viewer"}, claims=owner) for _ in range(INVITATIONS_BY_BAKERY.allowed)]
    assert {status for status, _ in codes} == {200}
    invitations = dict(backend.invitations)
    status, body, headers = _raw(main.invite_member, {"role": "baker"}, owner)
    assert "today's 50 invitations for this bakery" in _limited(status, body, headers, INVITATIONS_BY_BAKERY)
    assert backend.invitations == invitations
    for _ in range(API_KEYS_BY_BAKERY.allowed):
        assert call(main.create_api_key, {"name": "agent"}, claims=owner)[0] == 200
    status, body, headers = _raw(main.create_api_key, {"name": "one too many"}, owner)
    assert "today's 20 new API keys for this bakery" in _limited(status, body, headers, API_KEYS_BY_BAKERY)
    assert len(backend.api_keys(tenant)) == API_KEYS_BY_BAKERY.allowed
    other = _bakery("Closed Bakes", "cy")
    assert call(main.invite_member, {"role": "viewer"}, claims=other)[0] == 200
    clock[0] += DAY
    assert call(main.invite_member, {"role": "viewer"}, claims=owner)[0] == 200


def test_every_write_counts_towards_the_accounts_hourly_saves_and_reads_do_not(
        backend: MemoryBackend, clock: list[float]) -> None:
    owner = _bakery("Busy Bakes", "bea")
    baker = _member(owner, "bram")
    key = counter_key(WRITES_BY_ACCOUNT, "bram", clock[0])
    settings = {"recipes": [{"slug": "rolls", "name": "Rolls"}]}
    assert call(main.save_recipes, settings, claims=baker)[0] == 200 and backend.tries[key] == 1
    assert call(main.plan_event, {"event": "nothing"}, claims=baker)[0] == 404 and backend.tries[key] == 1
    assert call(main.get_bakery, None, claims=baker, method="GET")[0] == 200 and backend.tries[key] == 1
    assert call(main.save_recipes, raw=b"{not json", claims=baker)[0] == 400 and backend.tries[key] == 1
    backend.tries[key] = WRITES_BY_ACCOUNT.allowed  # a runaway client has had its hour
    recipes = copy.deepcopy(backend.stores[owner["tenant_id"]].bakery.recipes)
    status, body, headers = _raw(main.save_recipes, {"recipes": [{"slug": "buns", "name": "Buns"}]}, baker)
    assert "this hour's 600 saves from your account" in _limited(status, body, headers, WRITES_BY_ACCOUNT)
    assert backend.stores[owner["tenant_id"]].bakery.recipes == recipes
    assert call(main.plan_event, {"event": "nothing"}, claims=baker)[0] == 404  # reading goes on
    assert call(main.save_recipes, {"recipes": [{"slug": "buns", "name": "Buns"}]}, claims=owner)[0] == 200


def test_get_quotas_shows_the_owner_what_was_used(backend: MemoryBackend, photos: MemoryPhotoStore,
                                                  clock: list[float]) -> None:
    owner = _bakery("Counted Bakes", "cora")
    baker = _member(owner, "cal")  # one invitation
    for who in (owner, owner, baker):
        assert _raw(main.propose_from_text, SENTENCE, who)[0] == 200
    photo = _photo(5)
    assert _upload(baker, photo, kind="receipt")[0] == 200
    status, answer = call(main.get_quotas, {}, claims=owner)
    assert status == 200
    rows = {(q["what"], q["per"], q["window"]): q for q in answer["quotas"]}
    assert set(answer["quotas"][0]) == {"what", "label", "per", "allowed", "used", "window", "resets_at", "unit"}
    assert rows[("ai_readings", "bakery", "day")]["used"] == 4  # three sentences and a receipt
    assert rows[("ai_readings", "bakery", "day")]["allowed"] == AI_READINGS_OFFLINE[0].allowed
    assert rows[("ai_readings", "bakery", "day")]["resets_at"] == "2026-12-02T00:00:00Z"
    assert rows[("ai_readings", "account", "hour")]["used"] == 2  # the owner's own
    assert rows[("ai_readings", "account", "hour")]["resets_at"] == "2026-12-01T13:00:00Z"
    assert rows[("photo_uploads", "bakery", "day")]["used"] == 1
    sizes = rows[("photo_bytes", "bakery", "day")]
    assert (sizes["used"], sizes["allowed"], sizes["unit"]) == (-(-len(photo) // MIB), 1024, "MiB")  # rounded up
    assert rows[("photo_uploads", "account", "hour")]["used"] == 0  # the baker uploaded, not the owner
    assert rows[("invitations", "bakery", "day")]["used"] == 1
    assert rows[("writes", "account", "hour")]["used"] == 4  # create_tenant, invite_member, two sentences
    assert rows[("ai_readings", "bakery", "day")]["label"] == "AI readings for this bakery"
    assert call(main.get_quotas, {}, claims=baker)[0] == 403  # owners only
    assert call(main.get_quotas, None, claims=owner, method="GET")[1] == answer  # reading them spends nothing


def test_the_operations_the_write_rate_leaves_alone_exist_and_really_only_read() -> None:
    from functions.gateway import OPERATIONS
    from tests.functions.test_access_matrix import READ_ONLY

    served = set(OPERATIONS)
    assert served.issuperset(function_limits.READ_OPERATIONS) and served.issuperset(function_limits.OWN_LIMITS)
    assert function_limits.READ_OPERATIONS.issuperset(READ_ONLY)  # every operation the access matrix lets a viewer call


def test_limits_are_switched_off_only_on_the_emulators(backend: MemoryBackend, clock: list[float],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    owner = _bakery("Bench Bakes", "ben")
    backend.tries[counter_key(INVITATIONS_BY_BAKERY, owner["tenant_id"], clock[0])] = INVITATIONS_BY_BAKERY.allowed
    monkeypatch.setenv("BAKETRACKER_LIMITS", "off")
    monkeypatch.delenv("FIRESTORE_EMULATOR_HOST", raising=False)
    assert call(main.invite_member, {"role": "viewer"}, claims=owner)[0] == 429  # production: the switch is ignored
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
    assert call(main.invite_member, {"role": "viewer"}, claims=owner)[0] == 200  # a local benchmark's stack
