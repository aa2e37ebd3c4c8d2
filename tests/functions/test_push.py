"""Web push: tokens per member (register, unregister, removal), and what is sent — through firebase-admin's own
messaging client to a local stand-in for FCM's send endpoint (tests/functions/fcm_standin.py), never to Google.

The same operations on the Firestore emulator: tests/integration/test_push_on_emulator.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from adapters.push_sender import FIXED_TOKEN, FcmSender, NoPush, sender_from_environment
from core.notifications import event_reminder, receipt_read, still_short
from functions import main, push
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call
from tests.functions.fcm_standin import FcmStandIn, fcm_standin
from tests.functions.test_receipt_pipeline import (  # noqa: F401 (fixtures)
    RecordingQueue,
    _event,
    _photo,
    _run_task,
    _upload,
    owner,
    stack,
)
from tests.support.fake_gemini import FakeGemini, FakeResponse

TOKEN_A = "fcm-token-ann-phone:APA91b" + "a" * 40
TOKEN_A2 = "fcm-token-ann-laptop:APA91b" + "b" * 40
TOKEN_V = "fcm-token-vic-phone:APA91b" + "c" * 40
TOKEN_R = "fcm-token-rob-phone:APA91b" + "d" * 40


@pytest.fixture
def fcm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FcmStandIn]:
    with fcm_standin() as standin:
        monkeypatch.setenv("BAKETRACKER_FCM_URL", standin.url)
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "demo-push")
        push.use_sender(None)  # read from the environment: firebase-admin, pointed at the stand-in
        yield standin
    push.use_sender(None)


@pytest.fixture
def bakery(backend: MemoryBackend) -> dict[str, dict[str, Any]]:
    """ann (owner) with the winter bakery; vic a viewer; rob a baker."""
    tenant = call(main.create_tenant, {"name": "Push"}, claims={"uid": "ann"})[1]["tenant_id"]
    ann = {"uid": "ann", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=ann)[0] == 200
    people = {"ann": ann}
    for uid, role in (("vic", "viewer"), ("rob", "baker")):
        code = call(main.invite_member, {"role": role}, claims=ann)[1]["code"]
        assert call(main.join_tenant, {"code": code}, claims={"uid": uid})[0] == 200
        people[uid] = {"uid": uid, "tenant_id": tenant, "role": role}
    return people


def test_a_member_registers_and_unregisters_devices(bakery: dict[str, dict[str, Any]], backend: MemoryBackend) -> None:
    ann, vic = bakery["ann"], bakery["vic"]
    tenant = ann["tenant_id"]
    assert call(main.register_push_token, {"token": TOKEN_A, "locale": "de"}, claims=ann)[1]["registered"] is True
    assert call(main.register_push_token, {"token": TOKEN_A, "locale": "de"}, claims=ann)[0] == 200  # same device: one
    assert call(main.register_push_token, {"token": TOKEN_A2}, claims=ann)[0] == 200
    assert call(main.register_push_token, {"token": TOKEN_V}, claims=vic)[0] == 200  # viewers may opt in too
    assert {(t.uid, t.token, t.locale) for t in backend.push_tokens(tenant)} == {
        ("ann", TOKEN_A, "de"), ("ann", TOKEN_A2, "en"), ("vic", TOKEN_V, "en")}
    assert len(backend.push_tokens(tenant, "ann")) == 2
    # someone else's token is not theirs to remove
    assert call(main.unregister_push_token, {"token": TOKEN_A}, claims=vic)[1] == {"removed": False}
    assert call(main.unregister_push_token, {"token": TOKEN_A}, claims=ann)[1] == {"removed": True}
    assert call(main.unregister_push_token, {"token": TOKEN_A}, claims=ann)[1] == {"removed": False}
    assert {t.token for t in backend.push_tokens(tenant)} == {TOKEN_A2, TOKEN_V}


@pytest.mark.parametrize("body, field", [
    ({}, "token"), ({"token": "short"}, "token"), ({"token": "has spaces in it, no good"}, "token"),
    ({"token": TOKEN_A, "locale": "fr"}, "locale"), ({"token": TOKEN_A, "extra": 1}, "extra"),
])
def test_bad_tokens_are_refused_naming_the_field(bakery: dict[str, dict[str, Any]], body: dict[str, Any],
                                                 field: str) -> None:
    status, answer = call(main.register_push_token, body, claims=bakery["ann"])
    assert status == 400 and answer["error"]["field"] == field, answer


def test_removing_a_member_removes_their_tokens(bakery: dict[str, dict[str, Any]], backend: MemoryBackend) -> None:
    ann, rob = bakery["ann"], bakery["rob"]
    call(main.register_push_token, {"token": TOKEN_R}, claims=rob)
    call(main.register_push_token, {"token": TOKEN_A}, claims=ann)
    assert call(main.remove_tenant_member, {"uid": "rob"}, claims=ann)[0] == 200
    assert [t.token for t in backend.push_tokens(ann["tenant_id"])] == [TOKEN_A]
    assert call(main.register_push_token, {"token": TOKEN_R}, claims=rob)[0] == 403  # and cannot come back


def test_a_read_receipt_is_pushed_to_its_uploader_through_firebase_admin(
        stack: tuple[RecordingQueue, FakeGemini], owner: dict[str, Any], backend: MemoryBackend,  # noqa: F811
        fcm: FcmStandIn) -> None:
    queue, fake = stack
    tenant = owner["tenant_id"]
    call(main.register_push_token, {"token": TOKEN_A, "locale": "en"}, claims=owner)
    call(main.register_push_token, {"token": TOKEN_A2, "locale": "de"}, claims=owner)
    fake.enqueue(FakeResponse.from_recording("receipt_five_lines"))
    uploaded = _upload(owner, _photo())
    from functions.receipts import receipt_uploaded

    receipt_uploaded(_event(uploaded, tenant))
    (_, payload), = queue.tasks.values()
    status, answer = _run_task(payload)
    assert status == 200 and answer["status"] == "proposed"
    count = len(call(main.receipt_status, {"photo_id": uploaded["photo_id"]}, claims=owner)[1]["proposal"]
                ["operations"])
    assert count >= 1
    assert all(r["project"] == "demo-push" and r["authorization"] == f"Bearer {FIXED_TOKEN}" for r in fcm.received)
    (english,) = fcm.messages_to(TOKEN_A)
    items = "1 item to review" if count == 1 else f"{count} items to review"
    assert english["notification"] == {"title": f"Receipt read — {items}", "body": items}
    assert english["data"]["link"] == f"/proposals/{answer['proposal_id']}"
    assert english["webpush"]["notification"]["tag"] == f"receipt-{answer['proposal_id']}"
    (german,) = fcm.messages_to(TOKEN_A2)
    assert german["notification"]["title"].startswith("Kassenbon gelesen — ") and "Posten zu prüfen" in \
        german["notification"]["body"]
    print(f"\npushed: {english['notification']['title']!r} to {TOKEN_A[:20]}…; "
          f"{german['notification']['title']!r} to {TOKEN_A2[:20]}…")
    # a retried task proposes nothing new and pushes nothing again
    assert _run_task(payload)[1] == {"status": "proposed", "repeated": True}
    assert len(fcm.received) == 2


def _reminders(date: str | None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"X-CloudScheduler": "true"} if headers is None else headers
    request = Request(EnvironBuilder(method="POST", headers=headers,
                                     query_string={"date": date} if date else None).get_environ())
    text, status, _ = main.event_reminders(request)
    return status, json.loads(text)


def test_event_reminders_three_days_ahead_and_gone_tokens_are_removed(
        bakery: dict[str, dict[str, Any]], backend: MemoryBackend, fcm: FcmStandIn) -> None:
    ann, vic, rob = bakery["ann"], bakery["vic"], bakery["rob"]
    tenant = ann["tenant_id"]
    call(main.register_push_token, {"token": TOKEN_A, "locale": "en"}, claims=ann)
    call(main.register_push_token, {"token": TOKEN_V, "locale": "de"}, claims=vic)
    call(main.register_push_token, {"token": TOKEN_R}, claims=rob)
    fcm.unregistered.add(TOKEN_R)  # rob's phone uninstalled the app: FCM answers 404 UNREGISTERED
    bakery_data = backend.planning_bakery(tenant)
    event = bakery_data.events["office-party-2026"] if "office-party-2026" in bakery_data.events else next(
        e for e in bakery_data.events.values() if e.name == "Office Party 2026")
    assert event.event_date is not None
    short = still_short(bakery_data, event)
    assert short, "the winter bakery is short of something for its office party"

    assert _reminders(None, headers={})[0] == 403  # only Cloud Scheduler
    assert _reminders("2026-13-01")[0] == 400
    status, answer = _reminders((event.event_date - dt.timedelta(days=3)).isoformat())
    assert status == 200, answer
    mine = [r for r in answer["reminders"] if r["event"] == event.slug]
    assert mine == [{"tenant_id": tenant, "event": event.slug, "short": short, "devices": 2}]
    expected = event_reminder(event.name, event.slug, short, locale="en")
    (to_ann,) = fcm.messages_to(TOKEN_A)
    assert to_ann["notification"] == {"title": expected.title, "body": expected.body}
    assert to_ann["notification"]["body"].startswith(f"{event.name} in 3 days: still short of {short[0]}")
    assert to_ann["data"]["link"] == f"/events/{event.slug}/shopping"
    (to_vic,) = fcm.messages_to(TOKEN_V)
    assert to_vic["notification"]["body"].startswith(f"{event.name} in 3 Tagen: es fehlt noch {short[0]}")
    assert len(fcm.messages_to(TOKEN_R)) == 1  # tried once …
    assert {t.token for t in backend.push_tokens(tenant)} == {TOKEN_A, TOKEN_V}  # … and removed
    print(f"\npushed: {to_ann['notification']['body']!r}")

    # two days ahead: nothing is due
    before = len(fcm.received)
    later = _reminders((event.event_date - dt.timedelta(days=2)).isoformat())[1]["reminders"]
    assert all(r["event"] != event.slug for r in later)
    assert all(m["message"]["data"]["link"] != f"/events/{event.slug}/shopping" for m in fcm.received[before:])


def test_the_texts() -> None:
    assert receipt_read(6, "p1").title == "Receipt read — 6 items to review"
    assert receipt_read(1, "p1", "de-AT").body == "1 Posten zu prüfen"
    long = event_reminder("Spring Fair", "spring-fair", ["butter", "eggs", "flour", "sugar", "salt", "yeast"])
    assert long.body == "Spring Fair in 3 days: still short of butter, eggs, flour, sugar and 2 more"
    assert event_reminder("Spring Fair", "spring-fair", ["Butter"], days=1, locale="de").body == \
        "Spring Fair morgen: es fehlt noch Butter"


def test_which_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAKETRACKER_FCM_URL", raising=False)
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
    assert isinstance(sender_from_environment(), NoPush)  # the local stack: a logged no-op
    monkeypatch.setenv("BAKETRACKER_FCM_URL", "http://127.0.0.1:9")
    assert isinstance(sender_from_environment(), FcmSender)


def test_fcm_answers_sort_tokens_into_sent_gone_and_kept(fcm: FcmStandIn) -> None:
    """Through firebase-admin's error mapping: 404 UNREGISTERED and 400 about the token mean gone; a 5xx is kept."""
    from adapters.push_sender import PushMessage

    fcm.unregistered.add(TOKEN_R)
    fcm.invalid.add(TOKEN_V)
    fcm.failing.add(TOKEN_A2)
    notice = receipt_read(2, "p1")
    result = push.sender().send([PushMessage(t, notice) for t in (TOKEN_A, TOKEN_R, TOKEN_V, TOKEN_A2)])
    assert (result.sent, sorted(result.gone), result.failed) == ([TOKEN_A], sorted([TOKEN_R, TOKEN_V]), [TOKEN_A2])
