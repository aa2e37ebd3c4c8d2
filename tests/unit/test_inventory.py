"""Purchases stock lots; level checks and losses take stock out with a reason and a cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from core.catalog.entities import Material, MaterialProduct, Product
from core.errors import NotFoundError, ValidationError
from core.stock.fifo import consume_fifo
from core.stock.inventory import (
    DepletionReason,
    depletion_reason,
    depletions_for,
    level_check,
    lot_for_level_check,
    material_lot_from_purchase,
    purchase_with_lot,
)
from core.stock.lots import Lot

FLOUR_BAG = Product("p-flour", "flour", "King Arthur", "AP Flour", "LBR", D(5), "bag", upc="071012010615")
AT = dt.datetime(2026, 2, 1, 9, 0)


def buy(packages: str = "2", price: str = "7.50") -> Lot:
    _, lot = purchase_with_lot(FLOUR_BAG, purchase_id="pu-1", lot_id="lot-1", packages=D(packages),
                               unit_price=D(price), purchased_on=dt.date(2026, 1, 5))
    return lot


def stock(lot_id: str, quantity: str, day: int = 1, cost: str | None = "1.5") -> Lot:
    return Lot(lot_id, "p-flour", "flour", D(quantity), "LBR", None if cost is None else D(cost),
               dt.date(2026, 1, day))


def test_a_purchase_stocks_packages_times_package_size_in_the_package_unit() -> None:
    purchase, lot = purchase_with_lot(FLOUR_BAG, purchase_id="pu-1", lot_id="lot-1", packages=D(2),
                                      unit_price=D("7.50"), purchased_on=dt.date(2026, 1, 5), supplier_slug="costco")
    assert (lot.quantity, lot.unit, lot.initial_quantity) == (D(10), "LBR", D(10))
    assert lot.purchase_id == purchase.id == "pu-1"
    assert purchase.total_cost == D(15)


def test_a_lots_unit_cost_is_the_package_price_over_the_package_size() -> None:
    assert buy(price="7.50").unit_cost == D("1.5")


@pytest.mark.parametrize("packages", ["0", "-1"])
def test_a_purchase_of_no_packages_is_refused_naming_the_quantity(packages: str) -> None:
    with pytest.raises(ValidationError, match="quantity_purchased must be greater than 0") as caught:
        buy(packages=packages)
    assert caught.value.field == "quantity_purchased"


def test_a_purchase_is_of_whole_packages() -> None:
    with pytest.raises(ValidationError, match="whole packages"):
        buy(packages="1.5")


@pytest.mark.parametrize("price", ["0", "-2"])
def test_a_purchase_without_a_price_is_refused_naming_the_price(price: str) -> None:
    with pytest.raises(ValidationError, match="unit_price must be greater than 0") as caught:
        buy(price=price)
    assert caught.value.field == "unit_price"


def test_40_percent_full_sets_the_lot_to_40_percent_of_one_package_and_records_the_difference() -> None:
    check = level_check(stock("a", "5"), FLOUR_BAG, D(40), depletion_id="d-1", at=AT)
    assert check.lot.quantity == D(2)
    assert check.previous == D(5)
    depletion = check.depletion
    assert depletion is not None
    assert (depletion.lot_id, depletion.quantity, depletion.reason) == ("a", D(3), "inventory_check")
    assert depletion.cost == D("4.5")


def test_a_level_matching_the_books_records_nothing() -> None:
    check = level_check(stock("a", "5"), FLOUR_BAG, D(100), depletion_id="d-1", at=AT)
    assert check.depletion is None and check.lot.quantity == 5


def test_a_level_above_the_books_is_recorded_as_a_negative_depletion() -> None:
    check = level_check(stock("a", "1"), FLOUR_BAG, D(50), depletion_id="d-1", at=AT)
    assert check.lot.quantity == D("2.5")
    assert check.depletion is not None and check.depletion.quantity == D("-1.5")


def test_zero_percent_empties_the_lot() -> None:
    check = level_check(stock("a", "3"), FLOUR_BAG, D(0), depletion_id="d-1", at=AT)
    assert check.lot.quantity == 0 and check.depletion is not None and check.depletion.quantity == 3


@pytest.mark.parametrize("percentage", ["-1", "100.5"])
def test_a_percentage_outside_0_to_100_is_refused(percentage: str) -> None:
    with pytest.raises(ValidationError, match="between 0 and 100") as caught:
        level_check(stock("a", "3"), FLOUR_BAG, D(percentage), depletion_id="d-1", at=AT)
    assert caught.value.field == "remaining_percentage"


def test_an_unknown_lot_cost_is_flagged_on_the_depletion_not_hidden_as_zero() -> None:
    check = level_check(stock("a", "5", cost=None), FLOUR_BAG, D(40), depletion_id="d-1", at=AT)
    assert check.depletion is not None and check.depletion.cost_known is False


def test_a_level_check_concerns_the_oldest_lot_with_stock() -> None:
    lots = [stock("newer", "5", day=9), stock("empty", "0", day=1), stock("older", "2", day=3)]
    assert lot_for_level_check(lots, FLOUR_BAG).id == "older"


def test_when_every_lot_is_empty_a_level_check_concerns_the_newest_lot() -> None:
    lots = [stock("x", "0", day=9), stock("y", "0", day=1)]
    assert lot_for_level_check(lots, FLOUR_BAG).id == "x"


def test_a_level_check_of_a_product_never_stocked_is_an_error() -> None:
    with pytest.raises(NotFoundError, match="no lot of King Arthur AP Flour"):
        lot_for_level_check([], FLOUR_BAG)


def test_a_loss_is_one_depletion_per_lot_drawn_with_its_cost() -> None:
    used = consume_fifo([stock("a", "1", cost="2"), stock("b", "5", day=2, cost="1")], D(3), "LBR")
    made = iter(["d-1", "d-2"])
    depletions = depletions_for(used, reason=DepletionReason.SPOILAGE, at=AT, new_id=lambda: next(made))
    assert [(d.id, d.lot_id, d.quantity, d.cost, d.reason) for d in depletions] == [
        ("d-1", "a", D(1), D(2), "spoilage"),
        ("d-2", "b", D(2), D(2), "spoilage"),
    ]


def test_reasons_are_the_known_ones() -> None:
    assert depletion_reason("Spoilage") is DepletionReason.SPOILAGE
    with pytest.raises(ValidationError, match="unknown reason 'eaten'; use one of spoilage"):
        depletion_reason("eaten")


def test_the_reason_other_needs_notes() -> None:
    with pytest.raises(ValidationError, match="notes are required"):
        depletion_reason("other")
    assert depletion_reason("other", "the dog") is DepletionReason.OTHER


def test_packaging_bought_by_the_pack_is_stocked_in_pieces() -> None:
    boxes = Material("cake_box", "Cake box")
    pack = MaterialProduct("cake_box_25pk", "cake_box", "Cake boxes 25pk", package_quantity=D(25))
    lot = material_lot_from_purchase(pack, boxes, lot_id="ml-1", packages=D(2), unit_price=D(20),
                                     purchased_on=dt.date(2026, 1, 2))
    assert (lot.quantity, lot.unit_cost) == (D(50), D("0.8"))
