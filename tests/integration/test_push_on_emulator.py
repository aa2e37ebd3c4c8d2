"""Push tokens on the Firestore emulator: stored per member under tenants/{t}/push_tokens, found across
bakeries for the daily reminders (a collection-group query), removed when FCM says they are gone — with the
messages sent through firebase-admin to the local FCM stand-in (tests/functions/fcm_standin.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from core.desktop_format.desktop_import import import_desktop
from core.notifications import PushToken
from core.repository import COLLECTION_NAMES
from functions import push
from functions.shared.firestore_backend import FirestoreBackend
from tests.conftest import load_fixture
from tests.functions.fcm_standin import FcmStandIn, fcm_standin

pytestmark = pytest.mark.emulator


@pytest.fixture
def fcm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FcmStandIn]:
    with fcm_standin() as standin:
        monkeypatch.setenv("BAKETRACKER_FCM_URL", standin.url)
        push.use_sender(None)
        yield standin
    push.use_sender(None)


def _bakery(backend: FirestoreBackend, tenant: str) -> None:
    uow = backend.unit_of_work(tenant)
    bakery = import_desktop(load_fixture("desktop-plans/winter_events.json")).bakery
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    uow.commit()


def test_tokens_per_member_and_the_daily_reminders(firestore: Any, fcm: FcmStandIn) -> None:
    backend = FirestoreBackend(firestore)
    _bakery(backend, "north")
    now = dt.datetime.now(dt.UTC)
    backend.save_push_token("north", PushToken("ann", "ann-phone:APA91b" + "a" * 30, "en", now))
    backend.save_push_token("north", PushToken("ben", "ben-phone:APA91b" + "b" * 30, "de", now))
    backend.save_push_token("north", PushToken("ben", "ben-old-tablet:APA91b" + "c" * 30, "de", now))
    backend.save_push_token("south", PushToken("sue", "sue-phone:APA91b" + "d" * 30, "en", now))
    assert backend.push_tenants() == ["north", "south"]
    assert sorted(t.token[:8] for t in backend.push_tokens("north", "ben")) == ["ben-old-", "ben-phon"]
    assert backend.delete_push_tokens("north", "ann", "ben-phone:APA91b" + "b" * 30) == 0  # not ann's

    fcm.unregistered.add("ben-old-tablet:APA91b" + "c" * 30)
    party = backend.planning_bakery("north").events["office-party-2026"]
    assert party.event_date is not None
    answer = push.send_event_reminders(backend, party.event_date - dt.timedelta(days=3))
    reminded = [r for r in answer["reminders"] if r["event"] == "office-party-2026"]
    assert len(reminded) == 1 and reminded[0]["tenant_id"] == "north" and reminded[0]["devices"] == 2
    (to_ann,) = fcm.messages_to("ann-phone:APA91b" + "a" * 30)
    assert to_ann["notification"]["body"].startswith("Office Party 2026 in 3 days: still short of ")
    (to_ben,) = fcm.messages_to("ben-phone:APA91b" + "b" * 30)
    assert to_ben["notification"]["body"].startswith("Office Party 2026 in 3 Tagen: es fehlt noch ")
    assert not fcm.messages_to("sue-phone:APA91b" + "d" * 30)  # south has no events
    # the tablet FCM no longer knows is gone from Firestore
    assert sorted(t.token[:8] for t in backend.push_tokens("north")) == ["ann-phon", "ben-phon"]
    assert backend.delete_push_tokens("north", "ben") == 1
    assert backend.delete_push_tokens("north", "ann") == 1
    assert backend.push_tenants() == ["south"]
