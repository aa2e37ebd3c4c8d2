"""Desktop import: every sample file loads without loss; a bad file changes nothing and says why."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from core.bakery import Bakery
from core.desktop_format.desktop_import import import_desktop, import_into
from core.recipes.entities import YieldMode
from core.recipes.finished_goods import ComponentKind
from tests.conftest import load_fixture

SAMPLES = ["desktop/sample_data_all.json", "desktop/sample_data_min.json", "desktop-plans/winter_events.json"]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_desktop_sample_imports_without_a_problem(name: str) -> None:
    assert import_desktop(load_fixture(name)).problems == []


def test_the_full_sample_keeps_every_record() -> None:
    counts = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery.counts()
    assert {k: counts[k] for k in ("ingredients", "products", "lots", "recipes", "suppliers", "materials",
                                   "material_products", "recipients", "events")} == {
        "ingredients": 413, "products": 156, "lots": 156, "recipes": 20, "suppliers": 6, "materials": 21,
        "material_products": 26, "recipients": 3, "events": 1,
    }


def test_the_min_sample_leaning_on_a_catalog_gets_placeholder_ingredients_with_a_notice() -> None:
    result = import_desktop(load_fixture("desktop/sample_data_min.json"))
    assert result.ok and result.notices
    assert result.bakery.ingredients["flour_all_purpose"].extra == {"placeholder": True}


def test_the_min_sample_on_top_of_the_full_catalog_uses_the_real_ingredients() -> None:
    catalog = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    result = import_into(catalog, load_fixture("desktop/sample_data_min.json"))
    assert result.ok
    assert result.bakery.ingredients["flour_all_purpose"].density is not None


def test_what_the_desktop_rejects_in_its_own_sample_still_imports() -> None:
    bakery = import_desktop(load_fixture("desktop/sample_data_min.json")).bakery
    pie = bakery.finished_units["pumpkin-pie-whole"]
    assert (pie.yield_mode, pie.items_per_batch, pie.extra["yield_mode"]) == (YieldMode.DISCRETE_COUNT, 1, "weight")
    assert bakery.events["christmas-gifts-2025"].output_mode == "packaged"
    assert bakery.recipes["double-chocolate-chip-cookies"].base_recipe_slug == "chocolate-chip-cookies"


@pytest.fixture(scope="module")
def winter() -> Bakery:
    return import_desktop(load_fixture("desktop-plans/winter_events.json")).bakery


def test_a_variant_named_by_its_bases_accented_name_finds_its_base(winter: Bakery) -> None:
    variant = winter.recipes["toasted-almond-sables-hazelnut"]
    assert (variant.base_recipe_slug, variant.variant_name) == ("toasted-almond-sables", "Hazelnut")


def test_a_nested_recipe_named_by_recipe_name_resolves(winter: Bakery) -> None:
    components = winter.recipes["marble-fruit-cake"].components
    assert [(c.recipe_slug, c.quantity) for c in components] == [("candy-bar-fudge", Decimal("0.25"))]


def test_bundles_inside_bundles_and_portions_come_through(winter: Bakery) -> None:
    platter = winter.finished_goods["party-platter"]
    parts = [(c.kind, c.slug, c.quantity) for c in platter.components]
    assert (ComponentKind.FINISHED_GOOD, "cookie-tin", Decimal(2)) in parts
    assert winter.finished_units["bundt-quarter"].batch_percentage == 25


def test_event_finished_goods_named_by_display_name_resolve(winter: Bakery) -> None:
    wanted = {fg.finished_good_slug: fg.quantity for fg in winter.events["winter-market-2026"].finished_goods}
    assert wanted == {"cookie-tin": 15, "gingerbread-chai-cookie": 40, "bundt-quarter": 5}


def test_a_recipe_without_finished_units_gets_one_per_batch() -> None:
    data = {"ingredients": [{"slug": "flour"}], "recipes": [{"name": "Plain Loaf", "ingredients": []}]}
    unit = import_desktop(data).bakery.finished_units["plain-loaf"]
    assert (unit.recipe_slug, unit.items_per_batch, unit.item_unit) == ("plain-loaf", 1, "batch")


def _broken(data: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(data)
    bad["recipes"][0]["ingredients"][0]["unit"] = "smidgen"
    bad["recipes"][1]["ingredients"][0]["quantity"] = -2
    bad["products"][0]["package_unit_quantity"] = "lots"
    bad["inventory_items"][0]["product_brand"] = "Nobody"
    bad["event_finished_goods"][0]["finished_good_name"] = "Ghost Tin"
    return bad


def test_a_bad_file_reports_every_problem_with_entity_index_and_field() -> None:
    problems = import_desktop(_broken(load_fixture("desktop-plans/winter_events.json"))).problems
    where = {(p.entity, p.index, p.field) for p in problems}
    assert ("recipes[0].ingredients", 0, "unit") in where
    assert ("recipes[1].ingredients", 0, "quantity") in where
    assert ("products", 0, "package_unit_quantity") in where
    assert ("inventory_items", 0, "product_brand") in where
    assert ("event_finished_goods", 0, "finished_good_name") in where
    assert any("smidgen" in p.message for p in problems)


def test_a_bad_file_leaves_the_bakery_it_was_merged_into_unchanged() -> None:
    base = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    before = copy.deepcopy(base)
    result = import_into(base, _broken(load_fixture("desktop-plans/winter_events.json")))
    assert not result.ok
    assert base == before


def test_a_cycle_among_component_recipes_is_a_problem_naming_it() -> None:
    data = {
        "ingredients": [{"slug": "sugar"}],
        "recipes": [
            {"name": "A", "ingredients": [], "components": [{"recipe_name": "B", "quantity": 1}]},
            {"name": "B", "ingredients": [], "components": [{"recipe_name": "A", "quantity": 1}]},
        ],
    }
    problems = import_desktop(data).problems
    assert [p.field for p in problems] == ["components"]
    assert "a -> b -> a" in problems[0].message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"version": "9.9"}, "version"),
        ({"recipes": "nope"}, None),
        ({"ingredients": [{"slug": "x", "density_volume_value": 1}]}, "density_volume_unit"),
        ({"ingredients": [{"slug": "x"}], "recipes": [{"name": "R", "ingredients": [{"ingredient_slug": "x",
                                                                                  "quantity": True, "unit": "cup"}]}]},
         "quantity"),
        ({"suppliers": [{"city": "Boston"}]}, "name"),
    ],
)
def test_malformed_values_are_problems_not_crashes(data: dict[str, Any], field: str | None) -> None:
    problems = import_desktop(data).problems
    assert problems and problems[0].field == field


def test_a_purchase_without_inventory_creates_its_lot_from_the_package_size() -> None:
    data = {
        "ingredients": [{"slug": "flour"}],
        "suppliers": [{"name": "Costco", "slug": "costco"}],
        "products": [{"ingredient_slug": "flour", "brand": "KA", "package_unit": "lb", "package_unit_quantity": 5}],
        "purchases": [{"ingredient_slug": "flour", "product_brand": "KA", "supplier": "Costco",
                       "purchased_at": "2026-01-02T00:00:00Z", "quantity_purchased": 2, "unit_price": 7.5}],
    }
    lot = next(iter(import_desktop(data).bakery.lots.values()))
    assert (lot.quantity, lot.unit, lot.unit_cost) == (Decimal(10), "LBR", Decimal("1.5"))


def test_the_desktops_export_merges_into_a_bakery_that_has_the_same_recipes_under_older_slugs() -> None:
    base = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    assert "toasted-almond-sabl-s" in base.recipes
    merged = import_into(base, load_fixture("desktop-plans/winter_events.json"))
    assert merged.problems == []
    assert [r.slug for r in merged.bakery.recipes.values() if r.name == "Toasted Almond Sablés"] == [
        "toasted-almond-sabl-s"
    ]
    assert merged.bakery.recipes["toasted-almond-sables-hazelnut"].base_recipe_slug == "toasted-almond-sabl-s"


# -- names several things share ------------------------------------------------------------------------------------
def _min_with_goods(*rows: dict[str, Any]) -> dict[str, Any]:
    data = load_fixture("desktop/sample_data_min.json")
    data["event_finished_goods"] = [{"event_name": "Holiday Bake Sale 2025", "quantity": 2, **row} for row in rows]
    return data


def test_a_good_named_by_a_display_name_three_units_share_is_ambiguous_listing_them_and_the_fix() -> None:
    problems = import_desktop(_min_with_goods({"finished_good_name": "Dozen Cookies"})).problems
    assert [(p.entity, p.index, p.field) for p in problems] == [("event_finished_goods", 0, "finished_good_name")]
    message = problems[0].message
    assert message.startswith("ambiguous")
    assert "chocolate-chip-cookie-dozen, double-chocolate-cookie-dozen, sugar-cookie-dozen" in message
    assert "finished_good_slug" in message


def test_the_slug_our_exports_write_tells_goods_of_one_name_apart() -> None:
    result = import_desktop(_min_with_goods({"finished_good_slug": "sugar-cookie-dozen",
                                             "finished_good_name": "Dozen Cookies"}))
    assert result.problems == []
    goods = result.bakery.events["holiday-sale-2025"].finished_goods
    assert [g.finished_good_slug for g in goods] == ["sugar-cookie-dozen"]


def test_a_good_named_by_nothing_says_where_and_what() -> None:
    problems = import_desktop(_min_with_goods({"finished_good_name": "Ghost Tin"})).problems
    assert [str(p) for p in problems] == [
        "event_finished_goods[0].finished_good_name: no finished good or finished unit 'Ghost Tin' in the file"]


def test_events_of_one_name_are_told_apart_by_year_and_otherwise_ambiguous() -> None:
    data = {
        "ingredients": [], "recipes": [{"name": "Fudge", "ingredients": []}],
        "events": [{"name": "Christmas", "year": 2025, "event_date": "2025-12-25"},
                   {"name": "Christmas", "year": 2026, "event_date": "2026-12-25"}],
        "event_recipes": [{"event_name": "Christmas", "recipe_name": "Fudge"}],
    }
    problems = import_desktop(data).problems
    assert [(p.entity, p.field) for p in problems] == [("event_recipes", "event_name")]
    assert "christmas-2025, christmas-2026" in problems[0].message and "event_year" in problems[0].message
    data["event_recipes"][0]["event_year"] = 2026
    result = import_desktop(data)
    assert result.problems == [] and result.bakery.events["christmas-2026"].recipe_slugs == ("fudge",)


def test_two_events_of_one_name_and_year_are_a_problem_not_one_overwriting_the_other() -> None:
    data = {"events": [{"name": "Fair", "year": 2026}, {"name": "Fair", "year": 2026}]}
    assert [(p.entity, p.index, p.field) for p in import_desktop(data).problems] == [("events", 1, "name")]


def test_a_supplier_named_by_a_name_two_share_is_ambiguous_and_its_desktop_display_name_is_not() -> None:
    data: dict[str, Any] = {
        "suppliers": [{"slug": "costco_waltham", "name": "Costco", "city": "Waltham", "state": "MA"},
                      {"slug": "costco_boston", "name": "Costco", "city": "Boston", "state": "MA"}],
        "ingredients": [{"slug": "flour"}],
        "products": [{"ingredient_slug": "flour", "brand": "KA", "package_unit": "lb", "package_unit_quantity": 5,
                      "preferred_supplier_name": "Costco"}],
    }
    problems = import_desktop(data).problems
    assert [(p.entity, p.field) for p in problems] == [("products", "preferred_supplier_name")]
    assert "costco_boston, costco_waltham" in problems[0].message
    data["products"][0]["preferred_supplier_name"] = "Costco (Waltham, MA)"
    product = next(iter(import_desktop(data).bakery.products.values()))
    assert product.preferred_supplier_slug == "costco_waltham"


def test_a_portion_unit_only_in_its_recipes_list_reads_percentage_and_description() -> None:
    data = {"ingredients": [], "recipes": [{"name": "Bundt", "ingredients": [], "finished_units": [
        {"slug": "bundt-quarter", "name": "Bundt Quarter", "yield_mode": "batch_portion",
         "unit_yield_quantity": 25.0, "unit_yield_unit": "quarter bundt"}]}]}
    unit = import_desktop(data).bakery.finished_units["bundt-quarter"]
    assert (unit.yield_mode, unit.batch_percentage, unit.extra["portion_description"]) == (
        YieldMode.BATCH_PORTION, 25, "quarter bundt")
