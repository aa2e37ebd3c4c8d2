"""Issue 8 on the Firestore emulator: the demo bakery (desktop sample data, then winter data, as devstack/run.py
seeds it) bakes one batch of every finished unit through the gateway, buying what each 409's `details` say is
short (new products through save_catalog when an ingredient has none) and baking again.

The same baker as tests/functions/test_production_demo.py (tests/functions/demo_baker.py), with Firestore
transactions, the per-instance cache and the write counters in the loop: a product created or a purchase made
must be seen by the next production run. Run with -s for the counts.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from werkzeug.test import Client

from functions.gateway import app
from functions.shared.firestore_backend import FirestoreBackend
from tests.functions.conftest import unsigned_token
from tests.functions.demo_baker import EVENT, bake_buying_what_is_short, demo_data, summary

pytestmark = pytest.mark.emulator


def test_the_demo_bakery_buys_what_is_short_and_bakes_every_finished_unit(gateway: FirestoreBackend,
                                                                          firestore: Any) -> None:
    started = time.monotonic()
    web = Client(app)
    created = web.post("/api/create_tenant", json={"name": "Demo Bakery"},
                       headers={"Authorization": f"Bearer {unsigned_token({'uid': 'demo'})}"})
    assert created.status_code == 200, created.get_json()
    tenant = created.get_json()["tenant_id"]
    headers = {"Authorization": f"Bearer {unsigned_token({'uid': 'demo', 'tenant_id': tenant, 'role': 'owner'})}"}

    def post(operation: str, body: Any) -> tuple[int, Any]:
        response = web.post(f"/api/{operation}", json=body, headers=headers)
        return response.status_code, response.get_json()

    for data in demo_data():
        assert post("import_desktop", {"data": data})[0] == 200
    imported = time.monotonic()
    units = sorted(gateway.planning_bakery(tenant).finished_units.values(), key=lambda fu: fu.slug)
    assert len(units) == 27

    outcomes = [bake_buying_what_is_short(post, lambda: gateway.planning_bakery(tenant), unit.slug,
                                          unit.recipe_slug) for unit in units]
    print(f"\n(Firestore emulator: import {imported - started:.1f} s, baking and buying "
          f"{time.monotonic() - imported:.1f} s)\n" + summary(outcomes))

    assert sum(o.first_status == 409 for o in outcomes) >= 20
    runs = {snap.id: snap.to_dict() for snap in
            firestore.collection("tenants").document(tenant).collection("production_runs").stream()}
    assert set(runs) == {o.final["run_id"] for o in outcomes}  # all 27 stored, each once
    assert all(run["tenant_id"] == tenant for run in runs.values())
    bakery = gateway.planning_bakery(tenant)
    made = {run.id: run for run in bakery.runs_for_event(EVENT)}  # a planning read reads an event's runs
    assert set(made) == {o.final["run_id"] for o in outcomes}
    for o in outcomes:
        stored = made[o.final["run_id"]].not_deducted
        assert [n.item_slug for n in stored] == [i["ingredient"] for i in o.final["not_deducted"]]
        assert not {i["ingredient"] for i in o.final["not_deducted"]} & {s["ingredient"] for s in o.shortages}
    created_products = {b.product_id for o in outcomes for b in o.bought if b.created}
    assert created_products <= set(bakery.products)
