"""The MCP service through the SDK's own client over streamable HTTP (the ASGI app in process, memory backend).

Every tool's happy path, bad input refused naming the field, writing tools only propose, the roles, and two
bakeries that never see each other's data.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from werkzeug.test import Client

from functions.gateway import app as gateway
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from mcp_service.app import create_app
from tests.conftest import load_fixture
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token
from tests.support.mcp_client import BASE, http_client, mcp_session

EVENT = "Winter Market 2026"


class Bakery:
    def __init__(self, web: Client, uid: str, data: dict[str, Any] | None) -> None:
        created = web.post("/api/create_tenant", json={"name": uid},
                           headers={"Authorization": f"Bearer {unsigned_token({'uid': uid})}"}).get_json()
        self.tenant = created["tenant_id"]
        self.uid = uid
        self.owner = self.token("owner")
        if data is not None:
            answer = web.post("/api/import_desktop", json={"data": data},
                              headers={"Authorization": f"Bearer {self.owner}"})
            assert answer.status_code == 200, answer.get_json()

    def token(self, role: str, uid: str | None = None, **extra: Any) -> str:
        return unsigned_token({"uid": uid or self.uid, "tenant_id": self.tenant, "role": role, **extra})


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    backend = MemoryBackend()
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(backend, UnsignedTokenVerifier())
    web = Client(gateway)
    a = Bakery(web, "alice", load_fixture("desktop-plans/winter_events.json"))
    b = Bakery(web, "bob", None)
    viewer_code = web.post("/api/invite_member", json={"role": "viewer"},
                           headers={"Authorization": f"Bearer {a.owner}"}).get_json()["code"]
    joined = web.post("/api/join_tenant", json={"code": viewer_code},
                      headers={"Authorization": f"Bearer {unsigned_token({'uid': 'vera'})}"})
    assert joined.status_code == 200
    yield {"backend": backend, "web": web, "a": a, "b": b,
           # an app's lifespan runs once: each session gets a fresh app (as a new Cloud Run instance would)
           "app": lambda: create_app(backend, UnsignedTokenVerifier(), mcp_url=f"{BASE}/mcp",
                                     app_url="https://app.test")}
    RUNTIME._backend, RUNTIME.verifier = previous


async def _session_calls(app: Any, token: str | None, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async with mcp_session(app, token) as session:
        results: list[Any] = []
        for name, args in calls:
            results.append(await session.list_tools() if name == "list_tools" else await session.call_tool(name, args))
        return results


def call(world: dict[str, Any], token: str, *calls: tuple[str, dict[str, Any]]) -> list[Any]:
    return asyncio.run(_session_calls(world["app"](), token, list(calls)))


def answer(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content[0].text
    data: dict[str, Any] = json.loads(result.content[0].text)
    return data


def refusal(result: Any) -> str:
    assert result.is_error
    text: str = result.content[0].text
    return text


def test_no_credential_is_a_401_pointing_at_the_protected_resource_metadata(world: dict[str, Any]) -> None:
    async def probe() -> tuple[httpx2.Response, httpx2.Response]:
        async with http_client(world["app"](), None) as http:
            return await http.post("/mcp", json={}), await http.get("/.well-known/oauth-protected-resource/mcp")

    refused, metadata = asyncio.run(probe())
    assert refused.status_code == 401
    assert 'resource_metadata="http://127.0.0.1:9999/.well-known/oauth-protected-resource/mcp"' in \
        refused.headers["www-authenticate"]
    assert metadata.json()["authorization_servers"] == ["https://securetoken.google.com/demo-baketracker"]


@pytest.mark.parametrize("token", [
    "not-a-jwt",
    "expired",  # replaced below: a token the verifier refuses as expired
    "foreign-claims",  # claims naming a bakery the caller is no member of
])
def test_refused_credentials_never_reach_a_tool(world: dict[str, Any], token: str) -> None:
    a: Bakery = world["a"]
    bearer = {"expired": a.token("owner", expired=True),
              "foreign-claims": unsigned_token({"uid": "mallory", "tenant_id": a.tenant, "role": "owner"})}.get(token,
                                                                                                              token)

    async def probe() -> int:
        async with http_client(world["app"](), bearer) as http:
            return (await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})).status_code

    assert asyncio.run(probe()) == 401


def test_every_tool_is_listed_with_strict_schemas_and_annotations(world: dict[str, Any]) -> None:
    (tools,) = call(world, world["a"].owner, ("list_tools", {}))
    by_name = {t.name: t for t in tools.tools}
    assert set(by_name) >= {"plan_event", "get_shopping_list", "list_recipes", "search_catalog", "list_inventory",
                            "add_purchase", "adjust_inventory", "create_event", "list_proposals", "get_proposal",
                            "confirm_proposal", "undo_proposal"}
    purchase = by_name["add_purchase"].input_schema
    props = purchase["properties"]
    assert set(purchase["required"]) == {"item_name", "quantity", "unit", "price"}
    assert "tenant_id" not in props  # the bakery comes from the credential only
    assert json.dumps(props["quantity"]).count('"exclusiveMinimum": 0') == 1
    assert json.dumps(props["price"]).count('"exclusiveMinimum": 0') == 1
    assert "UN/CEFACT" in json.dumps(props["unit"])
    assert '"maxLength": 200' in json.dumps(props["item_name"])
    assert by_name["plan_event"].annotations.read_only_hint is True
    assert by_name["add_purchase"].annotations.read_only_hint is False
    assert by_name["confirm_proposal"].annotations.destructive_hint is True


def test_the_plan_through_mcp_is_the_plan_through_the_function(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    plan, shopping = call(world, a.owner, ("plan_event", {"event": EVENT}), ("get_shopping_list", {"event": EVENT}))
    over_http = world["web"].post("/api/plan_event", json={"event": EVENT},
                                  headers={"Authorization": f"Bearer {a.owner}"}).get_json()
    assert answer(plan) == over_http
    from tests.conftest import fixtures_dir

    cli = subprocess.run([sys.executable, "-m", "cli.main", "plan", "--data",
                          str(fixtures_dir() / "desktop-plans/winter_events.json"), "--event", EVENT, "--json"],
                         capture_output=True, text=True, check=True)
    from_file = json.loads(cli.stdout)
    for key in ("finished_units", "recipes", "ingredients"):
        assert answer(plan)[key] == from_file[key], key  # MCP = HTTP function = `baketracker plan`
    assert answer(shopping)["event"] == EVENT and answer(shopping)["suppliers"]


def test_reading_tools_answer_from_the_callers_bakery(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    recipes, catalog, stock = call(world, a.owner, ("list_recipes", {"query": "sabl"}),
                                   ("search_catalog", {"query": "flour"}), ("list_inventory", {"limit": 5}))
    assert [r["name"] for r in answer(recipes)["recipes"]] == ["Toasted Almond Sables - Hazelnut",
                                                               "Toasted Almond Sablés"]
    assert answer(catalog)["ingredients"] and answer(catalog)["products"]
    lots = answer(stock)["lots"]
    assert len(lots) == 5 and all(lot["quantity"] > 0 for lot in lots)


def test_a_purchase_is_only_proposed_until_an_owner_confirms_it_and_can_be_undone(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    store = world["backend"].stores[a.tenant]
    purchases_before = len(store.bakery.purchases)
    (proposed,) = call(world, a.owner, ("add_purchase", {"item_name": "bread flour", "quantity": 10, "unit": "LBR",
                                                         "price": 9.98, "store": "Costco"}))
    proposal = answer(proposed)
    assert (proposal["status"], proposal["source"]) == ("proposed", "agent")
    assert proposal["review_url"] == f"https://app.test/proposals/{proposal['proposal_id']}"
    assert len(store.bakery.purchases) == purchases_before  # nothing written but the proposal
    confirmed, undone = call(world, a.owner, ("confirm_proposal", {"proposal_id": proposal["proposal_id"]}),
                             ("undo_proposal", {"proposal_id": proposal["proposal_id"]}))
    assert answer(confirmed)["status"] == "confirmed"
    assert answer(undone)["status"] == "undone"
    assert len(store.bakery.purchases) == purchases_before


@pytest.mark.parametrize(("args", "field"), [
    ({"quantity": 0}, "quantity"),
    ({"price": -3}, "price"),
    ({"unit": "XYZ"}, "unit"),
    ({"unit": "pounds"}, "unit"),  # a kitchen word is refused: codes only
    ({"item_name": "x" * 201}, "item_name"),
    ({"quantity": "ten"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"purchased_on": "2026-02-30"}, "purchased_on"),
])
def test_bad_purchase_arguments_are_tool_errors_naming_the_field(world: dict[str, Any], args: dict[str, Any],
                                                                 field: str) -> None:
    a: Bakery = world["a"]
    store = world["backend"].stores[a.tenant]
    proposals_before = len(store.bakery.proposals)
    good = {"item_name": "bread flour", "quantity": 10, "unit": "LBR", "price": 9.98}
    (result,) = call(world, a.owner, ("add_purchase", good | args))
    assert field in refusal(result)
    assert len(store.bakery.proposals) == proposals_before


def test_inventory_and_event_proposals(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    level, event, bad = call(
        world, a.owner,
        ("adjust_inventory", {"item_name": "bread flour", "remaining_percentage": 40}),
        ("create_event", {"name": "Spring Fair", "date": "2027-04-10",
                          "items": [{"finished_good": "Cookie Tin", "quantity": 12}]}),
        ("adjust_inventory", {"item_name": "bread flour"}),  # no level, no quantity, no loss
    )
    assert answer(level)["operations"][0]["op"] == "adjust_inventory"
    assert answer(event)["operations"][0]["args"]["items"][0]["quantity"] == 12
    assert "remaining_percentage" in refusal(bad)


def test_a_viewer_reads_but_cannot_propose_or_confirm(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    viewer = a.token("viewer", uid="vera")
    plan, purchase, confirm = call(world, viewer, ("plan_event", {"event": EVENT}),
                                   ("add_purchase", {"item_name": "sugar", "quantity": 1, "unit": "KGM", "price": 2}),
                                   ("confirm_proposal", {"proposal_id": "anything"}))
    assert answer(plan)["event"] == EVENT
    assert "viewer may only read" in refusal(purchase)
    assert "viewer may only read" in refusal(confirm)


def test_another_bakery_never_reaches_this_ones_data(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    b: Bakery = world["b"]
    (proposed,) = call(world, a.owner, ("add_purchase", {"item_name": "sugar", "quantity": 1, "unit": "KGM",
                                                         "price": 2}))
    proposal_id = answer(proposed)["proposal_id"]
    results = call(world, b.owner, ("plan_event", {"event": EVENT}), ("list_recipes", {}),
                   ("search_catalog", {"query": "flour"}), ("list_inventory", {}), ("list_proposals", {}),
                   ("confirm_proposal", {"proposal_id": proposal_id}), ("undo_proposal", {"proposal_id": proposal_id}),
                   ("get_proposal", {"proposal_id": proposal_id}))
    plan, recipes, catalog, stock, proposals, confirm, undo, one = results
    assert "no event" in refusal(plan)
    assert answer(recipes)["recipes"] == [] and answer(catalog) == {"ingredients": [], "products": []}
    assert answer(stock)["lots"] == [] and answer(proposals)["proposals"] == []
    assert "no proposal" in refusal(confirm) and "no proposal" in refusal(undo) and "no proposal" in refusal(one)
    (own,) = call(world, a.owner, ("get_proposal", {"proposal_id": proposal_id}))
    assert (answer(own)["proposal_id"], answer(own)["status"]) == (proposal_id, "proposed")
    assert answer(own)["review_url"].endswith(f"/proposals/{proposal_id}")
    assert world["backend"].stores[a.tenant].bakery.proposals[proposal_id].status.value == "proposed"


def test_recipes_events_and_resources(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    recipe, events, missing = call(world, a.owner, ("get_recipe", {"recipe": "Toasted Almond Sablés"}),
                                   ("list_events", {}), ("get_recipe", {"recipe": "No Such Cake"}))
    sable = answer(recipe)
    assert sable["ingredients_per_batch"] and all(line["quantity"] > 0 for line in sable["ingredients_per_batch"])
    assert any(u["slug"] == "almond-sable" and u["per_batch"] == 32 for u in sable["finished_units"])
    assert "Winter Market 2026" in [e["name"] for e in answer(events)["events"]]
    assert "recipe: no recipe" in refusal(missing)

    async def read() -> list[Any]:
        async with mcp_session(world["app"](), a.owner) as session:
            listed = await session.list_resources()
            return [listed] + [await session.read_resource(uri) for uri in
                               ("bakery://events", "bakery://recipes", "bakery://inventory",
                                "bakery://recipes/almond-biscotti")]

    listed, events_doc, recipes_doc, inventory_doc, biscotti = asyncio.run(read())
    assert {str(r.uri) for r in listed.resources} >= {"bakery://events", "bakery://recipes", "bakery://inventory"}
    assert json.loads(events_doc.contents[0].text)["events"]
    assert json.loads(recipes_doc.contents[0].text)["recipes"]
    assert json.loads(inventory_doc.contents[0].text)["lots"]
    assert json.loads(biscotti.contents[0].text)["name"] == "Almond Biscotti"


def test_an_owners_api_key_works_until_revoked_and_may_apply_directly(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    web: Client = world["web"]
    owner = {"Authorization": f"Bearer {a.owner}"}
    made = web.post("/api/create_api_key", json={"name": "Planner agent"}, headers=owner).get_json()
    secret = made["secret"]
    assert secret.startswith("btk_") and made["role"] == "baker" and made["apply_directly"] is False
    listed = web.post("/api/list_api_keys", headers=owner).get_json()["api_keys"]
    assert [k["key_id"] for k in listed] == [made["key_id"]] and "secret" not in json.dumps(listed)
    (plan,) = call(world, secret, ("plan_event", {"event": EVENT}))
    assert answer(plan)["event"] == EVENT
    assert web.post("/api/list_api_keys", headers=owner).get_json()["api_keys"][0]["last_used_at"]
    store = world["backend"].stores[a.tenant]
    purchases_before = len(store.bakery.purchases)
    (proposed,) = call(world, secret, ("add_purchase", {"item_name": "bread flour", "quantity": 10, "unit": "LBR",
                                                        "price": 9.98, "store": "Costco"}))
    assert answer(proposed)["status"] == "proposed" and len(store.bakery.purchases) == purchases_before

    direct = web.post("/api/create_api_key", json={"name": "Trusted", "apply_directly": True},
                      headers=owner).get_json()
    (applied,) = call(world, direct["secret"], ("add_purchase", {"item_name": "bread flour", "quantity": 10,
                                                                 "unit": "LBR", "price": 9.98, "store": "Costco"}))
    assert answer(applied)["status"] == "confirmed" and len(store.bakery.purchases) == purchases_before + 1

    viewer = web.post("/api/create_api_key", json={"name": "Reader", "role": "viewer"}, headers=owner).get_json()
    (refused,) = call(world, viewer["secret"], ("add_purchase", {"item_name": "sugar", "quantity": 1, "unit": "KGM",
                                                                 "price": 2}))
    assert "viewer may only read" in refusal(refused)

    assert web.post("/api/revoke_api_key", json={"key_id": made["key_id"]}, headers=owner).status_code == 200

    async def probe() -> int:
        async with http_client(world["app"](), secret) as http:
            return (await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})).status_code

    assert asyncio.run(probe()) == 401  # revoked: refused from the next call
    bad = web.post("/api/create_api_key", json={"name": "Boss", "role": "owner"}, headers=owner)
    assert (bad.status_code, bad.get_json()["error"]["field"]) == (400, "role")
    viewer_direct = web.post("/api/create_api_key", json={"name": "x", "role": "viewer", "apply_directly": True},
                             headers=owner)
    assert (viewer_direct.status_code, viewer_direct.get_json()["error"]["field"]) == (400, "apply_directly")
    baker = {"Authorization": f"Bearer {a.token('viewer', uid='vera')}"}
    assert web.post("/api/create_api_key", json={"name": "mine"}, headers=baker).status_code == 403


def test_production_is_proposed_then_confirmed_consumes_stock_and_undo_restores_it(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    store = world["backend"].stores[a.tenant]
    stock_before = {lot.id: lot.quantity for lot in store.bakery.lots.values()}
    proposed, bad = call(world, a.owner,
                         ("record_production", {"recipe": "Gluten-Free Almond Flour Shortbread Cookies", "batches": 1,
                                                "event": EVENT}),
                         ("record_production", {"recipe": "Toasted Almond Sablés", "batches": 0}))
    proposal = answer(proposed)
    assert proposal["status"] == "proposed" and not store.bakery.production_runs
    assert "batches" in refusal(bad)
    (confirmed,) = call(world, a.owner, ("confirm_proposal", {"proposal_id": proposal["proposal_id"]}))
    done = answer(confirmed)
    assert done["status"] == "confirmed"
    assert "baked 1 batch of Gluten-Free Almond Flour Shortbread Cookies" in done["operations"][0]["applied"]
    (run,) = store.bakery.production_runs.values()
    assert (run.recipe_slug, run.event_slug) == ("gluten-free-almond-flour-shortbread-cookies", "winter-market-2026")
    assert {lot.id: lot.quantity for lot in store.bakery.lots.values()} != stock_before  # stock left by FIFO
    short = call(world, a.owner, ("record_production", {"recipe": "Toasted Almond Sablés", "batches": 1,
                                                        "finished_unit": "almond-sable"}))[0]
    (refused,) = call(world, a.owner, ("confirm_proposal", {"proposal_id": answer(short)["proposal_id"]}))
    assert "not enough stock" in refusal(refused) and "egg_yolks" in refusal(refused)  # stock is never guessed
    (undone,) = call(world, a.owner, ("undo_proposal", {"proposal_id": proposal["proposal_id"]}))
    assert answer(undone)["status"] == "undone" and not store.bakery.production_runs
    assert {lot.id: lot.quantity for lot in store.bakery.lots.values()} == stock_before


def test_an_events_quantities_are_proposed_confirmed_and_undone(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    store = world["backend"].stores[a.tenant]
    before = store.bakery.events["winter-market-2026"]
    proposed, unknown, fractional = call(
        world, a.owner,
        ("set_event_quantities", {"event": EVENT, "items": [{"finished_good": "Cookie Tin", "quantity": 30}]}),
        ("set_event_quantities", {"event": EVENT, "items": [{"finished_good": "Wedding Cake", "quantity": 1}]}),
        ("set_event_quantities", {"event": EVENT, "items": [{"finished_good": "Cookie Tin", "quantity": 2.5}]}))
    assert store.bakery.events["winter-market-2026"] == before  # only proposed
    assert "quantity" in refusal(fractional)
    (failed,) = call(world, a.owner, ("confirm_proposal", {"proposal_id": answer(unknown)["proposal_id"]}))
    assert "items.0.finished_good" in refusal(failed)
    (confirmed,) = call(world, a.owner, ("confirm_proposal", {"proposal_id": answer(proposed)["proposal_id"]}))
    assert answer(confirmed)["status"] == "confirmed"
    changed = store.bakery.events["winter-market-2026"]
    assert [(g.finished_good_slug, g.quantity) for g in changed.finished_goods] == [("cookie-tin", 30)]
    (plan,) = call(world, a.owner, ("plan_event", {"event": EVENT}))
    assert answer(plan)["recipes"]  # planned from the new quantities
    (undone,) = call(world, a.owner, ("undo_proposal", {"proposal_id": answer(proposed)["proposal_id"]}))
    assert answer(undone)["status"] == "undone" and store.bakery.events["winter-market-2026"] == before


def test_every_tools_schema_bounds_what_a_model_may_send(world: dict[str, Any]) -> None:
    (tools,) = call(world, world["a"].owner, ("list_tools", {}))
    for tool in tools.tools:
        schema = json.dumps(tool.input_schema)
        assert "tenant" not in schema, tool.name  # the bakery comes from the credential only
        for name, prop in tool.input_schema.get("properties", {}).items():
            text = json.dumps(prop)
            decimal = '"number"' in text  # a Decimal may also come as a numeric string: bounded when validated
            if '"string"' in text and not decimal and "enum" not in text and "format" not in text and name != "unit":
                assert "maxLength" in text or "pattern" in text, (tool.name, name)
    schemas = {t.name: json.dumps(t.input_schema) for t in tools.tools}
    assert '"exclusiveMinimum": 0' in schemas["record_production"] and '"maximum": 10000' in schemas[
        "record_production"]
    assert '"minimum": 0' in schemas["adjust_inventory"] and '"maximum": 100' in schemas["adjust_inventory"]
    for name in ("create_event", "set_event_quantities"):
        assert '"minItems": 1' in schemas[name] and '"exclusiveMinimum": 0' in schemas[name], name
    assert '"maximum": 100' in schemas["list_recipes"]  # limits are bounded


def test_resources_and_prompts_answer_only_from_the_callers_bakery(world: dict[str, Any]) -> None:
    b: Bakery = world["b"]

    async def read() -> list[Any]:
        async with mcp_session(world["app"](), b.owner) as session:
            docs = [await session.read_resource(uri) for uri in
                    ("bakery://events", "bakery://recipes", "bakery://inventory")]
            prompt = await session.get_prompt("plan_my_event", {"event": EVENT})
            try:
                await session.read_resource("bakery://recipes/almond-biscotti")  # bakery A's recipe
                missing = "read"
            except Exception as exc:  # the SDK raises the server's resource error
                missing = str(exc)
            return [*docs, prompt, missing]

    events, recipes, inventory, prompt, missing = asyncio.run(read())
    assert json.loads(events.contents[0].text)["events"] == []
    assert json.loads(recipes.contents[0].text)["recipes"] == []
    assert json.loads(inventory.contents[0].text)["lots"] == []
    assert "plan_event" in prompt.messages[0].content.text  # a prompt carries no bakery data
    assert missing != "read" and "Almond Biscotti" not in missing  # bakery A's recipe is not B's to read
