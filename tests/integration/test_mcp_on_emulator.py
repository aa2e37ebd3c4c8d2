"""The MCP service on the Firestore emulator: the tools, the roles and two bakeries, through the SDK's client.

The same app as in production (FirestoreBackend, the per-instance cache, transactions), driven over streamable
HTTP in process; tokens are emulator-style unsigned tokens read by the test verifier.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from werkzeug.test import Client

from functions.gateway import app as gateway_app
from functions.shared.firestore_backend import FirestoreBackend
from mcp_service.app import create_app
from tests.conftest import load_fixture
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token
from tests.support.mcp_client import BASE, mcp_session

pytestmark = pytest.mark.emulator
EVENT = "Winter Market 2026"


def _owner(web: Client, uid: str) -> tuple[str, str]:
    created = web.post("/api/create_tenant", json={"name": uid},
                       headers={"Authorization": f"Bearer {unsigned_token({'uid': uid})}"}).get_json()
    tenant = created["tenant_id"]
    return tenant, unsigned_token({"uid": uid, "tenant_id": tenant, "role": "owner"})


async def _calls(backend: FirestoreBackend, token: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    app = create_app(backend, UnsignedTokenVerifier(), mcp_url=f"{BASE}/mcp")
    async with mcp_session(app, token) as session:
        return [await session.call_tool(name, args) for name, args in calls]


def test_mcp_tools_on_firestore_keep_bakeries_apart_and_only_propose(gateway: FirestoreBackend, firestore: Any) -> None:
    web = Client(gateway_app)
    a, alice = _owner(web, "alice")
    b, bob = _owner(web, "bob")
    assert web.post("/api/import_desktop", json={"data": load_fixture("desktop-plans/winter_events.json")},
                    headers={"Authorization": f"Bearer {alice}"}).status_code == 200
    key = web.post("/api/create_api_key", json={"name": "reader", "role": "viewer"},
                   headers={"Authorization": f"Bearer {alice}"}).get_json()["secret"]

    plan, proposed = asyncio.run(_calls(gateway, alice, [
        ("plan_event", {"event": EVENT}),
        ("add_purchase", {"item_name": "bread flour", "quantity": 10, "unit": "LBR", "price": 9.98,
                          "store": "Costco"})]))
    assert not plan.is_error and json.loads(plan.content[0].text)["recipes"]
    proposal_id = json.loads(proposed.content[0].text)["proposal_id"]
    tenant = firestore.collection("tenants").document(a)
    assert tenant.collection("proposals").document(proposal_id).get().to_dict()["source"] == "agent"
    purchases = len(list(tenant.collection("purchases").stream()))

    theirs = asyncio.run(_calls(gateway, bob, [
        ("plan_event", {"event": EVENT}), ("list_inventory", {}), ("list_proposals", {}),
        ("confirm_proposal", {"proposal_id": proposal_id}), ("undo_proposal", {"proposal_id": proposal_id})]))
    assert theirs[0].is_error and "no event" in theirs[0].content[0].text
    assert json.loads(theirs[1].content[0].text)["lots"] == []
    assert json.loads(theirs[2].content[0].text)["proposals"] == []
    assert all(r.is_error and "no proposal" in r.content[0].text for r in theirs[3:])

    read, write = asyncio.run(_calls(gateway, key, [
        ("get_shopping_list", {"event": EVENT}),
        ("add_purchase", {"item_name": "sugar", "quantity": 1, "unit": "KGM", "price": 2})]))
    assert not read.is_error and write.is_error and "viewer may only read" in write.content[0].text

    (confirmed,) = asyncio.run(_calls(gateway, alice, [("confirm_proposal", {"proposal_id": proposal_id})]))
    assert json.loads(confirmed.content[0].text)["status"] == "confirmed"
    assert len(list(tenant.collection("purchases").stream())) == purchases + 1
    assert list(firestore.collection("tenants").document(b).collection("purchases").stream()) == []
