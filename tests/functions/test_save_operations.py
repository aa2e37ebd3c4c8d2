"""Catalog, recipes, finished goods and events written through the functions, checked like an import."""

from __future__ import annotations

from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    body = call(main.create_tenant, {"name": "Saves"}, claims={"uid": "sam"})[1]
    return {"uid": "sam", "tenant_id": body["tenant_id"], "role": "owner"}


def _bakery(backend: MemoryBackend, owner: dict[str, Any]) -> Any:
    return backend.stores[owner["tenant_id"]].bakery


def test_a_recipe_bundle_and_event_built_step_by_step_plan(owner: dict[str, Any], backend: MemoryBackend) -> None:
    flour = {"ingredients": [{"slug": "flour", "display_name": "Flour"}]}
    assert call(main.save_catalog, flour, claims=owner)[0] == 200
    recipe = {"name": "Shortbread", "ingredients": [{"ingredient_slug": "flour", "quantity": 2, "unit": "cups"}],
              "finished_units": [{"slug": "shortbread-finger", "name": "Finger", "unit_yield_quantity": 24}]}
    assert call(main.save_recipes, {"recipes": [recipe]}, claims=owner)[0] == 200
    goods = {"finished_goods": [{"slug": "tin", "display_name": "Tin", "assembly_type": "bundle"}],
             "compositions": [{"finished_good_slug": "tin", "finished_unit_slug": "shortbread-finger",
                               "component_quantity": 10}]}
    assert call(main.save_finished_goods, goods, claims=owner)[0] == 200
    event = {"events": [{"name": "Fair", "event_date": "2026-12-05"}],
             "event_finished_goods": [{"event_name": "Fair", "finished_good_slug": "tin", "quantity": 5}]}
    assert call(main.save_events, event, claims=owner)[0] == 200
    status, plan = call(main.plan_event, {"event": "Fair"}, claims=owner)
    assert status == 200 and plan["recipes"] == [{"recipe": "Shortbread", "recipe_slug": "shortbread", "batches": 3,
                                                   "completed": 0, "remaining": 3}]
    assert plan["ingredients"] == [{"ingredient": "flour", "quantity": 6, "unit": "G21"}]


def test_a_recipe_with_an_unknown_unit_is_refused_whole(owner: dict[str, Any], backend: MemoryBackend) -> None:
    call(main.save_catalog, {"ingredients": [{"slug": "flour"}]}, claims=owner)
    recipes = [{"name": "Good", "ingredients": [{"ingredient_slug": "flour", "quantity": 1, "unit": "cup"}]},
               {"name": "Bad", "ingredients": [{"ingredient_slug": "flour", "quantity": 1, "unit": "smidgen"}]}]
    status, body = call(main.save_recipes, {"recipes": recipes}, claims=owner)
    assert (status, body["error"]["field"]) == (400, "unit")
    assert _bakery(backend, owner).recipes == {}


def test_sections_of_another_operation_are_refused(owner: dict[str, Any]) -> None:
    status, body = call(main.save_recipes, {"events": [{"name": "x"}]}, claims=owner)
    assert (status, body["error"]["field"]) == (400, "events")
    assert call(main.save_catalog, {}, claims=owner)[0] == 400


def test_a_bundle_cycle_is_refused(owner: dict[str, Any], backend: MemoryBackend) -> None:
    call(main.save_catalog, {"ingredients": [{"slug": "flour"}]}, claims=owner)
    call(main.save_recipes, {"recipes": [{"name": "R", "ingredients": [],
                                          "components": [{"recipe_name": "R", "quantity": 1}]}]}, claims=owner)
    assert _bakery(backend, owner).recipes == {}


def test_a_recipe_naming_an_unknown_ingredient_is_refused_not_given_a_placeholder(owner: dict[str, Any],
                                                                                   backend: MemoryBackend) -> None:
    recipe = {"name": "Ghost", "ingredients": [{"ingredient_slug": "ectoplasm", "quantity": 1, "unit": "cup"}]}
    status, body = call(main.save_recipes, {"recipes": [recipe]}, claims=owner)
    assert (status, body["error"]["field"]) == (400, "ingredient_slug")
    assert _bakery(backend, owner).ingredients == {}


def test_a_record_in_use_cannot_be_deleted_and_an_unused_one_can(owner: dict[str, Any],
                                                                 backend: MemoryBackend) -> None:
    call(main.save_catalog, {"ingredients": [{"slug": "flour"}, {"slug": "salt"}]}, claims=owner)
    recipe = {"name": "Bread", "ingredients": [{"ingredient_slug": "flour", "quantity": 1, "unit": "cup"}]}
    call(main.save_recipes, {"recipes": [recipe]}, claims=owner)
    status, body = call(main.delete_record, {"collection": "ingredients", "key": "flour"}, claims=owner)
    assert (status, body["error"]["code"]) == (409, "conflict") and "recipe bread" in body["error"]["message"]
    assert call(main.delete_record, {"collection": "ingredients", "key": "salt"}, claims=owner)[0] == 200
    assert "salt" not in _bakery(backend, owner).ingredients
    assert call(main.delete_record, {"collection": "ingredients", "key": "salt"}, claims=owner)[0] == 404
    assert call(main.delete_record, {"collection": "lots", "key": "x"}, claims=owner)[0] == 409
