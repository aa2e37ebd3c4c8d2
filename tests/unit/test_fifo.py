"""FIFO consumption over lots: oldest first, converted per lot, costed per lot, never below zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from core.errors import ConversionError, InsufficientStockError, ValidationError
from core.measures.units import ConversionBasis, Density
from core.stock.fifo import ShortOfStockError, consume_fifo, lots_oldest_first, stock_in
from core.stock.lots import Lot


def lot(lot_id: str, quantity: str, unit: str = "ONZ", day: int = 1, cost: str | None = "0.5") -> Lot:
    return Lot(
        id=lot_id,
        product_id="p-" + lot_id,
        ingredient_slug="flour",
        quantity=D(quantity),
        unit=unit,
        unit_cost=None if cost is None else D(cost),
        purchased_on=dt.date(2026, 1, day),
    )


FLOUR = ConversionBasis("flour", Density.from_fields(D(1), "G21", D("113.4"), "GRM"))


def test_17_3_oz_less_5_75_oz_leaves_exactly_11_55_oz() -> None:
    used = consume_fifo([lot("a", "17.3")], D("5.75"), "ONZ", FLOUR)
    assert used.lots[0].quantity == D("11.55")
    assert used.consumed == D("5.75")
    assert used.shortfall == 0


def test_48_cups_from_lots_in_pounds_empties_the_oldest_and_reduces_the_next_by_the_rest() -> None:
    old, new = lot("old", "10", "LBR", day=1), lot("new", "5", "LBR", day=2)
    used = consume_fifo([new, old], D(48), "G21", FLOUR)
    by_id = {x.id: x for x in used.lots}
    assert by_id["old"].quantity == 0
    rest_lb = (D(48) * D("113.4") - D(10) * D("453.59237")) / D("453.59237")
    assert abs(by_id["new"].quantity - (D(5) - rest_lb)) < D("1e-20")
    assert [d.lot_id for d in used.draws] == ["old", "new"]
    assert used.draws[0].quantity == D(10)
    assert used.satisfied


def test_a_need_of_60_with_40_in_stock_consumes_40_and_records_a_shortfall_of_20() -> None:
    used = consume_fifo([lot("a", "25"), lot("b", "15", day=2)], D(60), "ONZ", FLOUR, allow_shortfall=True)
    assert used.consumed == 40
    assert used.shortfall == 20
    assert [x.quantity for x in used.lots] == [0, 0]
    assert not used.satisfied


def test_a_short_consumption_is_refused_naming_ingredient_need_stock_and_shortfall() -> None:
    with pytest.raises(InsufficientStockError, match=r"flour: need 60 oz, have 40 oz, short 20 oz"):
        consume_fifo([lot("a", "40")], D(60), "ONZ", FLOUR)


def test_the_refusal_lists_the_shortage_for_callers() -> None:
    with pytest.raises(ShortOfStockError) as caught:
        consume_fifo([lot("a", "40")], D(60), "ONZ", FLOUR)
    (shortage,) = caught.value.shortages
    assert (shortage.item_slug, shortage.needed, shortage.available, shortage.shortfall) == ("flour", 60, 40, 20)


def test_lots_are_taken_by_purchase_date_whatever_order_they_come_in() -> None:
    lots = [lot("c", "5", day=3), lot("a", "5", day=1), lot("b", "5", day=2)]
    used = consume_fifo(lots, D(7), "ONZ", FLOUR)
    assert [d.lot_id for d in used.draws] == ["a", "b"]
    assert [d.quantity for d in used.draws] == [5, 2]


def test_lots_bought_the_same_day_are_taken_in_lot_id_order() -> None:
    assert [x.id for x in lots_oldest_first([lot("z", "1"), lot("m", "1"), lot("a", "1")])] == ["a", "m", "z"]


def test_each_part_is_costed_at_its_own_lots_unit_cost() -> None:
    used = consume_fifo([lot("a", "4", cost="0.25"), lot("b", "10", day=2, cost="0.5")], D(6), "ONZ", FLOUR)
    assert [d.cost for d in used.draws] == [D(1), D(1)]
    assert used.total_cost == D(2)


def test_a_lot_without_a_known_cost_makes_the_total_unknown_not_zero() -> None:
    used = consume_fifo([lot("a", "4", cost=None), lot("b", "10", day=2, cost="0.5")], D(6), "ONZ", FLOUR)
    assert used.total_cost is None
    assert not used.cost_complete
    assert used.known_cost == D(1)
    assert used.lots_without_cost == ("a",)
    assert used.draws[0].cost is None


def test_a_lot_whose_unit_cannot_be_converted_is_an_error_naming_ingredient_lot_and_units() -> None:
    no_density = ConversionBasis("flour")
    with pytest.raises(ConversionError, match=r"flour: lot a is in lb \(LBR\).*cup \(G21\)"):
        consume_fifo([lot("a", "5", "LBR")], D(1), "G21", no_density)


def test_emptied_lots_are_kept_with_zero_left() -> None:
    used = consume_fifo([lot("a", "3"), lot("b", "3", day=2)], D(3), "ONZ", FLOUR)
    assert [(x.id, x.quantity) for x in used.lots] == [("a", 0), ("b", 3)]
    assert [x.id for x in used.changed_lots] == ["a"]


def test_empty_lots_are_skipped_and_not_drawn_from() -> None:
    used = consume_fifo([lot("a", "0"), lot("b", "3", day=2)], D(2), "ONZ", FLOUR)
    assert [d.lot_id for d in used.draws] == ["b"]


def test_taking_all_the_stock_leaves_every_lot_at_exactly_zero() -> None:
    used = consume_fifo([lot("a", "2", "LBR"), lot("b", "500", "GRM", day=2)], D("1407.18474"), "GRM", FLOUR)
    assert [x.quantity for x in used.lots] == [0, 0]
    assert used.shortfall == 0


def test_lots_in_other_units_of_the_same_kind_convert_without_a_density() -> None:
    used = consume_fifo([lot("a", "1", "KGM")], D(250), "GRM", ConversionBasis("sugar"))
    assert used.lots[0].quantity == D("0.75")


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match="must not be negative"):
        consume_fifo([lot("a", "1")], D(-1), "ONZ", FLOUR)


def test_consuming_nothing_changes_nothing() -> None:
    used = consume_fifo([lot("a", "1")], D(0), "ONZ", FLOUR)
    assert used.draws == () and used.lots[0].quantity == 1 and used.satisfied


def test_stock_is_the_sum_of_lots_converted_into_one_unit() -> None:
    assert stock_in([lot("a", "1", "LBR"), lot("b", "16")], "ONZ", FLOUR) == D(32)
