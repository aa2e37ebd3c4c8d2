"""Every operation × another bakery's ids: refused or empty, never a leak, never a change to that bakery."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call

# operation, body naming tenant A's things, statuses acceptable for tenant B's owner
CASES: list[tuple[str, dict[str, Any], set[int]]] = [
    ("plan_event", {"event": "Winter Market 2026"}, {404}),
    ("shopping_list", {"event": "winter-market-2026"}, {404}),
    ("scale_recipe", {"recipe": "gingerbread-chai-cookies", "ingredient": "flour_all_purpose", "amount": 3,
                      "unit": "lb"}, {404}),
    ("can_make", {"event": "Winter Market 2026"}, {404}),
    ("event_cost", {"event": "winter-market-2026"}, {404}),
    ("add_purchase", {"product_id": "A_PRODUCT", "packages": 1, "unit_price": 5, "purchased_on": "2026-11-01"}, {404}),
    ("set_inventory_level", {"product_id": "A_PRODUCT", "remaining_percentage": 10}, {404}),
    ("record_loss", {"ingredient": "flour_all_purpose", "amount": 1, "unit": "cup", "reason": "spoilage"}, {404, 409}),
    ("record_production", {"recipe": "gingerbread-chai-cookies", "batches": 1}, {404}),
    ("record_assembly", {"finished_good": "cookie-tin", "quantity": 1}, {404}),
    ("change_member_role", {"uid": "alice", "role": "viewer"}, {404}),
    ("remove_tenant_member", {"uid": "alice"}, {404}),
]
RESULTS: dict[str, int] = {}


@pytest.fixture
def two_bakeries(backend: MemoryBackend) -> tuple[dict[str, Any], dict[str, Any]]:
    a = call(main.create_tenant, {"name": "A"}, claims={"uid": "alice"})[1]
    alice = {"uid": "alice", "tenant_id": a["tenant_id"], "role": "owner"}
    assert call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=alice)[0] == 200
    b = call(main.create_tenant, {"name": "B"}, claims={"uid": "bob"})[1]
    return alice, {"uid": "bob", "tenant_id": b["tenant_id"], "role": "owner"}


@pytest.mark.parametrize(("op", "body", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_tenant_b_cannot_reach_tenant_a(two_bakeries: tuple[dict[str, Any], dict[str, Any]], backend: MemoryBackend,
                                        op: str, body: dict[str, Any], allowed: set[int]) -> None:
    alice, bob = two_bakeries
    a_store = backend.stores[alice["tenant_id"]]
    product = next(iter(a_store.bakery.products))
    body = json.loads(json.dumps(body).replace("A_PRODUCT", product))
    before = copy.deepcopy(a_store.bakery)
    members_before = copy.deepcopy(backend.member_rows[alice["tenant_id"]])
    status, answer = call(getattr(main, op), body, claims=bob)
    RESULTS[op] = status
    assert status in allowed, answer
    leaked = [word for word in ("Sabl", "Candy-Bar Fudge", "Cookie Tin", "Bundt") if word in json.dumps(answer)]
    assert leaked == []
    assert a_store.bakery == before
    assert backend.member_rows[alice["tenant_id"]] == members_before


def test_exports_listings_and_writes_stay_in_the_callers_bakery(
    two_bakeries: tuple[dict[str, Any], dict[str, Any]], backend: MemoryBackend
) -> None:
    alice, bob = two_bakeries
    before = copy.deepcopy(backend.stores[alice["tenant_id"]].bakery)
    exported = call(main.export_desktop, claims=bob, method="GET")[1]
    assert exported["recipes"] == [] and exported["events"] == []
    assert [m["uid"] for m in call(main.list_members, claims=bob, method="GET")[1]["members"]] == ["bob"]
    assert call(main.save_catalog, {"ingredients": [{"slug": "flour_all_purpose"}]}, claims=bob)[0] == 200
    assert call(main.import_desktop, {"data": load_fixture("desktop/sample_data_min.json")}, claims=bob)[0] == 200
    assert backend.stores[alice["tenant_id"]].bakery == before


def test_claims_naming_another_bakery_without_membership_are_refused_everywhere(
    two_bakeries: tuple[dict[str, Any], dict[str, Any]], backend: MemoryBackend
) -> None:
    alice, bob = two_bakeries
    forged = bob | {"tenant_id": alice["tenant_id"]}
    for op, body, _ in CASES:
        assert call(getattr(main, op), body, claims=forged)[0] == 403, op
    assert call(main.export_desktop, claims=forged, method="GET")[0] == 403
