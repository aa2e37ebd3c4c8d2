"""scale_recipe, can_make and event_cost as MCP tools: strict schemas, read-only, the same answers as the functions."""

from __future__ import annotations

import json
from typing import Any

from tests.functions.conftest import unsigned_token
from tests.mcp.test_mcp_tools import EVENT, answer, call, refusal, world  # noqa: F401  (the fixture)


def test_the_tools_are_listed_read_only_with_strict_schemas(world: dict[str, Any]) -> None:  # noqa: F811
    (tools,) = call(world, world["a"].owner, ("list_tools", {}))
    by_name = {t.name: t for t in tools.tools}
    for name in ("scale_recipe", "can_make", "event_cost"):
        assert by_name[name].annotations.read_only_hint is True
        assert by_name[name].annotations.destructive_hint is False
    scale = by_name["scale_recipe"].input_schema
    assert set(scale["required"]) == {"recipe", "ingredient", "amount", "unit"}
    assert '"exclusiveMinimum": 0' in json.dumps(scale["properties"]["amount"])
    assert "UN/CEFACT" in json.dumps(scale["properties"]["unit"])


def test_answers_match_the_functions(world: dict[str, Any]) -> None:  # noqa: F811
    a = world["a"]
    args = {"recipe": "Gingerbread Chai Cookies", "ingredient": "flour_all_purpose", "amount": 3, "unit": "LBR"}
    scaled, can, cost = call(world, a.owner, ("scale_recipe", args),
                             ("can_make", {"event": EVENT}), ("event_cost", {"event": EVENT}))
    headers = {"Authorization": f"Bearer {a.owner}"}
    over_http = {name: world["web"].post(f"/api/{name}", json=body, headers=headers).get_json()
                 for name, body in (("scale_recipe", args), ("can_make", {"event": EVENT}),
                                    ("event_cost", {"event": EVENT}))}
    assert answer(scaled) == over_http["scale_recipe"]
    assert answer(can) == over_http["can_make"]
    assert answer(cost) == over_http["event_cost"]


def test_a_viewer_may_read_them(world: dict[str, Any]) -> None:  # noqa: F811
    viewer = unsigned_token({"uid": "vera", "tenant_id": world["a"].tenant, "role": "viewer"})
    (can,) = call(world, viewer, ("can_make", {"event": EVENT}))
    assert answer(can)["event"] == EVENT


def test_bad_arguments_are_refused_naming_the_field(world: dict[str, Any]) -> None:  # noqa: F811
    owner = world["a"].owner
    bad_unit, no_ingredient, other_bakery = call(
        world, owner,
        ("scale_recipe", {"recipe": "Gingerbread Chai Cookies", "ingredient": "flour_all_purpose", "amount": 3,
                          "unit": "pounds"}),
        ("scale_recipe", {"recipe": "Gingerbread Chai Cookies", "ingredient": "unobtainium", "amount": 3,
                          "unit": "LBR"}),
        ("can_make", {"event": "Bob's Fair"}))
    assert "unit" in refusal(bad_unit)
    assert "scale_recipe: ingredient: no ingredient is named 'unobtainium'" in refusal(no_ingredient)
    assert "can_make: event: no event" in refusal(other_bakery)
    (bobs,) = call(world, world["b"].owner, ("event_cost", {"event": EVENT}))  # bob never sees alice's event
    assert "event_cost: event: no event" in refusal(bobs)
