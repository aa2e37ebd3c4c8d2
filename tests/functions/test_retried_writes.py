"""A write sent again with the same Idempotency-Key (its answer was lost) is answered, not done twice: a
production run (its lots drawn from once), a loss, a level check ("0 % left" empties one lot, not the next too)."""

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


def _bought(owner: dict[str, Any], backend: MemoryBackend) -> tuple[str, str]:
    """Two packages of butter bought apart: two lots of one product."""
    product = next(p for p in backend.stores[owner["tenant_id"]].bakery.products.values()
                   if p.ingredient_slug == "butter_unsalted")
    for n in (1, 2):
        status, _ = call(main.add_purchase, {"product_id": product.id, "packages": 1, "unit_price": 4,
                                             "purchased_on": f"2026-11-2{n}"}, claims=owner,
                         headers={"Idempotency-Key": f"buy-{n}"})
        assert status == 200
    return product.id, product.ingredient_slug


def test_a_loss_retried_with_its_key_is_answered_once(backend: MemoryBackend) -> None:
    owner = _owner()
    _, ingredient = _bought(owner, backend)
    body = {"ingredient": ingredient, "amount": 0.5, "unit": "oz", "reason": "spoilage"}
    status, first = call(main.record_loss, body, claims=owner, headers={"Idempotency-Key": "spilt-1"})
    assert status == 200 and first["depletions"]
    after_first = _stock(backend, owner["tenant_id"])
    status, again = call(main.record_loss, body, claims=owner, headers={"Idempotency-Key": "spilt-1"})
    assert status == 200 and again == {"depletions": first["depletions"], "replayed": True}
    assert _stock(backend, owner["tenant_id"]) == after_first
    assert sorted(backend.stores[owner["tenant_id"]].bakery.depletions) == sorted(first["depletions"])


def test_an_empty_bag_said_twice_with_its_key_empties_one_lot_not_two(backend: MemoryBackend) -> None:
    owner = _owner()
    product_id, _ = _bought(owner, backend)
    body = {"product_id": product_id, "remaining_percentage": 0}
    status, first = call(main.set_inventory_level, body, claims=owner, headers={"Idempotency-Key": "empty-1"})
    assert status == 200 and first["quantity"] == 0
    after_first = _stock(backend, owner["tenant_id"])
    status, again = call(main.set_inventory_level, body, claims=owner, headers={"Idempotency-Key": "empty-1"})
    assert status == 200 and again["replayed"] is True and again["lot_id"] == first["lot_id"]
    assert (again["quantity"], again["previous"]) == (first["quantity"], first["previous"])
    assert _stock(backend, owner["tenant_id"]) == after_first
    status, other = call(main.set_inventory_level, body, claims=owner)  # no key: a new check, the next lot
    assert status == 200 and other["lot_id"] != first["lot_id"]
