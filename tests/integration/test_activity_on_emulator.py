"""Activity on the emulators: a real call leaves its record in Firestore, aggregation writes the day documents
(the same when run again), get_metrics reads them; the admin claim given by scripts/grant_admin.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from functions.gateway import app
from functions.shared import activity
from functions.shared.auth import TokenVerifier, firebase_app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from tests.conftest import load_fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import grant_admin

pytestmark = pytest.mark.emulator
PASSWORD = "secret-pass-1"


@pytest.fixture
def web(auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator) -> Iterator[Client]:
    activity.RECORDER.flush()  # an earlier test's records are written before the wipe, not after it
    firestore_emulator.wipe()
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(FirestoreBackend(firestore_emulator.client()), TokenVerifier())
    yield Client(app)
    RUNTIME._backend, RUNTIME.verifier = previous


def _sign_in(auth_emulator: AuthEmulator, email: str) -> str:
    from firebase_admin import auth

    with contextlib.suppress(auth.EmailAlreadyExistsError):
        auth.create_user(email=email, password=PASSWORD, app=firebase_app())
    return auth_emulator.sign_in(email, PASSWORD)


def _post(web: Client, op: str, token: str, body: Any = None) -> tuple[int, Any]:
    response = web.post(f"/api/{op}", json=body if body is not None else {},
                        headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json()


def _day_documents(client: Any, tenant: str, day: str) -> tuple[dict[str, Any], dict[str, Any]]:
    bakery = client.collection("tenants").document(tenant).collection("metrics_days").document(day).get().to_dict()
    platform = client.collection("metrics_days").document(day).get().to_dict()
    return bakery, platform


def test_a_call_leaves_a_record_and_aggregation_makes_the_day_documents(
        auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator, web: Client) -> None:
    email = "mia@example.com"
    token = _sign_in(auth_emulator, email)
    status, created = _post(web, "create_tenant", token, {"name": "Mia's Bakery"})
    assert status == 200
    tenant = created["tenant_id"]
    token = auth_emulator.sign_in(email, PASSWORD)
    assert _post(web, "import_desktop", token, {"data": load_fixture("desktop-plans/winter_events.json")})[0] == 200
    assert _post(web, "plan_event", token, {"event": "Office Party 2026"})[0] == 200
    assert _post(web, "plan_event", token, {"event": "no such event"})[0] == 404
    activity.RECORDER.flush()

    client = firestore_emulator.client()
    day = dt.datetime.now(dt.UTC).date().isoformat()
    rows = [r.to_dict() for r in client.collection("tenants").document(tenant).collection("activity").stream()]
    assert sorted(r["operation"] for r in rows) == ["create_tenant", "import_desktop", "plan_event", "plan_event"]
    assert {r["day"] for r in rows} == {day} and all(r["tenant_id"] == tenant for r in rows)
    assert sorted(r["status"] for r in rows if r["operation"] == "plan_event") == [200, 404]
    assert email not in repr(rows) and "Office Party" not in repr(rows)

    response = web.post(f"/tasks/aggregate_activity?date={day}", headers={"X-CloudScheduler": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)
    bakery, platform = _day_documents(client, tenant, day)
    assert bakery["tenant_id"] == tenant and bakery["operations"]["plan_event"]["calls"] == 2
    assert len(bakery["users"]) == 1 and len(bakery["signups"]) == 1
    assert tenant not in repr(platform) and platform["operations"]["plan_event"]["calls"] == 2
    assert web.post(f"/tasks/aggregate_activity?date={day}", headers={"X-CloudScheduler": "true"}).status_code == 200
    assert _day_documents(client, tenant, day)[0] == bakery  # folded afresh: nothing counted twice

    status, mine = _post(web, "get_metrics", token, {"weeks": 1})
    assert status == 200 and mine["daily"][-1]["calls"] == 4 and mine["daily"][-1]["errors"] == 0
    assert {r["operation"]: r["calls"] for r in mine["operations"]}["plan_event"] == 2
    assert _post(web, "get_metrics", token, {"scope": "platform"})[0] == 403


def test_grant_admin_gives_and_takes_the_claim_keeping_the_others(
        auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator, web: Client,
        capsys: pytest.CaptureFixture[str]) -> None:
    email = "ada@example.com"
    token = _sign_in(auth_emulator, email)
    assert _post(web, "create_tenant", token, {"name": "Ada's"})[0] == 200
    assert grant_admin.main([email]) == 0
    token = auth_emulator.sign_in(email, PASSWORD)
    status, platform = _post(web, "get_metrics", token, {"scope": "platform", "weeks": 1})
    assert status == 200 and platform["scope"] == "platform"
    assert _post(web, "get_metrics", token, {})[0] == 200  # still the owner of their bakery
    assert grant_admin.main(["--revoke", email]) == 0
    capsys.readouterr()
    assert grant_admin.main(["--show", email]) == 0
    shown = capsys.readouterr().out
    assert '"role": "owner"' in shown and "admin" not in shown
    token = auth_emulator.sign_in(email, PASSWORD)
    assert _post(web, "get_metrics", token, {"scope": "platform"})[0] == 403
    assert grant_admin.main(["nobody@example.com"]) == 2


def test_the_platform_admin_keeps_the_claim_through_joining_leaving_and_creating_bakeries(
        auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator, web: Client) -> None:
    from firebase_admin import auth

    admin_email, owner_email = "root@example.com", "olga@example.com"
    _sign_in(auth_emulator, admin_email)
    assert grant_admin.main([admin_email]) == 0
    uid = auth.get_user_by_email(admin_email, app=firebase_app()).uid
    token = auth_emulator.sign_in(admin_email, PASSWORD)

    owner = _sign_in(auth_emulator, owner_email)
    status, other = _post(web, "create_tenant", owner, {"name": "Olga's"})
    assert status == 200
    owner = auth_emulator.sign_in(owner_email, PASSWORD)
    code = _post(web, "invite_member", owner, {"role": "baker"})[1]["code"]
    assert _post(web, "join_tenant", token, {"code": code})[0] == 200
    assert auth.get_user(uid, app=firebase_app()).custom_claims == {
        "tenant_id": other["tenant_id"], "role": "baker", "admin": True}
    assert _post(web, "change_member_role", owner, {"uid": uid, "role": "viewer"})[0] == 200
    assert auth.get_user(uid, app=firebase_app()).custom_claims == {
        "tenant_id": other["tenant_id"], "role": "viewer", "admin": True}
    assert _post(web, "remove_tenant_member", owner, {"uid": uid})[0] == 200
    assert auth.get_user(uid, app=firebase_app()).custom_claims == {"admin": True}
    owner_uid = auth.get_user_by_email(owner_email, app=firebase_app()).uid
    assert auth.get_user(owner_uid, app=firebase_app()).custom_claims == {  # an ordinary account gets no admin
        "tenant_id": other["tenant_id"], "role": "owner"}

    token = auth_emulator.sign_in(admin_email, PASSWORD)
    status, created = _post(web, "create_tenant", token, {"name": "Root's"})
    assert status == 200
    assert auth.get_user(uid, app=firebase_app()).custom_claims == {
        "tenant_id": created["tenant_id"], "role": "owner", "admin": True}
    token = auth_emulator.sign_in(admin_email, PASSWORD)
    assert _post(web, "get_metrics", token, {"scope": "platform", "weeks": 1})[0] == 200
    assert _post(web, "get_metrics", token, {"weeks": 1})[0] == 200  # and the owner of the new bakery


def test_the_platform_day_is_stored_in_shards_and_read_back_by_get_metrics(
        auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator, web: Client) -> None:
    tokens = {}
    for email in ("ida@example.com", "jon@example.com"):
        token = _sign_in(auth_emulator, email)
        assert _post(web, "create_tenant", token, {"name": email.split("@")[0]})[0] == 200
        tokens[email] = auth_emulator.sign_in(email, PASSWORD)
        assert _post(web, "get_bakery", tokens[email])[0] == 200
    activity.RECORDER.flush()
    client = firestore_emulator.client()
    day = dt.datetime.now(dt.UTC).date().isoformat()
    marked = [d.id for d in client.collection("activity_days").document(day).collection("bakeries").stream()]
    assert len(marked) == 2
    assert web.post(f"/tasks/aggregate_activity?date={day}", headers={"X-CloudScheduler": "true"}).status_code == 200
    main_document = client.collection("metrics_days").document(day).get().to_dict()
    assert "users" not in main_document and main_document["active_users"] == 2
    shards = {s.id: s.to_dict() for s in client.collection("metrics_days").document(day)
              .collection("metrics_shards").stream()}
    assert sorted(shards) == main_document["shards"]
    assert sum(len(s["users"]) for s in shards.values()) == 2 and sum(len(s["bakeries"]) for s in shards.values()) == 2
    assert not any(t in repr(shards) for t in marked)  # bakeries as hashes only
    assert grant_admin.main(["ida@example.com"]) == 0
    token = auth_emulator.sign_in("ida@example.com", PASSWORD)
    status, platform = _post(web, "get_metrics", token, {"scope": "platform", "weeks": 1})
    assert status == 200 and platform["bakeries"] == 2 and platform["daily"][-1]["active_users"] == 2
    assert platform["retention"][0]["size"] == 2 and platform["weekly"][-1]["active_users"] == 2
