"""Each operation end to end over the in-memory backend: happy path and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call


def _owner(backend: MemoryBackend, uid: str = "alice", name: str = "Alice's Bakes") -> dict[str, Any]:
    status, body = call(main.create_tenant, {"name": name}, claims={"uid": uid, "email": f"{uid}@example.com"})
    assert status == 200, body
    return {"uid": uid, "email": f"{uid}@example.com", "tenant_id": body["tenant_id"], "role": "owner"}


def _with_winter_data(backend: MemoryBackend) -> dict[str, Any]:
    owner = _owner(backend)
    status, body = call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")},
                        claims=owner)
    assert status == 200, body
    return owner


def test_creating_a_bakery_makes_the_caller_its_owner(backend: MemoryBackend) -> None:
    owner = _owner(backend)
    assert backend.claims["alice"] == {"tenant_id": owner["tenant_id"], "role": "owner"}


def test_planning_an_imported_event_matches_the_core(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    status, plan = call(main.plan_event, {"event": "Winter Market 2026"}, claims=owner)
    assert status == 200
    assert {r["recipe_slug"]: r["batches"] for r in plan["recipes"]}["gingerbread-chai-cookies"] == 4


def test_the_shopping_list_groups_by_supplier(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    status, body = call(main.shopping_list, {"event": "winter-market-2026"}, claims=owner)
    assert status == 200 and body["suppliers"] and body["text"].startswith("Shopping list")


def test_export_gives_back_what_was_imported(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    status, data = call(main.export_desktop, claims=owner, method="GET")
    assert status == 200 and len(data["recipes"]) == 21


def test_a_dry_run_import_changes_nothing(backend: MemoryBackend) -> None:
    owner = _owner(backend)
    status, body = call(main.import_desktop, {"data": load_fixture("desktop/sample_data_all.json"), "dry_run": True},
                        claims=owner)
    assert status == 200 and body["changed"]["ingredients"] == 413
    assert backend.stores[owner["tenant_id"]].bakery.ingredients == {}


def test_a_bad_file_is_a_400_listing_problems_and_changes_nothing(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    data = load_fixture("desktop-plans/winter_events.json")
    data["recipes"][0]["ingredients"][0]["unit"] = "smidgen"
    before = backend.stores[owner["tenant_id"]].bakery
    status, body = call(main.import_desktop, {"data": data}, claims=owner)
    assert status == 400 and body["error"]["code"] == "invalid_file"
    first = body["error"]["details"][0]
    assert (first["entity"], first["index"], first["field"]) == ("recipes[0].ingredients", 0, "unit")
    assert backend.stores[owner["tenant_id"]].bakery is before


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "event"), ({"event": ""}, "event"), ({"event": 5}, "event"), ({"event": "x", "extra": 1}, "extra"),
     ({"event": "x", "remaining_only": "maybe"}, "remaining_only")],
)
def test_bad_bodies_are_400s_naming_the_field(backend: MemoryBackend, body: dict[str, Any], field: str) -> None:
    owner = _owner(backend)
    status, answer = call(main.plan_event, body, claims=owner)
    assert status == 400 and answer["error"]["field"] == field and answer["error"]["message"]


def test_a_body_that_is_not_json_is_a_400(backend: MemoryBackend) -> None:
    status, answer = call(main.plan_event, claims=_owner(backend), raw=b"{nope")
    assert (status, answer["error"]["code"]) == (400, "invalid_json")


def test_an_unknown_event_is_a_404(backend: MemoryBackend) -> None:
    status, answer = call(main.plan_event, {"event": "Nope"}, claims=_with_winter_data(backend))
    assert (status, answer["error"]["field"]) == (404, "event")


def test_no_token_is_a_401_and_no_tenant_a_403(backend: MemoryBackend) -> None:
    assert call(main.plan_event, {"event": "x"})[0] == 401
    assert call(main.plan_event, {"event": "x"}, claims={"uid": "bob"})[0] == 403


def test_an_expired_token_is_a_401(backend: MemoryBackend) -> None:
    owner = _owner(backend)
    assert call(main.plan_event, {"event": "x"}, claims=owner | {"expired": True})[0] == 401


def test_a_viewer_may_plan_but_not_import(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    status, invite = call(main.invite_member, {"role": "viewer"}, claims=owner)
    assert status == 200
    status, joined = call(main.join_tenant, {"code": invite["code"]}, claims={"uid": "vic"})
    assert status == 200
    viewer = {"uid": "vic", "tenant_id": joined["tenant_id"], "role": "viewer"}
    assert call(main.plan_event, {"event": "Winter Market 2026"}, claims=viewer)[0] == 200
    assert call(main.import_desktop, {"data": {}}, claims=viewer)[0] == 403


def test_an_invitation_code_works_once(backend: MemoryBackend) -> None:
    owner = _owner(backend)
    code = call(main.invite_member, {"role": "baker"}, claims=owner)[1]["code"]
    assert call(main.join_tenant, {"code": code}, claims={"uid": "bob"})[0] == 200
    assert call(main.join_tenant, {"code": code}, claims={"uid": "carol"})[0] == 404


def test_a_removed_member_is_refused_even_with_an_old_token(backend: MemoryBackend) -> None:
    owner = _with_winter_data(backend)
    code = call(main.invite_member, {"role": "baker"}, claims=owner)[1]["code"]
    call(main.join_tenant, {"code": code}, claims={"uid": "bob"})
    old_token = {"uid": "bob", "tenant_id": owner["tenant_id"], "role": "baker"}
    assert call(main.remove_tenant_member, {"uid": "bob"}, claims=owner)[0] == 200
    assert backend.claims["bob"] is None
    status, answer = call(main.plan_event, {"event": "Winter Market 2026"}, claims=old_token)
    assert (status, answer["error"]["code"]) == (403, "not_a_member")


def test_the_last_owner_cannot_leave(backend: MemoryBackend) -> None:
    owner = _owner(backend)
    status, answer = call(main.remove_tenant_member, {"uid": "alice"}, claims=owner)
    assert (status, answer["error"]["code"]) == (409, "conflict")


def test_another_tenants_data_is_invisible(backend: MemoryBackend) -> None:
    alice = _with_winter_data(backend)
    bob = _owner(backend, "bob", "Bob's Buns")
    status, answer = call(main.plan_event, {"event": "Winter Market 2026"}, claims=bob)
    assert (status, answer["error"]["code"]) == (404, "not_found")
    forged = bob | {"tenant_id": alice["tenant_id"]}  # claims name Alice's bakery, membership says no
    assert call(main.plan_event, {"event": "Winter Market 2026"}, claims=forged)[0] == 403
    assert call(main.export_desktop, claims=bob, method="GET")[1]["recipes"] == []


def test_the_gateway_routes_api_paths_like_the_hosting_rewrites(backend: MemoryBackend) -> None:
    from werkzeug.test import Client

    from functions.gateway import app
    from tests.functions.conftest import unsigned_token

    client = Client(app)
    owner = _with_winter_data(backend)
    headers = {"Authorization": f"Bearer {unsigned_token(owner)}"}
    response = client.post("/api/plan_event", json={"event": "Office Party 2026"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["event"] == "Office Party 2026"
    assert client.post("/api/nope", json={}).status_code == 404


def test_every_gateway_operation_has_a_hosting_rewrite() -> None:
    import json
    from pathlib import Path

    from functions.gateway import OPERATIONS

    config = json.loads((Path(__file__).resolve().parents[2] / "firebase.json").read_text())
    rewritten = {r["source"].removeprefix("/api/") for r in config["hosting"]["rewrites"]
                 if "function" in r and r["source"] != "/api/**"}  # catch-all: see test_hosting_routing
    assert rewritten == set(OPERATIONS)
