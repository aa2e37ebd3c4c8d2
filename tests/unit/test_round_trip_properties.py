"""import → export → import is lossless for generated desktop files, and array order never matters (hypothesis)."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.desktop_format.desktop_export import export_desktop
from core.desktop_format.desktop_import import MODELLED_SECTIONS, import_desktop
from tests.conftest import load_fixture

names = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=20).map(
    str.strip
).filter(bool)
amounts = st.decimals(min_value="0.01", max_value="999", places=2).map(float)
units = st.sampled_from(["cup", "cups", "tbsp", "tsp", "oz", "lb", "g", "kg", "ml", "fl oz", "each", "dozen"])


@st.composite
def desktop_files(draw: st.DrawFn) -> dict[str, Any]:
    ingredient_slugs = draw(st.lists(st.from_regex(r"[a-z]{3,8}(_[a-z]{2,6})?", fullmatch=True), min_size=1,
                                     max_size=5, unique=True))
    ingredients: list[dict[str, Any]] = []
    for slug in ingredient_slugs:
        row: dict[str, Any] = {"slug": slug, "display_name": slug.title(), "hierarchy_level": 2}
        if draw(st.booleans()):
            row |= {"density_volume_value": 1, "density_volume_unit": "cup",
                    "density_weight_value": draw(amounts), "density_weight_unit": "oz"}
        ingredients.append(row)
    products = [
        {"ingredient_slug": slug, "brand": draw(names), "package_unit": draw(st.sampled_from(["lb", "oz", "g"])),
         "package_unit_quantity": draw(amounts), "preferred": draw(st.booleans())}
        for slug in ingredient_slugs
    ]
    recipe_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=lambda n: n.casefold()))
    recipes = [
        {
            "name": name,
            "ingredients": [
                {"ingredient_slug": draw(st.sampled_from(ingredient_slugs)), "quantity": draw(amounts),
                 "unit": draw(units)}
                for _ in range(draw(st.integers(0, 3)))
            ],
            "components": [{"recipe_name": recipe_names[0], "quantity": draw(amounts)}] if i > 0 and draw(
                st.booleans()) else [],
            "finished_units": [
                {"slug": f"fu-{i}-{j}", "name": f"Unit {j}", "yield_mode": "discrete_count",
                 "unit_yield_quantity": draw(st.integers(1, 60)), "unit_yield_unit": "piece"}
                for j in range(draw(st.integers(0, 2)))
            ],
        }
        for i, name in enumerate(recipe_names)
    ]
    inventory = [
        {"ingredient_slug": p["ingredient_slug"], "product_brand": p["brand"], "quantity": draw(amounts),
         "purchase_date": "2026-01-0" + str(draw(st.integers(1, 9)))}
        for p in products
        if draw(st.booleans())
    ]
    return {"version": "4.1", "application": "bake-tracker", "ingredients": ingredients, "products": products,
            "inventory_items": inventory, "recipes": recipes}


@settings(max_examples=120, deadline=None)
@given(desktop_files())
def test_import_export_import_is_identical(data: dict[str, Any]) -> None:
    first = import_desktop(data)
    if not first.ok:  # generated names can collide after slugging; then the import must say so
        assert all(p.message for p in first.problems)
        return
    again = import_desktop(json.loads(json.dumps(export_desktop(first.bakery))))
    assert again.problems == []
    assert again.bakery == first.bakery


SAMPLE_FILES = [load_fixture(name) for name in
                ("desktop/sample_data_all.json", "desktop/sample_data_min.json", "desktop-plans/winter_events.json")]
SAMPLE_BAKERIES = [import_desktop(data).bakery for data in SAMPLE_FILES]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, len(SAMPLE_FILES) - 1), st.randoms(use_true_random=False))
def test_a_sample_file_in_any_array_order_imports_to_the_same_bakery(which: int, rng: random.Random) -> None:
    shuffled = json.loads(json.dumps(SAMPLE_FILES[which]))
    for key, value in shuffled.items():
        if isinstance(value, list) and key in MODELLED_SECTIONS:  # other sections are kept verbatim
            rng.shuffle(value)
    assert import_desktop(shuffled).bakery == SAMPLE_BAKERIES[which]


@settings(max_examples=40, deadline=None)
@given(desktop_files(), st.randoms(use_true_random=False))
def test_a_generated_file_in_any_array_order_imports_to_the_same_bakery(
    data: dict[str, Any], rng: random.Random
) -> None:
    shuffled = json.loads(json.dumps(data))
    for key in ("ingredients", "products", "inventory_items", "recipes"):
        rng.shuffle(shuffled[key])
    first, again = import_desktop(data), import_desktop(shuffled)
    assert again.ok == first.ok  # problems name array indexes, which the shuffle moves
    if first.ok:
        assert again.bakery == first.bakery
