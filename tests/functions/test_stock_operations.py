"""Purchases, inventory levels, losses and production through the functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call

KITCHEN = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [{"slug": "flour", "display_name": "Flour", "density_volume_value": 1, "density_volume_unit": "cup",
                     "density_weight_value": 4, "density_weight_unit": "oz"}],
    "products": [{"id": "ka-flour", "ingredient_slug": "flour", "brand": "King Arthur", "package_unit": "lb",
                  "package_unit_quantity": 5, "upc_code": "071012107018"}],
    "recipes": [{"name": "Bread", "ingredients": [{"ingredient_slug": "flour", "quantity": 4, "unit": "cup"}],
                 "finished_units": [{"slug": "loaf", "name": "Loaf", "unit_yield_quantity": 1}]}],
}


@pytest.fixture
def baker(backend: MemoryBackend) -> dict[str, Any]:
    status, body = call(main.create_tenant, {"name": "Kitchen"}, claims={"uid": "kim"})
    assert status == 200
    owner = {"uid": "kim", "tenant_id": body["tenant_id"], "role": "owner"}
    assert call(main.import_desktop, {"data": KITCHEN}, claims=owner)[0] == 200
    return owner


def _buy(claims: dict[str, Any], key: str | None = None, **overrides: Any) -> tuple[int, Any]:
    body = {"product_id": "ka-flour", "packages": 2, "unit_price": 7.5, "purchased_on": "2026-11-20",
            "supplier": "costco"} | overrides
    return call(main.add_purchase, body, claims=claims, headers={"Idempotency-Key": key} if key else None)


def test_a_purchase_makes_a_lot_of_whole_packages(baker: dict[str, Any], backend: MemoryBackend) -> None:
    status, body = _buy(baker)
    assert status == 200
    lot = backend.stores[baker["tenant_id"]].bakery.lots[body["lot_id"]]
    assert (lot.quantity, lot.unit, lot.unit_cost) == (10, "LBR", Decimal("1.5"))
    assert (body["quantity"], body["unit"], body["unit_cost"]) == (10, "LBR", 1.5)


def test_a_retried_purchase_with_the_same_key_is_not_duplicated(baker: dict[str, Any], backend: MemoryBackend) -> None:
    first = _buy(baker, key="receipt-42")
    again = _buy(baker, key="receipt-42")
    assert first[0] == again[0] == 200 and again[1] == {"purchase_id": first[1]["purchase_id"], "replayed": True}
    assert len(backend.stores[baker["tenant_id"]].bakery.purchases) == 1


def test_a_purchase_can_name_its_product_by_upc(baker: dict[str, Any]) -> None:
    assert _buy(baker, product_id=None, upc="71012107018")[0] == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"packages": 0}, "packages"), ({"unit_price": -8}, "unit_price"), ({"purchased_on": "yesterday"},
                                                                         "purchased_on"),
     ({"packages": "two"}, "packages"), ({"product_id": None}, None), ({"upc": "abc", "product_id": None}, "upc")],
)
def test_bad_purchases_are_400s_and_store_nothing(baker: dict[str, Any], backend: MemoryBackend,
                                                  overrides: dict[str, Any], field: str | None) -> None:
    status, body = _buy(baker, **overrides)
    assert status == 400 and body["error"]["message"]
    if field:
        assert body["error"]["field"] == field
    assert backend.stores[baker["tenant_id"]].bakery.purchases == {}


def test_an_unknown_product_or_supplier_is_a_404(baker: dict[str, Any]) -> None:
    assert _buy(baker, product_id="nope")[1]["error"]["field"] == "product_id"
    assert _buy(baker, supplier="nope")[0] == 404


def test_forty_percent_full_sets_the_oldest_lot(baker: dict[str, Any], backend: MemoryBackend) -> None:
    lot_id = _buy(baker)[1]["lot_id"]
    status, body = call(main.set_inventory_level, {"product_id": "ka-flour", "remaining_percentage": 40},
                        claims=baker)
    assert status == 200 and body["lot_id"] == lot_id and body["quantity"] == 2
    assert call(main.set_inventory_level, {"product_id": "ka-flour", "remaining_percentage": 140},
                claims=baker)[0] == 400


def test_production_consumes_by_fifo_and_refuses_when_short(baker: dict[str, Any], backend: MemoryBackend) -> None:
    _buy(baker, packages=1)  # 5 lb = 80 oz = 20 cups
    status, body = call(main.record_production, {"recipe": "bread", "batches": 4}, claims=baker)
    assert status == 200, body
    store = backend.stores[baker["tenant_id"]]
    assert [lot.quantity for lot in store.bakery.lots.values()] == [1]  # 16 cups = 4 lb used
    before = store.bakery
    status, body = call(main.record_production, {"recipe": "bread", "batches": 2}, claims=baker)
    assert (status, body["error"]["code"]) == (409, "insufficient_stock")
    assert store.bakery is before



def test_a_shortage_answer_lists_each_short_item_for_a_client_to_act_on(baker: dict[str, Any]) -> None:
    _buy(baker, packages=1)  # 5 lb = 20 cups; 6 loaves need 24
    status, body = call(main.record_production, {"recipe": "bread", "batches": 6}, claims=baker)
    assert status == 409
    assert len(body["error"].pop("request_id")) == 16  # to quote to support; it is in the logs too
    assert body == {"error": {
        "code": "insufficient_stock", "field": None,
        "message": "cannot make 6 batches of Bread: not enough stock: flour: need 24 cup, have 20 cup, short 4 cup",
        "details": [{"ingredient": "flour", "needed": 24, "on_hand": 20, "short": 4, "unit": "G21"}]}}
    # assembly: the same, its items (finished units, goods, packaging) named `item`
    assert call(main.save_finished_goods, {
        "finished_goods": [{"slug": "bread-box", "display_name": "Bread Box", "assembly_type": "bundle"}],
        "compositions": [{"finished_good_slug": "bread-box", "finished_unit_slug": "loaf", "component_quantity": 2}],
    }, claims=baker)[0] == 200
    assert call(main.record_production, {"recipe": "bread", "batches": 3}, claims=baker)[0] == 200  # 3 loaves
    status, body = call(main.record_assembly, {"finished_good": "bread-box", "quantity": 2}, claims=baker)
    assert status == 409
    error = body["error"]
    assert (error["code"], error["field"]) == ("insufficient_stock", None) and "loaf: need 4" in error["message"]
    assert error["details"] == [{"item": "loaf", "needed": 4, "on_hand": 3, "short": 1, "unit": "H87"}]

def test_a_viewer_cannot_buy(baker: dict[str, Any]) -> None:
    code = call(main.invite_member, {"role": "viewer"}, claims=baker)[1]["code"]
    tenant = call(main.join_tenant, {"code": code}, claims={"uid": "val"})[1]["tenant_id"]
    assert _buy({"uid": "val", "tenant_id": tenant, "role": "viewer"})[0] == 403


def test_production_names_its_recipe_unit_and_event_by_name_or_slug(baker: dict[str, Any],
                                                                      backend: MemoryBackend) -> None:
    assert call(main.save_events, {"events": [{"name": "Farmers Market", "event_date": "2026-12-05"}]},
                claims=baker)[0] == 200
    assert _buy(baker)[0] == 200
    status, body = call(main.record_production, {"recipe": "bread", "batches": 1, "finished_unit": "Loaf",
                                                 "event": "Farmers Market 2026"}, claims=baker)
    assert status == 200, body
    run = backend.stores[baker["tenant_id"]].bakery.production_runs[body["run_id"]]
    assert (run.recipe_slug, run.finished_unit_slug) == ("bread", "loaf")
    assert run.event_slug == backend.stores[baker["tenant_id"]].bakery.find_event("Farmers Market").slug  # type: ignore[union-attr]
    assert call(main.record_production, {"recipe": "BREAD", "batches": 1}, claims=baker)[0] == 200


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"recipe": "cake", "batches": 1}, 404, "recipe"),
    ({"recipe": "bread", "batches": 1, "event": "Spring Fair"}, 404, "event"),
    ({"recipe": "bread", "batches": 1, "finished_unit": "slice"}, 400, "finished_unit"),
])
def test_production_errors_name_the_field_the_baker_sent(baker: dict[str, Any], backend: MemoryBackend,
                                                         body: dict[str, Any], status: int, field: str) -> None:
    before = backend.stores[baker["tenant_id"]].bakery
    answer = call(main.record_production, body, claims=baker)
    assert (answer[0], answer[1]["error"]["field"]) == (status, field), answer
    assert backend.stores[baker["tenant_id"]].bakery is before


def test_assembly_names_its_good_by_name_and_errors_name_the_field_sent(baker: dict[str, Any]) -> None:
    status, body = call(main.record_assembly, {"finished_good": "Gift Box", "quantity": 1}, claims=baker)
    assert (status, body["error"]["field"]) == (404, "finished_good")
    status, body = call(main.record_assembly, {"finished_good": "Gift Box", "quantity": 1, "event": "Nope"},
                        claims=baker)
    assert (status, body["error"]["field"]) == (404, "finished_good")
