"""A production or assembly run sent again with the same Idempotency-Key (its answer was lost) is answered, not
baked twice: one run, its lots drawn from once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call

REPO = Path(__file__).resolve().parents[2]
WINTER = REPO.parent / "shared" / "fixtures" / "desktop-plans" / "winter_events.json"
RECIPE = "gluten-free-almond-flour-shortbread-cookies"  # makeable from the sample's own stock


def _owner() -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Retries"}, claims={"uid": "rae"})[1]["tenant_id"]
    claims = {"uid": "rae", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": json.loads(WINTER.read_text())}, claims=claims)[0] == 200
    return claims


def _stock(backend: MemoryBackend, tenant: str) -> dict[str, Any]:
    return {lot.id: lot.quantity for lot in backend.stores[tenant].bakery.lots.values()}


def test_a_production_run_retried_with_its_key_is_answered_once(backend: MemoryBackend) -> None:
    owner = _owner()
    before = _stock(backend, owner["tenant_id"])
    key = {"Idempotency-Key": "bake-1"}
    status, first = call(main.record_production, {"recipe": RECIPE, "batches": 0.5}, claims=owner, headers=key)
    assert status == 200, first
    after_first = _stock(backend, owner["tenant_id"])
    assert after_first != before
    status, again = call(main.record_production, {"recipe": RECIPE, "batches": 0.5}, claims=owner, headers=key)
    assert status == 200 and again["replayed"] is True and again["run_id"] == first["run_id"]
    assert _stock(backend, owner["tenant_id"]) == after_first  # drawn from once
    assert list(backend.stores[owner["tenant_id"]].bakery.production_runs) == [first["run_id"]]
    status, other = call(main.record_production, {"recipe": RECIPE, "batches": 0.5}, claims=owner,
                         headers={"Idempotency-Key": "bake-2"})
    assert status == 200 and other["run_id"] != first["run_id"] and "replayed" not in other


def test_without_a_key_each_call_is_a_run_of_its_own(backend: MemoryBackend) -> None:
    owner = _owner()
    for _ in range(2):
        assert call(main.record_production, {"recipe": RECIPE, "batches": 0.25}, claims=owner)[0] == 200
    assert len(backend.stores[owner["tenant_id"]].bakery.production_runs) == 2
