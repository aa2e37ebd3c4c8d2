"""What the stock on hand can make for an event, and what the event costs (FIFO, last prices, planned vs actual)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.bakery import Bakery
from core.errors import InsufficientStockError
from core.planning.can_make import can_make, can_make_json
from core.planning.costing import event_cost, event_cost_json
from core.planning.event_plan import plan_event
from core.stock.production import produce
from tests.support.bakery_builder import BakeryBuilder


def bakery(flour_lb: str = "10", butter_lb: str = "3", cookies: int = 96, cakes: int = 2) -> Bakery:
    """Cookies (2 cups flour, 1 cup butter a batch of 24) and cakes (3 cups flour a batch); flour shared."""
    b = (BakeryBuilder().supplier("costco", "Costco")
         .ingredient("flour", ("1", "cup", "120", "g")).ingredient("butter", ("1", "cup", "227", "g"))
         .recipe("cookies", [("flour", 2, "cup"), ("butter", 1, "cup")]).unit("cookie", "cookies", 24)
         .recipe("cake", [("flour", 3, "cup")]).unit("cake-whole", "cake", 1)
         .bundle("tin", [("cookie", 12)])
         .event("fair", [("cookie", cookies), ("cake-whole", cakes)])
         .product("flour-5lb", "flour", 5, "lb", supplier="costco")
         .product("butter-1lb", "butter", 1, "lb", supplier="costco"))
    if D(flour_lb) > 0:
        b.lot("f1", "flour-5lb", flour_lb, "2026-01-01", unit_cost="0.8")  # $0.80 a lb
    if D(butter_lb) > 0:
        b.lot("b1", "butter-1lb", butter_lb, "2026-01-02", unit_cost="4.5")
    b.purchase("p-flour", "flour-5lb", 1, "6.00", "costco", "2026-02-01")  # last price $1.20 a lb
    b.purchase("p-butter", "butter-1lb", 1, "5.00", "costco", "2026-02-01")
    return b.bakery


def grams_to_lb(grams: D) -> D:
    return grams / D("453.59237")


class TestCanMake:
    def test_enough_of_everything(self) -> None:
        answer = can_make_json(can_make(bakery(), "fair"))  # 4 cookie batches: 8 cups flour, 4 cups butter
        assert answer["all_covered"] is True and answer["to_buy"] == []
        assert [(r["recipe_slug"], r["can_make"], r["limiting"]) for r in answer["recipes"]] == [
            ("cake", 2, None), ("cookies", 4, None)]

    def test_butter_limits_the_cookies_and_the_rest_is_bought(self) -> None:
        butter_for_two = str(grams_to_lb(D(227) * 2))  # exactly two batches' worth
        answer = can_make_json(can_make(bakery(butter_lb=butter_for_two), "fair"))
        cookies = answer["recipes"][1]
        assert (cookies["can_make"], cookies["short"]) == (2, 2)
        assert cookies["limiting"]["ingredient"] == "butter" and cookies["limiting"]["enough_for_batches"] == 2
        unit = next(u for u in answer["finished_units"] if u["slug"] == "cookie")
        assert (unit["can_make"], unit["short"]) == (48, 48)
        assert [(line["ingredient"], line["to_buy"]) for line in answer["to_buy"]] == [("butter", 2)]  # 2 cups

    def test_shared_flour_is_not_counted_twice(self) -> None:
        # flour for exactly 2 cakes (6 cups) + 1 cookie batch (2 cups): cakes come first (by slug)
        answer = can_make_json(can_make(bakery(flour_lb=str(grams_to_lb(D(120) * 8))), "fair"))
        assert [(r["recipe_slug"], r["can_make"]) for r in answer["recipes"]] == [("cake", 2), ("cookies", 1)]
        assert answer["recipes"][1]["limiting"]["ingredient"] == "flour"
        flour = next(line for line in answer["to_buy"] if line["ingredient"] == "flour")
        assert flour["to_buy"] == pytest.approx(6) and flour["packages"][0]["count"] == 1

    def test_no_stock_buys_what_the_plan_buys(self) -> None:
        empty = bakery(flour_lb="0", butter_lb="0")
        result = can_make(empty, "fair")
        assert all(r.can_make == 0 for r in result.recipes)
        assert result.to_buy == tuple(line for line in plan_event(empty, "fair").shopping_list if line.to_buy > 0)

    @settings(max_examples=120, deadline=None)
    @given(st.integers(0, 300), st.integers(0, 10), st.decimals(D(0), D(20), places=3),
           st.decimals(D(0), D(5), places=3))
    def test_never_claims_more_than_the_stock_allows(self, cookies: int, cakes: int, flour: D, butter: D) -> None:
        b = bakery(str(flour), str(butter), cookies, cakes)
        result = can_make(b, "fair")
        flour_cups = sum(D(r.can_make) * {"cookies": 2, "cake": 3}[r.recipe_slug] for r in result.recipes)
        butter_cups = sum(D(r.can_make) for r in result.recipes if r.recipe_slug == "cookies")
        assert flour_cups * 120 <= flour * D("453.59237") + D("1e-6")
        assert butter_cups * 227 <= butter * D("453.59237") + D("1e-6")
        for r in result.recipes:
            assert 0 <= r.can_make <= r.to_make
            if r.can_make < r.to_make:  # one more batch would not fit
                assert r.limiting is not None

    @settings(max_examples=80, deadline=None)
    @given(st.integers(1, 300), st.integers(0, 10))
    def test_exactly_enough_stock_makes_exactly_the_need(self, cookies: int, cakes: int) -> None:
        plan = plan_event(bakery(cookies=cookies, cakes=cakes), "fair")
        batches = {r.recipe_slug: r.batches for r in plan.recipes}
        flour_g = D(120) * (2 * batches.get("cookies", 0) + 3 * batches.get("cake", 0))
        butter_g = D(227) * batches.get("cookies", 0)
        b = bakery(str(grams_to_lb(flour_g)), str(grams_to_lb(butter_g)), cookies, cakes)
        result = can_make(b, "fair")
        assert {r.recipe_slug: r.can_make for r in result.recipes} == batches
        assert result.to_buy == ()


class TestCosting:
    def test_a_planned_cost_is_what_production_records(self) -> None:
        b = bakery()
        b.lots["f0"] = replace(b.lots["f1"], id="f0", quantity=D("1.5"), unit_cost=D("0.6"),
                               purchased_on=dt.date(2025, 12, 1))  # FIFO takes the older, cheaper lot first
        cost = event_cost(b, "fair")
        lots = dict(b.lots)
        for recipe in cost.recipes:  # produce in the plan's order, from the lots the previous run left
            run = produce(recipe.recipe_slug, recipe.batches, recipes=b.recipes, ingredients=b.ingredients,
                          lots=lots.values(), finished_units=b.finished_units.values(), run_id=recipe.recipe_slug,
                          produced_at=dt.datetime(2026, 12, 1))
            lots.update((lot.id, lot) for lot in run.lots)
            assert run.run.ingredient_cost == recipe.total and recipe.complete

    def test_what_stock_does_not_cover_is_priced_at_the_last_price(self) -> None:
        answer = event_cost_json(event_cost(bakery(flour_lb="0"), "fair"))
        flour_lb = grams_to_lb(D(120) * (2 * 4 + 3 * 2))
        cake = answer["recipes"][0]
        assert cake["lines"][0]["to_buy_cost"] == pytest.approx(float(grams_to_lb(D(360) * 2) * D("1.2")))
        assert answer["total"] == pytest.approx(float(flour_lb * D("1.2") + grams_to_lb(D(227) * 4) * D("4.5")))
        assert answer["complete"] is True and answer["unpriced"] == []

    def test_lines_without_a_price_are_named(self) -> None:
        b = bakery(butter_lb="0")
        del b.purchases["p-butter"]
        answer = event_cost_json(event_cost(b, "fair"))
        assert answer["complete"] is False
        assert answer["unpriced"] == [{"recipe_slug": "cookies", "ingredient": "butter",
                                       "reason": "Brand butter-1lb was never bought: no price"}]

    def test_per_unit_per_good_and_a_suggested_price(self) -> None:
        b = bakery()
        b.finished_goods["tin"] = replace(b.finished_goods["tin"], extra={"target_margin_percentage": 60})
        tins = BakeryBuilder().event("x", [("tin", 2)]).bakery.events["x"].finished_goods
        b.events["fair"] = replace(b.events["fair"], finished_goods=(*b.events["fair"].finished_goods, *tins))
        cost = event_cost(b, "fair")
        cookies = next(r for r in cost.recipes if r.recipe_slug == "cookies")
        cookie = next(u for u in cost.finished_units if u.slug == "cookie")
        assert cookie.cost == cookies.total / cookies.batches / 24
        tin = next(g for g in cost.finished_goods if g.slug == "tin")
        assert tin.cost == 12 * cookie.cost and tin.suggested_price == tin.cost / D("0.4")

    def test_planned_against_actual(self) -> None:
        b = bakery()
        cost = event_cost(b, "fair")
        cookies = next(r for r in cost.recipes if r.recipe_slug == "cookies")
        made = produce("cookies", D(2), recipes=b.recipes, ingredients=b.ingredients, lots=b.lots.values(),
                       finished_units=b.finished_units.values(), run_id="run-1",
                       produced_at=dt.datetime(2026, 12, 1), event_slug="fair")
        b.production_runs["run-1"] = replace(made.run, ingredient_cost=made.run.ingredient_cost + 1)  # butter spilled
        answer = event_cost_json(event_cost(b, "fair"))
        (row,) = answer["planned_vs_actual"]
        assert row["planned"] == pytest.approx(float(cookies.per_batch * 2))  # type: ignore[operator]
        assert row["difference"] == pytest.approx(1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.sampled_from(["lb", "oz", "g", "kg"]),
                          st.decimals(D("0.5"), D(400), places=1), st.decimals(D("0.01"), D(9), places=2)),
                min_size=1, max_size=5),
       st.integers(1, 200), st.integers(0, 6))
def test_planned_cost_equals_what_production_records(flour_lots: list[tuple[int, str, D, D]], cookies: int,
                                                      cakes: int) -> None:
    """Any lots (dates, units, costs): when the stock covers the plan, each recipe's planned cost is the cost its
    production run records, recipe after recipe in the plan's order, with no purchase in between."""
    b = bakery(flour_lb="0", butter_lb="1000", cookies=cookies, cakes=cakes)
    builder = BakeryBuilder()
    builder.bakery = b
    for i, (day, unit, quantity, cost) in enumerate(flour_lots):
        builder.product(f"flour-{unit}", "flour", 1, unit)
        builder.lot(f"f{i}", f"flour-{unit}", str(quantity), f"2026-01-{day % 28 + 1:02d}", str(cost))
    cost = event_cost(b, "fair")
    lots = dict(b.lots)
    for recipe in (r for r in cost.recipes if r.batches > 0):
        try:
            made = produce(recipe.recipe_slug, recipe.batches, recipes=b.recipes, ingredients=b.ingredients,
                           lots=lots.values(), finished_units=b.finished_units.values(), run_id=recipe.recipe_slug,
                           produced_at=dt.datetime(2026, 12, 1))
        except InsufficientStockError:
            assert any(line.to_buy_quantity > 0 for line in recipe.lines)  # the plan saw the shortfall too
            return
        lots.update((lot.id, lot) for lot in made.lots)
        assert made.run.ingredient_cost == recipe.from_stock == recipe.total
