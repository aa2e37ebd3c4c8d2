"""scale_recipe, can_make, event_cost and save_equipment through the functions: answers and 4xx naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call

EQUIPMENT = [
    {"slug": "hobart", "name": "20-qt Hobart", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
     "recipes": [{"recipe_slug": "gingerbread-chai-cookies", "batch_size": 8, "batch_unit": "qt"}]},
    {"slug": "deck", "name": "Deck oven", "kind": "oven", "pans_per_load": 4,
     "recipes": [{"recipe_name": "Gingerbread Chai Cookies", "pans_per_batch": 3}]},
]


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    body = call(main.create_tenant, {"name": "Beyond"}, claims={"uid": "bea"})[1]
    claims = {"uid": "bea", "tenant_id": body["tenant_id"], "role": "owner"}
    status, answer = call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")},
                          claims=claims)
    assert status == 200, answer
    return claims


def test_scale_recipe(owner: dict[str, Any]) -> None:
    status, answer = call(main.scale_recipe, {"recipe": "Gingerbread Chai Cookies", "ingredient": "flour_all_purpose",
                                              "amount": "3", "unit": "lb"}, claims=owner)
    assert status == 200, answer
    assert answer["by"]["unit"] == "LBR" and answer["factor"] > 1
    assert answer["bakers_percentages"]["available"] is True


@pytest.mark.parametrize("body, field", [
    ({"recipe": "gingerbread-chai-cookies", "ingredient": "flour_all_purpose", "amount": -1, "unit": "lb"}, "amount"),
    ({"recipe": "gingerbread-chai-cookies", "ingredient": "flour_all_purpose", "amount": 1, "unit": "smidgen"},
     "unit"),
    ({"recipe": "gingerbread-chai-cookies", "ingredient": "caramel_bits", "amount": 1, "unit": "lb"}, "ingredient"),
    ({"recipe": "no-such-recipe", "ingredient": "flour_all_purpose", "amount": 1, "unit": "lb"}, "recipe"),
    ({"recipe": "gingerbread-chai-cookies", "ingredient": "flour_all_purpose", "amount": 1}, "unit"),
])
def test_scale_recipe_refuses_naming_the_field(owner: dict[str, Any], body: dict[str, Any], field: str) -> None:
    status, answer = call(main.scale_recipe, body, claims=owner)
    assert 400 <= status < 500 and answer["error"]["field"] == field, answer


def test_can_make_and_event_cost(owner: dict[str, Any]) -> None:
    status, can = call(main.can_make, {"event": "Winter Market 2026"}, claims=owner)
    assert status == 200 and {r["recipe_slug"] for r in can["recipes"]} >= {"gingerbread-chai-cookies"}
    status, cost = call(main.event_cost, {"event": "winter-market-2026"}, claims=owner)
    assert status == 200 and cost["currency"] == "USD" and cost["complete"] is False
    status, missing = call(main.can_make, {"event": "Summer Fair"}, claims=owner)
    assert (status, missing["error"]["field"]) == (404, "event")


def test_saved_equipment_shows_in_the_plan_and_the_export(owner: dict[str, Any], backend: MemoryBackend) -> None:
    status, answer = call(main.save_equipment, {"equipment": EQUIPMENT}, claims=owner)
    assert status == 200 and answer["changed"] == {"equipment": 2}, answer
    plan = call(main.plan_event, {"event": "Winter Market 2026"}, claims=owner)[1]
    cookies = next(r for r in plan["recipes"] if r["recipe_slug"] == "gingerbread-chai-cookies")
    assert cookies["mixes"]["mixes"] == [2, 2] and cookies["oven_loads"]["count"] == 3
    exported = call(main.export_desktop, claims=owner, method="GET")[1]
    assert [e["slug"] for e in exported["equipment"]] == ["deck", "hobart"]


@pytest.mark.parametrize("record, field", [
    ({"slug": "x", "name": "X", "kind": "blender"}, "kind"),
    ({"slug": "x", "name": "X", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
      "recipes": [{"recipe_slug": "gingerbread-chai-cookies", "batch_size": 8, "batch_unit": "kg"}]}, "batch_unit"),
    ({"slug": "x", "name": "X", "kind": "oven", "pans_per_load": 0}, "pans_per_load"),
    ({"slug": "x", "name": "X", "kind": "oven", "pans_per_load": 4,
      "recipes": [{"recipe_slug": "no-such-recipe", "pans_per_batch": 1}]}, "recipe_slug"),
])
def test_bad_equipment_is_refused_naming_the_field(owner: dict[str, Any], backend: MemoryBackend,
                                                   record: dict[str, Any], field: str) -> None:
    status, answer = call(main.save_equipment, {"equipment": [record]}, claims=owner)
    assert (status, answer["error"]["field"]) == (400, field), answer
    assert backend.stores[owner["tenant_id"]].bakery.equipment == {}


def test_buffers_and_margins_are_saved_with_events_and_goods(owner: dict[str, Any]) -> None:
    before = call(main.plan_event, {"event": "Winter Market 2026"}, claims=owner)[1]
    exported = call(main.export_desktop, claims=owner, method="GET")[1]  # an event is saved whole: with its goods
    event = next(e for e in exported["events"] if e["slug"] == "winter-market-2026") | {"buffer_percentage": 10}
    goods = [g for g in exported["event_finished_goods"] if g.get("event_slug", "") == "winter-market-2026"
             or g.get("event_name") == "Winter Market 2026"]
    status, answer = call(main.save_events, {"events": [event], "event_finished_goods": goods}, claims=owner)
    assert status == 200, answer
    after = call(main.plan_event, {"event": "winter-market-2026"}, claims=owner)[1]
    assert sum(u["buffer"] for u in after["finished_units"]) > 0
    assert sum(r["batches"] for r in after["recipes"]) >= sum(r["batches"] for r in before["recipes"])
    status, answer = call(main.save_finished_goods, {"finished_goods": [
        {"slug": "cookie-tin", "display_name": "Cookie tin", "target_margin_percentage": 100}]}, claims=owner)
    assert (status, answer["error"]["field"]) == (400, "target_margin_percentage")


def test_equipment_is_deleted_and_keeps_its_recipes(owner: dict[str, Any], backend: MemoryBackend) -> None:
    assert call(main.save_equipment, {"equipment": EQUIPMENT}, claims=owner)[0] == 200
    status, answer = call(main.delete_record, {"collection": "recipes", "key": "gingerbread-chai-cookies"},
                          claims=owner)
    assert status == 409 and "mixer hobart" in answer["error"]["message"]
    status, _ = call(main.delete_record, {"collection": "equipment", "key": "hobart"}, claims=owner)
    assert status == 200 and set(backend.stores[owner["tenant_id"]].bakery.equipment) == {"deck"}
