"""Every value of a desktop file comes back from import → export, per section, record and field.

The generated files carry every section and every field the desktop's exporter writes
(`src/services/import_export_service.py`, `export_all_to_json`, commit 5ba2de31) and its
spec names, plus a field nobody knows on every record; numbers compare as numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.desktop_format.desktop_export import export_desktop
from core.desktop_format.desktop_import import import_desktop
from core.desktop_format.fidelity import lost_values, same_value
from tests.conftest import load_fixture

SAMPLES = ["desktop/sample_data_all.json", "desktop/sample_data_min.json", "desktop-plans/winter_events.json"]

# Values an export may lose by design. Empty: the database ids the desktop writes (supplier `id`,
# `preferred_supplier_id`, purchase `id`, `purchase_id`) are kept as written, like any other value.
ALLOWED_LOSSES: set[tuple[str, str]] = set()


def _round_trip(data: dict[str, Any]) -> dict[str, Any]:
    result = import_desktop(data)
    assert result.problems == []
    exported: dict[str, Any] = json.loads(json.dumps(export_desktop(result.bakery)))
    return exported


@pytest.mark.parametrize("name", SAMPLES)
def test_every_value_of_a_sample_file_comes_back(name: str) -> None:
    data = load_fixture(name)
    lost = [str(v) for v in lost_values(data, _round_trip(data)) if (v.section, v.field) not in ALLOWED_LOSSES]
    assert lost == []


def test_the_values_the_desktops_export_lost_before_come_back() -> None:
    out = _round_trip(load_fixture("desktop-plans/winter_events.json"))
    assert {m["base_unit_type"] for m in out["materials"]} == {"each"}
    assert all(row["created_at"] for row in out["event_recipes"])
    bundt = next(r for r in out["recipes"] if r["name"] == "Sour Cream-Chocolate Bundt Cake")
    quarter = next(u for u in bundt["finished_units"] if u["slug"] == "bundt-quarter")
    assert (quarter["unit_yield_quantity"], quarter["unit_yield_unit"]) == (25, "quarter bundt")
    product = next(p for p in out["products"] if p.get("preferred_supplier_slug") == "penzeys_spices_arlington_ma")
    assert product["preferred_supplier_name"] == "Penzeys Spices (Arlington, MA)"
    assert product["preferred_supplier_id"] == 4


def test_the_diff_names_section_index_and_field_and_compares_numbers_as_numbers() -> None:
    original = {"recipes": [{"name": "A", "ingredients": [{"ingredient_slug": "x", "quantity": 2.0, "unit": "cup"}]}],
                "notes": ["kept"]}
    assert lost_values(original, {"recipes": [{"name": "A", "ingredients": [
        {"ingredient_slug": "x", "quantity": "2", "unit": "cup"}]}], "notes": ["kept"]}) == []
    lost = lost_values(original, {"recipes": [{"name": "A", "ingredients": [{"ingredient_slug": "x", "quantity": 3}]}]})
    assert [(v.section, v.index, v.field) for v in lost] == [
        ("recipes", 0, "ingredients[0].quantity"), ("recipes", 0, "ingredients[0].unit"), ("notes", 0, "")]
    assert same_value(True, True) and not same_value(1, True) and not same_value("071", "71")


# -- generated files with every section and field ---------------------------------------------------------------
words = st.text(alphabet=st.characters(categories=("L",), max_codepoint=0x24F), min_size=1, max_size=8)
# Free text without surrounding blanks: the import trims text fields (a documented limit).
texts = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P"), max_codepoint=0x24F), max_size=20).map(
    str.strip
)
amounts = st.decimals(min_value="0.25", max_value="500", places=2).map(float)
counts = st.integers(1, 60)
days = st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat)
moments = st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 12, 31)).map(lambda m: m.isoformat())
unit_words = st.sampled_from(["cup", "tsp", "tbsp", "oz", "lb", "g", "kg", "ml", "each", "count", "cups", "Tbsp"])
package_units = st.sampled_from(["lb", "oz", "g", "kg", "count", "each"])


def _name(prefix: str, i: int, word: str) -> str:
    return f"{prefix}{i} {word}"  # the digit after the prefix keeps names apart after slugging


@st.composite
def full_desktop_files(draw: st.DrawFn) -> dict[str, Any]:
    custom = {"x_custom": draw(texts)}  # a field nobody knows, on every record
    suppliers = [
        {**custom, "id": i + 1, "uuid": f"uuid-s{i}", "slug": f"supplier_{i}", "name": _name("S", i, draw(words)),
         "supplier_type": draw(st.sampled_from(["physical", "online"])), "city": draw(words), "state": "MA",
         "zip_code": "02451", "is_active": draw(st.booleans()), "website_url": "https://example.com",
         "street_address": draw(texts), "notes": draw(texts), "created_at": draw(moments), "updated_at": draw(moments)}
        for i in range(draw(st.integers(1, 3)))
    ]
    ingredients = []
    for i in range(draw(st.integers(2, 4))):
        row: dict[str, Any] = {**custom, "display_name": _name("I", i, draw(words)), "slug": f"ingredient_{i}",
                               "category": draw(words), "hierarchy_level": 2, "description": draw(texts),
                               "notes": draw(texts), "moisture_pct": draw(amounts), "allergens": ["gluten"],
                               "foodon_id": "FOODON_1", "foodex2_code": "A001", "langual_terms": ["B1"],
                               "fdc_ids": [123]}
        if i:
            row["parent_slug"] = "ingredient_0"
        if draw(st.booleans()):
            row |= {"density_volume_value": draw(amounts),
                    "density_volume_unit": draw(st.sampled_from(["cup", "tbsp"])),
                    "density_weight_value": draw(amounts), "density_weight_unit": draw(st.sampled_from(["oz", "g"]))}
        ingredients.append(row)
    products = []
    for i, ing in enumerate(ingredients):
        supplier = draw(st.sampled_from(suppliers))
        display = supplier["name"] + (" (Online)" if supplier["supplier_type"] == "online"
                                      else f" ({supplier['city']}, {supplier['state']})")
        products.append({
            **custom, "ingredient_slug": ing["slug"], "package_unit": draw(package_units),
            "package_unit_quantity": draw(amounts), "brand": _name("B", i, draw(words)), "product_name": draw(words),
            "package_size": draw(texts), "package_type": "bag", "upc_code": f"0{i}1234567890",
            "supplier": supplier["name"], "supplier_sku": "SKU1", "gtin": f"000{i}1234567890", "brand_owner": "Owner",
            "gpc_brick_code": "10000", "net_content_value": draw(amounts), "net_content_uom": "oz",
            "country_of_sale": "US", "off_id": "off1", draw(st.sampled_from(["preferred", "is_preferred"])): True,
            "notes": draw(texts), "preferred_supplier_id": supplier["id"], "preferred_supplier_slug": supplier["slug"],
            "preferred_supplier_name": display, "is_hidden": draw(st.booleans()),
        })
    purchases = [
        {**custom, "id": 100 + i, "uuid": f"uuid-p{i}", "product_id": 7 + i, "supplier_id": suppliers[0]["id"],
         "ingredient_slug": p["ingredient_slug"], "product_brand": p["brand"], "purchase_date": draw(days),
         "quantity_purchased": draw(counts), "unit_price": str(draw(amounts)), "product_name": p["product_name"],
         "package_size": p["package_size"], "package_unit": p["package_unit"], "notes": draw(texts),
         "created_at": draw(moments)}
        for i, p in enumerate(products)
    ]
    inventory = [
        {**custom, "ingredient_slug": p["ingredient_slug"], "product_brand": p["brand"], "quantity": draw(amounts),
         "purchase_date": draw(days), "product_name": p["product_name"], "package_size": p["package_size"],
         "package_unit": p["package_unit"], "package_unit_quantity": p["package_unit_quantity"],
         "expiration_date": draw(days), "location": draw(words), "notes": draw(texts), "purchase_id": 100 + i}
        for i, p in enumerate(products)
    ]
    recipe_names = [_name("R", i, draw(words)) for i in range(draw(st.integers(2, 4)))]
    recipes, finished_units = [], []
    for i, name in enumerate(recipe_names):
        units = []
        for j in range(draw(st.integers(1, 2))):
            portion = draw(st.booleans())
            slug = f"unit-{i}-{j}"
            unit: dict[str, Any] = {**custom, "slug": slug, "recipe_name": name, "display_name": _name("U", j, name),
                                    "yield_mode": "batch_portion" if portion else "discrete_count",
                                    "yield_type": "SERVING", "category": draw(words), "description": draw(texts),
                                    "production_notes": draw(texts), "notes": draw(texts)}
            embedded: dict[str, Any] = {"slug": slug, "name": unit["display_name"], "yield_mode": unit["yield_mode"]}
            if portion:
                percentage, description = draw(st.sampled_from([25.0, 50.0, 12.5, 100.0])), draw(words)
                unit |= {"batch_percentage": percentage, "portion_description": description}
                embedded |= {"unit_yield_quantity": percentage, "unit_yield_unit": description}
            else:
                per_batch, item = draw(counts), draw(words)
                unit |= {"items_per_batch": per_batch, "item_unit": item}
                embedded |= {"unit_yield_quantity": per_batch, "unit_yield_unit": item}
            units.append(embedded)
            finished_units.append(unit)
        recipes.append({
            **custom, "name": name, "category": draw(words), "source": draw(texts),
            "estimated_time_minutes": draw(counts), "notes": draw(texts),
            # the desktop names a base by its name, lower case, spaces as underscores
            "base_recipe_slug": recipe_names[0].lower().replace(" ", "_") if i and draw(st.booleans()) else None,
            "variant_name": draw(words) if i else None, "is_production_ready": draw(st.booleans()),
            "finished_units": units,
            "ingredients": [{**custom, "ingredient_slug": draw(st.sampled_from(ingredients))["slug"],
                             "quantity": draw(amounts), "unit": draw(unit_words), "notes": draw(texts)}
                            for _ in range(draw(st.integers(1, 3)))],
            "components": [{**custom, "recipe_name": recipe_names[0], "quantity": draw(amounts), "notes": draw(texts)}]
            if i and draw(st.booleans()) else [],
        })
    goods = [{**custom, "slug": u["slug"], "display_name": u["display_name"], "assembly_type": "bare",
              "description": draw(texts), "packaging_instructions": draw(texts), "notes": draw(texts)}
             for u in finished_units]
    goods.append({**custom, "slug": "gift-box", "display_name": "Gift Box", "assembly_type": "bundle",
                  "description": draw(texts), "packaging_instructions": draw(texts), "notes": draw(texts)})
    compositions = [
        {**custom, "component_quantity": float(draw(counts)), "sort_order": k, "finished_good_slug": "gift-box",
         "package_name": None, "finished_unit_slug": u["slug"], "finished_good_component_slug": None,
         "packaging_product_id": None, "material_unit_slug": None, "is_generic": False, "notes": draw(texts)}
        for k, u in enumerate(finished_units[:2])
    ] + [{"component_quantity": 1.0, "sort_order": 0, "finished_good_slug": None, "package_name": "Family Box",
          "finished_unit_slug": None, "finished_good_component_slug": "gift-box", "packaging_product_id": None,
          "material_unit_slug": None, "is_generic": False}]
    events = [
        {**custom, "name": _name("E", i, draw(words)), "event_date": f"{2026 + i}-12-1{i}", "year": 2026 + i,
         "notes": draw(texts), "output_mode": draw(st.sampled_from(["bundled", "packaged", "bulk_count", None])),
         "expected_attendees": draw(counts), "plan_state": draw(st.sampled_from(["draft", "locked"]))}
        for i in range(draw(st.integers(1, 2)))
    ]
    event = events[0]["name"]
    materials = [
        {**custom, "uuid": f"uuid-m{i}", "subcategory_slug": "boxes", "name": _name("M", i, draw(words)),
         "slug": f"material_{i}", "base_unit_type": draw(st.sampled_from(["each", "linear_inches"])),
         "description": draw(texts)}
        for i in range(draw(st.integers(1, 2)))
    ]
    return {
        "version": "4.1", "exported_at": draw(moments) + "Z", "application": "bake-tracker",
        "suppliers": suppliers, "ingredients": ingredients, "products": products, "purchases": purchases,
        "inventory_items": inventory, "recipes": recipes, "finished_units": finished_units, "finished_goods": goods,
        "compositions": compositions,
        "packages": [{"name": "Family Box", "is_template": False, "description": draw(texts), "notes": draw(texts)}],
        "package_finished_goods": [{"package_name": "Family Box", "finished_good_slug": "gift-box", "quantity": 1}],
        "recipients": [{**custom, "name": "Mom", "household_name": draw(words), "address": draw(texts),
                        "notes": draw(texts)}],
        "events": events,
        "event_recipient_packages": [
            {**custom, "event_name": event, "recipient_name": "Mom", "package_name": "Family Box",
             "quantity": draw(counts), "status": "pending", "fulfillment_status": "pending",
             "delivered_to": draw(words), "notes": draw(texts)}],
        "event_production_targets": [{**custom, "event_name": event, "recipe_name": recipe_names[0],
                                      "target_batches": draw(counts), "notes": draw(texts)}],
        "event_assembly_targets": [{**custom, "event_name": event, "finished_good_slug": "gift-box",
                                    "target_quantity": draw(counts), "notes": draw(texts)}],
        "production_records": [{"event_name": event, "recipe_name": recipe_names[0], "batches": 1,
                                "produced_at": draw(moments) + "Z", "actual_cost": draw(amounts)}],
        "production_runs": [{**custom, "event_name": event, "recipe_name": recipe_names[-1],
                             "num_batches": draw(counts), "actual_yield": draw(counts),
                             "produced_at": draw(moments) + "Z", "notes": draw(texts)}],
        "assembly_runs": [{**custom, "event_name": event, "finished_good_slug": "gift-box",
                           "quantity_assembled": draw(counts), "assembled_at": draw(moments) + "Z",
                           "notes": draw(texts)}],
        "material_categories": [{"uuid": "c1", "name": "Packaging", "slug": "packaging", "description": None,
                                 "sort_order": 1}],
        "material_subcategories": [{"uuid": "s1", "category_slug": "packaging", "name": "Boxes", "slug": "boxes",
                                    "description": None, "sort_order": 1}],
        "materials": materials,
        "material_products": [
            {**custom, "uuid": f"uuid-mp{i}", "material_slug": m["slug"], "name": _name("P", i, draw(words)),
             "slug": f"mp_{i}", "brand": draw(words), "package_quantity": draw(counts),
             "package_unit": draw(st.sampled_from(["each", "count"])), "quantity_in_base_units": draw(counts),
             "supplier_slug": suppliers[0]["slug"], "sku": "SKU", "is_hidden": False, "notes": draw(texts)}
            for i, m in enumerate(materials)],
        "material_units": [{"uuid": "u1", "material_product_slug": "mp_0", "name": "One box", "slug": "one-box",
                            "quantity_per_unit": 1, "description": None}],
        "recipe_categories": [{"uuid": "rc1", "name": "Cookies", "slug": "cookies", "sort_order": 1,
                               "description": None}],
        "event_recipes": [{**custom, "event_name": event, "recipe_name": name, "created_at": draw(moments)}
                          for name in recipe_names],
        "event_finished_goods": [{**custom, "event_name": event, "finished_good_name": "Gift Box",
                                  "quantity": draw(counts), "created_at": draw(moments), "updated_at": draw(moments)}],
        "batch_decisions": [{"event_name": event, "recipe_name": recipe_names[0], "batches": draw(counts),
                             "created_at": draw(moments), "updated_at": draw(moments),
                             "finished_unit_name": finished_units[0]["display_name"]}],
        "plan_amendments": [{"event_name": event, "amendment_type": "add_fg", "amendment_data": {"qty": 2},
                             "reason": draw(texts), "created_at": draw(moments)}],
    }


@settings(max_examples=50, deadline=None)
@given(full_desktop_files())
def test_every_section_and_field_of_a_generated_file_comes_back(data: dict[str, Any]) -> None:
    first = import_desktop(data)
    assert first.problems == []
    exported = json.loads(json.dumps(export_desktop(first.bakery)))
    assert [str(v) for v in lost_values(data, exported)] == []
    again = import_desktop(exported)
    assert again.problems == []
    for collection in first.bakery.counts():
        before, after = getattr(first.bakery, collection), getattr(again.bakery, collection)
        assert {k: v for k, v in after.items() if before.get(k) != v} == {}, collection
    assert again.bakery == first.bakery
