"""Mobile files: purchases become lots of whole packages; inventory levels adjust the oldest lot."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Product
from core.desktop_format.desktop_import import import_desktop
from core.desktop_format.files import import_file_into, validate_file
from core.desktop_format.mobile_import import PENDING_KEY
from core.stock.lots import Lot
from tests.conftest import load_fixture

FLOUR_UPC = "016000196100"


def _catalog() -> Bakery:
    """The full sample plus a Gold Medal flour 5 lb bag carrying the mobile sample's first UPC."""
    bakery = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    bakery.products["gm"] = Product("gm", "flour_all_purpose", "Gold Medal", "All-Purpose Flour", "LBR",
                                    Decimal(5), upc=FLOUR_UPC)
    return bakery


def test_a_mobile_purchase_makes_a_lot_of_packages_times_package_size_costed_per_pound() -> None:
    result = import_file_into(_catalog(), load_fixture("desktop/bt_mobile_purchase_sample.json"))
    assert result.ok
    lot = next(lot for lot in result.bakery.lots.values() if lot.product_id == "gm")
    assert (lot.quantity, lot.unit, lot.unit_cost) == (Decimal(5), "LBR", Decimal("7.99") / 5)
    purchase = result.bakery.purchases[lot.purchase_id or ""]
    assert (purchase.quantity_purchased, purchase.unit_price) == (Decimal(1), Decimal("7.99"))
    assert result.bakery.suppliers[purchase.supplier_slug or ""].name == "Costco"


def test_an_unknown_upc_is_kept_as_pending_not_lost() -> None:
    result = import_file_into(_catalog(), load_fixture("desktop/bt_mobile_purchase_sample.json"))
    pending = result.bakery.passthrough[PENDING_KEY]
    assert [p["upc"] for p in pending] == ["999999999999"]
    assert any("999999999999" in note for note in result.notices)


def test_an_inventory_update_sets_the_oldest_lot_with_stock_to_a_share_of_one_package() -> None:
    bakery = _catalog()
    for lot_id, day, quantity in (("old", "2025-01-01", "0"), ("mid", "2025-06-01", "4"), ("new", "2026-01-01", "5")):
        bakery.lots[lot_id] = Lot(lot_id, "gm", "flour_all_purpose", Decimal(quantity), "LBR", Decimal("1.6"),
                                  dt.date.fromisoformat(day))
    result = import_file_into(bakery, load_fixture("desktop/bt_mobile_inventory_sample.json"))
    assert result.ok
    assert (result.bakery.lots["mid"].quantity, result.bakery.lots["new"].quantity) == (Decimal("2.5"), Decimal(5))
    depletion = next(iter(result.bakery.depletions.values()))
    assert (depletion.lot_id, depletion.quantity, depletion.reason) == ("mid", Decimal("1.5"), "inventory_check")


def test_a_bad_percentage_fails_the_whole_file_and_changes_nothing() -> None:
    data: dict[str, Any] = copy.deepcopy(load_fixture("desktop/bt_mobile_inventory_sample.json"))
    data["inventory_updates"][2]["remaining_percentage"] = 140
    bakery = _catalog()
    before = copy.deepcopy(bakery)
    result = import_file_into(bakery, data)
    assert [(p.entity, p.index, p.field) for p in result.problems] == [("inventory_updates", 2, "remaining_percentage")]
    assert bakery == before


def test_mobile_samples_validate_on_their_own() -> None:
    assert validate_file(load_fixture("desktop/bt_mobile_purchase_sample.json")) == []
    assert validate_file(load_fixture("desktop/bt_mobile_inventory_sample.json")) == []


def test_a_negative_price_is_a_problem_naming_the_field() -> None:
    data: dict[str, Any] = copy.deepcopy(load_fixture("desktop/bt_mobile_purchase_sample.json"))
    data["purchases"][0]["unit_price"] = -1
    assert [p.field for p in validate_file(data)] == ["unit_price"]


def test_a_file_without_any_date_is_dated_the_day_the_caller_gives() -> None:
    data: dict[str, Any] = copy.deepcopy(load_fixture("desktop/bt_mobile_purchase_sample.json"))
    data.pop("created_at", None)
    for record in data["purchases"]:
        for key in ("scanned_at", "purchase_date"):
            record.pop(key, None)
    result = import_file_into(_catalog(), data, today=dt.date(2026, 3, 4))
    lot = next(lot for lot in result.bakery.lots.values() if lot.product_id == "gm")
    assert lot.purchased_on == dt.date(2026, 3, 4)
