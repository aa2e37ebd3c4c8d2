"""Export writes what the desktop reads back; import → export → import loses nothing."""

from __future__ import annotations

import json
import random

import pytest

from core.desktop_format.desktop_export import export_desktop
from core.desktop_format.desktop_import import MODELLED_SECTIONS, import_desktop
from tests.conftest import load_fixture

SAMPLES = ["desktop/sample_data_all.json", "desktop/sample_data_min.json", "desktop-plans/winter_events.json"]


@pytest.mark.parametrize("name", SAMPLES)
def test_import_export_import_is_lossless(name: str) -> None:
    first = import_desktop(load_fixture(name)).bakery
    exported = json.loads(json.dumps(export_desktop(first)))
    again = import_desktop(exported)
    assert again.problems == []
    assert again.bakery == first


def test_the_export_looks_like_the_desktops_own() -> None:
    out = export_desktop(import_desktop(load_fixture("desktop-plans/winter_events.json")).bakery)
    assert (out["version"], out["application"]) == ("4.1", "bake-tracker")
    recipe = next(r for r in out["recipes"] if r["name"] == "Marble Fruit Cake")
    assert recipe["components"][0]["recipe_name"] == "Candy-Bar Fudge"
    assert {line["unit"] for line in recipe["ingredients"]} <= {"cup", "tsp", "tbsp", "each", "oz", "lb"}
    assert {"event_name": "Winter Market 2026", "finished_good_name": "Cookie Tin", "quantity": 15}.items() <= next(
        row for row in out["event_finished_goods"] if row["finished_good_slug"] == "cookie-tin"
    ).items()


@pytest.mark.parametrize("name", SAMPLES)
def test_the_same_data_in_any_order_imports_to_the_same_bakery(name: str) -> None:
    data = load_fixture(name)
    shuffled = json.loads(json.dumps(data))
    rng = random.Random(7)
    for key, value in shuffled.items():
        if isinstance(value, list) and key in MODELLED_SECTIONS:  # other sections are kept verbatim
            rng.shuffle(value)
    assert import_desktop(shuffled).bakery == import_desktop(data).bakery


def test_exports_of_the_same_bakery_are_identical() -> None:
    import datetime as dt

    bakery = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert json.dumps(export_desktop(bakery, stamp)) == json.dumps(export_desktop(bakery, stamp))


def test_what_happened_in_the_kitchen_survives_an_export() -> None:
    """Purchases, production with lot draws and losses, level checks: all back after export → import."""
    import datetime as dt
    from decimal import Decimal

    from core.memory_repository import MemoryStore
    from core.planning.events import Loss, LossCategory
    from core.services import record_production_run, record_purchase, set_remaining_percentage
    from tests.support.bakery_builder import BakeryBuilder

    b = BakeryBuilder().ingredient("flour", ("1", "cup", "4", "oz")).supplier("costco", "Costco")
    b.recipe("bread", [("flour", 3, "cup")]).unit("loaf", "bread", 1).event("fair", [("loaf", 2)])
    b.product("ka", "flour", 5, "lb", supplier="costco")
    store = MemoryStore(b.bakery)
    record_purchase(store.unit_of_work(), product_id="ka", packages=2, unit_price="7.99",
                    purchased_on=dt.date(2026, 11, 1), supplier_slug="costco")
    record_production_run(store.unit_of_work(), recipe_slug="bread", batches=2, event_slug="fair",
                          actual_yield=1, losses=[Loss(LossCategory.BURNT, Decimal(1))])
    set_remaining_percentage(store.unit_of_work(), product_id="ka", percentage=40)
    bakery = store.bakery
    assert bakery.production_runs and bakery.depletions
    again = import_desktop(json.loads(json.dumps(export_desktop(bakery))))
    assert again.problems == []
    assert again.bakery.production_runs == bakery.production_runs
    assert again.bakery.depletions == bakery.depletions
    assert again.bakery.lots == bakery.lots
