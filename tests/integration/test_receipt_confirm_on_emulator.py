"""Issue 12 on the Firestore emulator: the demo bakery (seeded as devstack/run.py seeds it, through the gateway),
a few of its receipts turned into proposals as `extract_receipt` turns a reading into one, and each confirmed with
no edits through `confirm_proposal` — in Firestore transactions, with the per-instance cache and the write counters
in the loop (a product a confirmation created is seen by the next receipt). Run with -s for the figures.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from functions.gateway import app
from functions.shared.firestore_backend import FirestoreBackend
from tests.functions.conftest import unsigned_token
from tests.support.confirm_receipts import run_receipts, seed_demo

pytestmark = pytest.mark.emulator


def test_demo_bakery_receipts_confirm_as_read_on_firestore(gateway: FirestoreBackend, firestore: Any) -> None:
    web = Client(app)
    created = web.post("/api/create_tenant", json={"name": "Demo Bakery"},
                       headers={"Authorization": f"Bearer {unsigned_token({'uid': 'demo'})}"})
    assert created.status_code == 200, created.get_json()
    tenant = created.get_json()["tenant_id"]
    headers = {"Authorization": f"Bearer {unsigned_token({'uid': 'demo', 'tenant_id': tenant, 'role': 'owner'})}"}

    def post(operation: str, body: Any) -> tuple[int, Any]:
        response = web.post(f"/api/{operation}", json=body, headers=headers)
        return response.status_code, response.get_json()

    seed_demo(post)
    tally = run_receipts(post, gateway, tenant, range(1200, 1205), by="demo")
    print("\n" + tally.report("5 receipts on the demo bakery (Firestore emulator)"))
    assert tally.lines >= 20 and tally.share >= 0.9, tally.report("below 90%")
    proposals = list(firestore.collection("tenants").document(tenant).collection("proposals").stream())
    assert len(proposals) == 5 and all(p.to_dict()["status"] == "confirmed" for p in proposals)
    purchases = list(firestore.collection("tenants").document(tenant).collection("purchases").stream())
    assert len(purchases) >= tally.confirmed_right  # each line confirmed as read is one purchase in Firestore
