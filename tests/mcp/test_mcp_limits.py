"""The MCP service's proposal tools under the abuse limits (issue 14): an agent's key past its hour's proposals is
refused with a tool error naming the limit, nothing is proposed, and the bakery's other key goes on; reading a
sentence also spends one of the bakery's AI readings."""

from __future__ import annotations

import time
from typing import Any

from werkzeug.test import Client

from core.limits import AGENT_PROPOSALS_BY_CALLER, AI_READINGS_OFFLINE, counter_key
from tests.mcp.test_mcp_tools import Bakery, answer, call, refusal, world  # noqa: F401 (world: the fixture)

PURCHASE = {"item_name": "bread flour", "quantity": 10, "unit": "LBR", "price": 9.98, "store": "Costco"}


def _key(web: Client, bakery: Bakery, name: str) -> dict[str, Any]:
    made: dict[str, Any] = web.post("/api/create_api_key", json={"name": name},
                                    headers={"Authorization": f"Bearer {bakery.owner}"}).get_json()
    return made


def test_an_agent_key_past_its_hourly_proposals_is_refused_and_proposes_nothing(world: dict[str, Any]) -> None:  # noqa: F811
    a: Bakery = world["a"]
    backend = world["backend"]
    busy, calm = _key(world["web"], a, "Busy agent"), _key(world["web"], a, "Calm agent")
    key = counter_key(AGENT_PROPOSALS_BY_CALLER, f"apikey:{busy['key_id']}", time.time())
    backend.tries[key] = AGENT_PROPOSALS_BY_CALLER.allowed - 2  # it has made 118 this hour
    first, second, third = call(world, busy["secret"], ("add_purchase", PURCHASE), ("add_purchase", PURCHASE),
                                ("propose_from_text", {"text": "I bought 2 lb of butter for $8"}))
    assert answer(first)["status"] == answer(second)["status"] == "proposed"
    proposals = dict(backend.stores[a.tenant].bakery.proposals)
    message = refusal(third)
    assert "this hour's 120 agent proposals from this API key or account" in message and "try again in" in message
    assert backend.stores[a.tenant].bakery.proposals == proposals and backend.tries[key] == 120
    (other,) = call(world, calm["secret"], ("propose_from_text", {"text": "I bought 2 lb of butter for $8"}))
    assert answer(other)["status"] == "proposed"  # the bakery's other key is not held up
    readings = counter_key(AI_READINGS_OFFLINE[0], a.tenant, time.time())
    assert backend.tries[readings] == 1  # the sentence it read; the refused one spent nothing
