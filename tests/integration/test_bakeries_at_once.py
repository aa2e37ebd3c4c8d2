"""Eight bakeries at once on the Firestore emulator: they never wait for, nor conflict with, each other.

Each bakery imports the desktop winter sample and then buys, plans and proposes, all eight in
parallel threads through the gateway (one shared function instance, as Cloud Functions runs
concurrent requests). No answer may be a 409 or a 5xx, and afterwards every acknowledged
purchase is in Firestore exactly once, each import complete, and no bakery holds another's data.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from werkzeug.test import Client

from functions.gateway import app
from functions.shared.firestore_backend import FirestoreBackend
from tests.conftest import load_fixture
from tests.functions.conftest import unsigned_token

pytestmark = pytest.mark.emulator
BAKERIES = 8
PURCHASES = 6


def _bakery(n: int) -> dict[str, str]:
    web = Client(app)
    uid = f"baker-{n}"
    created = web.post("/api/create_tenant", json={"name": f"Bakery {n}"},
                       headers={"Authorization": f"Bearer {unsigned_token({'uid': uid})}"})
    assert created.status_code == 200, created.get_json()
    tenant = created.get_json()["tenant_id"]
    return {"uid": uid, "tenant": tenant,
            "auth": f"Bearer {unsigned_token({'uid': uid, 'tenant_id': tenant, 'role': 'owner'})}"}


def test_eight_bakeries_import_and_buy_at_once_without_a_conflict(gateway: FirestoreBackend, firestore: Any) -> None:
    data = load_fixture("desktop-plans/winter_events.json")
    bakeries = [_bakery(n) for n in range(BAKERIES)]
    answers: list[tuple[str, int, Any]] = []
    acknowledged: dict[str, set[str]] = {b["tenant"]: set() for b in bakeries}
    lock = threading.Lock()
    start = threading.Barrier(BAKERIES)

    def day(bakery: dict[str, str]) -> None:
        web = Client(app)
        headers = {"Authorization": bakery["auth"]}

        def post(op: str, body: Any, **extra: str) -> Any:
            response = web.post(f"/api/{op}", json=body, headers=headers | extra)
            with lock:
                answers.append((op, response.status_code, response.get_json()))
            return response

        start.wait()
        assert post("import_desktop", {"data": data}).status_code == 200
        product_id = min(gateway.planning_bakery(bakery["tenant"]).products)
        for i in range(PURCHASES):
            key = f"{bakery['tenant']}-{i}"
            body = {"product_id": product_id, "packages": 1 + i, "unit_price": 4.5, "purchased_on": "2026-11-20"}
            first = post("add_purchase", body, **{"Idempotency-Key": key})
            again = post("add_purchase", body, **{"Idempotency-Key": key})  # a retry of the same request
            if first.status_code == 200:
                assert again.get_json()["purchase_id"] == first.get_json()["purchase_id"]
                with lock:
                    acknowledged[bakery["tenant"]].add(first.get_json()["purchase_id"])
            post("plan_event", {"event": "Winter Market 2026"})
            post("propose_from_text", {"text": f"I bought {i + 2} pounds of butter at Costco for $12"})

    with ThreadPoolExecutor(BAKERIES) as pool:
        for future in [pool.submit(day, b) for b in bakeries]:
            future.result()

    refused = [(op, status, body) for op, status, body in answers if status != 200]
    assert refused == [], refused[:3]
    expected = {name: len(rows) for name, rows in data.items() if isinstance(rows, list)}
    for bakery in bakeries:
        tenant = firestore.collection("tenants").document(bakery["tenant"])
        purchases = {snap.id: snap.to_dict() for snap in tenant.collection("purchases").stream()}
        assert all(row["tenant_id"] == bakery["tenant"] for row in purchases.values())
        ours = acknowledged[bakery["tenant"]]
        assert len(ours) == PURCHASES
        assert ours <= set(purchases)  # every acknowledged purchase is stored …
        lots = {snap.id for snap in tenant.collection("lots").stream()}
        assert {f"lot-{pid}" for pid in ours} <= lots  # … with its lot
        assert len(purchases) == expected["purchases"] + PURCHASES  # … exactly once, beside the imported ones
        assert sum(1 for _ in tenant.collection("recipes").stream()) == expected["recipes"]
        assert sum(1 for _ in tenant.collection("proposals").stream()) == PURCHASES


def test_a_plan_after_a_proposal_reloads_nothing_and_after_a_purchase_only_what_it_wrote(
        gateway: FirestoreBackend, firestore: Any) -> None:
    bakery = _bakery(0)
    web = Client(app)
    headers = {"Authorization": bakery["auth"]}
    data = load_fixture("desktop-plans/winter_events.json")
    assert web.post("/api/import_desktop", json={"data": data}, headers=headers).status_code == 200
    other_instance = FirestoreBackend(firestore)  # e.g. the plan_event function, deployed apart
    planned = other_instance.planning_bakery(bakery["tenant"])
    plan = web.post("/api/plan_event", json={"event": "Winter Market 2026"}, headers=headers)
    assert plan.status_code == 200
    cache = gateway.caches.tenant(bakery["tenant"])
    reloads = cache.reloads
    answer = web.post("/api/propose_from_text", json={"text": "I bought 2 pounds of butter for $9"}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    again = web.post("/api/plan_event", json={"event": "Winter Market 2026"}, headers=headers)
    assert json.loads(again.get_data()) == json.loads(plan.get_data())
    assert cache.reloads == reloads  # storing a proposal invalidated nothing planning reads …
    assert other_instance.planning_bakery(bakery["tenant"]) is planned  # … on any instance

    product_id = min(planned.products)
    bought = web.post("/api/add_purchase", json={"product_id": product_id, "packages": 1, "unit_price": 3,
                                                 "purchased_on": "2026-11-21"}, headers=headers)
    assert bought.status_code == 200, bought.get_json()
    lot_id = bought.get_json()["lot_id"]
    after = web.post("/api/plan_event", json={"event": "Winter Market 2026"}, headers=headers)
    assert after.status_code == 200
    assert cache.reloads == reloads  # the instance that bought applied its own write to its cache

    seen: list[str] = []
    elsewhere = other_instance.caches.tenant(bakery["tenant"])
    original = elsewhere.store
    elsewhere.store = lambda name, entry: (seen.append(name), original(name, entry))[1]  # type: ignore[method-assign]
    replanned = other_instance.planning_bakery(bakery["tenant"])
    assert sorted(seen) == ["lots#live", "purchase_summaries"]  # another instance reads again only what the
    # purchase wrote (of the lots, only the live ones; of the purchases, their summaries: adapters/)
    assert replanned.purchase_summaries is not None and product_id in replanned.purchase_summaries
    assert lot_id in replanned.lots
    assert all(replanned.recipes[k] is r for k, r in planned.recipes.items())  # the catalog was not read again
