"""Properties of FIFO consumption over any lots, units and amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.measures.units import ConversionBasis, Density, convert
from core.stock.fifo import consume_fifo, lots_oldest_first
from core.stock.lots import Lot

BASIS = ConversionBasis("flour", Density.from_fields(Decimal(1), "G21", Decimal("113.4"), "GRM"))
UNITS = ["GRM", "KGM", "ONZ", "LBR", "G21", "G24", "MLT"]
TOLERANCE = Decimal("1e-8")

quantities = st.decimals(min_value=0, max_value=5000, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def lots(draw: st.DrawFn) -> list[Lot]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        Lot(
            id=f"lot-{i}",
            product_id="p",
            ingredient_slug="flour",
            quantity=draw(quantities),
            unit=draw(st.sampled_from(UNITS)),
            unit_cost=draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=5, places=4))),
            purchased_on=dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 30))),
        )
        for i in range(count)
    ]


def stock(lot_list: list[Lot], unit: str) -> Decimal:
    return sum((convert(x.quantity, x.unit, unit, BASIS) for x in lot_list), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_fifo_never_leaves_a_lot_below_zero(given_lots: list[Lot], need: Decimal, unit: str) -> None:
    used = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    assert all(x.quantity >= 0 for x in used.lots)
    assert len(used.lots) == len(given_lots)


@settings(max_examples=150, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_consumed_plus_remaining_is_what_there_was(given_lots: list[Lot], need: Decimal, unit: str) -> None:
    used = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    before = {x.id: x.quantity for x in given_lots}
    taken = {d.lot_id: d.quantity for d in used.draws}
    for after in used.lots:
        assert after.quantity + taken.get(after.id, Decimal(0)) == before[after.id]  # exact, in the lot's unit
    assert abs(used.consumed + stock(list(used.lots), unit) - stock(given_lots, unit)) <= TOLERANCE


@settings(max_examples=150, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_consumed_is_the_need_or_all_there_is(given_lots: list[Lot], need: Decimal, unit: str) -> None:
    used = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    available = stock(given_lots, unit)
    assert abs(used.consumed - min(need, available)) <= TOLERANCE
    assert abs(used.consumed + used.shortfall - need) <= TOLERANCE


@settings(max_examples=150, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_a_lot_is_drawn_only_once_every_older_lot_is_empty(given_lots: list[Lot], need: Decimal, unit: str) -> None:
    used = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    after = {x.id: x for x in used.lots}
    ordered = [after[x.id] for x in lots_oldest_first(given_lots)]
    drawn = {d.lot_id for d in used.draws}
    for i, current in enumerate(ordered):
        if current.id in drawn:
            assert all(older.quantity == 0 for older in ordered[:i])


@settings(max_examples=100, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_the_cost_is_known_exactly_when_every_lot_drawn_has_a_cost(
    given_lots: list[Lot], need: Decimal, unit: str
) -> None:
    used = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    costs = {x.id: x.unit_cost for x in given_lots}
    if all(costs[d.lot_id] is not None for d in used.draws):
        assert used.total_cost == sum((d.quantity * (costs[d.lot_id] or 0) for d in used.draws), Decimal(0))
    else:
        assert used.total_cost is None


@settings(max_examples=100, deadline=None)
@given(lots(), quantities, st.sampled_from(UNITS))
def test_the_result_does_not_depend_on_the_order_lots_come_in(
    given_lots: list[Lot], need: Decimal, unit: str
) -> None:
    forward = consume_fifo(given_lots, need, unit, BASIS, allow_shortfall=True)
    backward = consume_fifo(list(reversed(given_lots)), need, unit, BASIS, allow_shortfall=True)
    assert forward == backward
