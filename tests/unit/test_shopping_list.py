"""On hand, what to buy, and how many packages from which store."""

from __future__ import annotations

from core.planning.event_plan import plan_event
from core.planning.plan_report import render_shopping_list_text, shopping_by_supplier
from tests.support.bakery_builder import BakeryBuilder, D


def _flour_bakery(need_cups: int) -> BakeryBuilder:
    b = BakeryBuilder().ingredient("flour", ("1", "cup", "4", "oz"))
    return b.recipe("bread", [("flour", need_cups, "cup")]).unit("loaf", "bread", 1).event("e", [("loaf", 1)])


def test_flour_stocked_in_pounds_counts_against_cups_through_the_density() -> None:
    b = _flour_bakery(8).product("ka", "flour", 5, "lb", supplier="costco").lot("l1", "ka", 1)
    line = plan_event(b.bakery, "e").shopping_list[0]
    assert (line.needed, line.on_hand, line.to_buy) == (D(8), D(4), D(4))


def test_a_shortfall_becomes_whole_packages_of_the_preferred_product() -> None:
    b = _flour_bakery(48).product("ka", "flour", 5, "lb", supplier="costco")
    b.product("other", "flour", 2, "lb", preferred=False)
    line = plan_event(b.bakery, "e").shopping_list[0]  # 48 cups x 4 oz = 12 lb -> 3 bags of 5 lb
    assert [(p.product_id, p.count, p.supplier_slug) for p in line.packages] == [("ka", 3, "costco")]


def test_even_a_tiny_shortfall_buys_one_package() -> None:
    b = _flour_bakery(1).product("ka", "flour", 25, "lb")
    assert plan_event(b.bakery, "e").shopping_list[0].packages[0].count == 1


def test_nothing_is_bought_when_the_pantry_covers_the_need() -> None:
    b = _flour_bakery(2).product("ka", "flour", 5, "lb").lot("l1", "ka", 5)
    line = plan_event(b.bakery, "e").shopping_list[0]
    assert (line.to_buy, line.packages) == (D(0), ())


def test_the_estimate_is_packages_times_the_last_price_per_package() -> None:
    b = _flour_bakery(48).product("ka", "flour", 5, "lb", supplier="costco")
    b.purchase("p1", "ka", 1, "6.00", "costco", "2025-01-01").purchase("p2", "ka", 2, "7.50", "costco", "2026-01-01")
    package = plan_event(b.bakery, "e").shopping_list[0].packages[0]
    assert (package.count, package.estimated_cost) == (3, D("22.50"))


def test_the_supplier_falls_back_to_where_the_product_was_last_bought() -> None:
    b = _flour_bakery(48).product("ka", "flour", 5, "lb").supplier("shaws", "Shaw's")
    b.purchase("p1", "ka", 1, "6.00", "shaws")
    assert plan_event(b.bakery, "e").shopping_list[0].packages[0].supplier_name == "Shaw's"


def test_a_lot_that_cannot_be_converted_is_named_not_counted_as_zero() -> None:
    # A house blend is in no reference table: without the baker's density its lot in lb cannot count.
    b = BakeryBuilder().ingredient("house_blend").recipe("bread", [("house_blend", 8, "cup")])
    b.unit("loaf", "bread", 1).event("e", [("loaf", 1)]).product("ka", "house_blend", 5, "lb").lot("l1", "ka", 1)
    plan = plan_event(b.bakery, "e")
    assert plan.shopping_list[0].on_hand == D(0)
    assert any("lot l1" in w and "house_blend" in w for w in plan.warnings)


def test_the_list_groups_by_supplier_with_unknown_stores_last() -> None:
    b = BakeryBuilder()
    for name, store in (("flour", "costco"), ("sugar", "aldi"), ("salt", None)):
        b.recipe(f"r-{name}", [(name, 1, "lb")]).unit(f"u-{name}", f"r-{name}", 1)
        b.product(f"p-{name}", name, 1, "lb", supplier=store)
    b.event("e", [("u-flour", 1), ("u-sugar", 1), ("u-salt", 1)])
    groups = shopping_by_supplier(plan_event(b.bakery, "e"))
    assert [name for name, _ in groups] == ["Aldi", "Costco", "Any store"]
    text = render_shopping_list_text(plan_event(b.bakery, "e"))
    assert text.index("Aldi") < text.index("Costco") < text.index("Any store")
