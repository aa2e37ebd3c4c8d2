"""The isolation matrix through the security rules: every collection × read/list/write × who is asking.

Requests go to the emulator's REST API with unsigned (alg: none) ID tokens carrying forged
claims, which the emulator honours; data is seeded with `Bearer owner`, which bypasses rules.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from devstack.firestore import FirestoreEmulator

pytestmark = pytest.mark.emulator

PROJECT = "demo-rules-matrix"
OWNER_ONLY = ("members", "invitations", "metrics", "metrics_days", "api_keys")
# members' web push tokens, activity records (one per call): nobody reads them, not even the owner
SERVER_ONLY = ("push_tokens", "activity")
COLLECTIONS = (
    "suppliers", "ingredients", "products", "materials", "material_products", "recipes", "finished_units",
    "finished_goods", "recipients", "events", "purchases", "lots", "material_lots", "depletions",
    "inventory_adjustments", "production_runs", "assembly_runs", "proposals", "receipts", "plans", "equipment",
    "meta",  # meta/version: the write counters the app's live listener watches
    *OWNER_ONLY, *SERVER_ONLY,
)
# who: (uid, claims or None for no token)
PRINCIPALS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "owner of A": ("ann", {"tenant_id": "A", "role": "owner"}),
    "baker of A": ("ben", {"tenant_id": "A", "role": "baker"}),
    "viewer of A": ("val", {"tenant_id": "A", "role": "viewer"}),
    "owner of B": ("bea", {"tenant_id": "B", "role": "owner"}),
    "forged claims for A": ("eve", {"tenant_id": "A", "role": "owner"}),
    "removed from A": ("rex", {"tenant_id": "A", "role": "baker"}),
    "role changed in A": ("rob", {"tenant_id": "A", "role": "owner"}),
    "signed in, no claims": ("nia", {}),
    "no token": ("", None),
}
MEMBERS = {"A": {"ann": ("owner", True), "ben": ("baker", True), "val": ("viewer", True), "rex": ("baker", False),
                 "rob": ("viewer", True)},
           "B": {"bea": ("owner", True)}}
OPS = ("get", "list", "write")
RESULTS: dict[tuple[str, str, str], str] = {}


def _token(uid: str, claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    now = int(time.time())
    payload = {"sub": uid, "user_id": uid, "iat": now, "exp": now + 3600, "aud": PROJECT,
               "iss": f"https://securetoken.google.com/{PROJECT}", "firebase": {"sign_in_provider": "password"},
               **claims}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def _request(host: str, method: str, path: str, token: str | None, body: Any = None) -> int:
    url = f"http://{host}/v1/projects/{PROJECT}/databases/(default)/documents/{path}"
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers),
                                    timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    def value(v: Any) -> dict[str, Any]:
        return {"booleanValue": v} if isinstance(v, bool) else {"stringValue": str(v)}

    return {"fields": {k: value(v) for k, v in values.items()}}


@pytest.fixture(scope="module")
def rules_host(firestore_emulator: FirestoreEmulator) -> str:
    host = firestore_emulator.host
    url = f"http://{host}/emulator/v1/projects/{PROJECT}/databases/(default)/documents"
    urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()
    for tenant in ("A", "B"):
        assert _request(host, "PATCH", f"tenants/{tenant}", "owner", _fields({"tenant_id": tenant})) == 200
        for collection in COLLECTIONS:
            if collection != "members":
                path = f"tenants/{tenant}/{collection}/doc1"
                assert _request(host, "PATCH", path, "owner", _fields({"tenant_id": tenant, "x": "1"})) == 200
        for uid, (role, active) in MEMBERS[tenant].items():
            body = _fields({"tenant_id": tenant, "role": role, "active": active})
            assert _request(host, "PATCH", f"tenants/{tenant}/members/{uid}", "owner", body) == 200
    return host


def _allowed(who: str, collection: str, op: str) -> bool:
    if op == "write" or who not in ("owner of A", "baker of A", "viewer of A") or collection in SERVER_ONLY:
        return False
    return who == "owner of A" or collection not in OWNER_ONLY


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("who", list(PRINCIPALS))
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_tenant_a_data_through_the_rules(rules_host: str, collection: str, who: str, op: str) -> None:
    uid, claims = PRINCIPALS[who]
    token = _token(uid, claims) if claims is not None else None
    doc = "members/ann" if collection == "members" else f"{collection}/doc1"
    if op == "get":
        status = _request(rules_host, "GET", f"tenants/A/{doc}", token)
    elif op == "list":
        status = _request(rules_host, "GET", f"tenants/A/{collection}", token)
    else:
        status = _request(rules_host, "PATCH", f"tenants/A/{collection}/new", token, _fields({"tenant_id": "A"}))
    allowed = status == 200
    RESULTS[(collection, who, op)] = "allow" if allowed else "deny"
    assert allowed == _allowed(who, collection, op), f"{who} {op} {collection}: HTTP {status}"
    if not allowed:
        assert status in (401, 403), status


@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_the_tenant_document_itself(rules_host: str, who: str) -> None:
    uid, claims = PRINCIPALS[who]
    token = _token(uid, claims) if claims is not None else None
    status = _request(rules_host, "GET", "tenants/A", token)
    assert (status == 200) == (who in ("owner of A", "baker of A", "viewer of A"))


def test_server_only_paths_are_closed_to_everyone(rules_host: str) -> None:
    assert _request(rules_host, "GET", "invitation_codes/x", _token("ann", {"tenant_id": "A", "role": "owner"})) in (
        403, 401)


def test_activity_and_platform_metrics_are_server_only_even_for_the_platform_admin(rules_host: str) -> None:
    """The admin's aggregate comes through get_metrics only; a bakery's metrics_days are its owner's alone."""
    admin = _token("ada", {"admin": True})
    owner_and_admin = _token("ann", {"tenant_id": "A", "role": "owner", "admin": True})
    for path in ("metrics_days", "metrics_days/2026-12-01", "activity", "activity/x1", "tenants/A/activity",
                 "metrics_days/2026-12-01/metrics_shards", "metrics_days/2026-12-01/metrics_shards/00",
                 "activity_days/2026-12-01/bakeries", "activity_days/2026-12-01/bakeries/A"):
        for token in (admin, owner_and_admin):
            assert _request(rules_host, "GET", path, token) in (401, 403), path
    assert _request(rules_host, "GET", "tenants/A/metrics_days/doc1", owner_and_admin) == 200
    assert _request(rules_host, "GET", "tenants/B/metrics_days/doc1", owner_and_admin) in (401, 403)
    assert _request(rules_host, "GET", "tenants/B/metrics_days/doc1", admin) in (401, 403)
