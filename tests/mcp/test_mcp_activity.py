"""Every MCP tool call leaves an activity record: the tool's name, entry and client "mcp", source "agent",
the refusals with the status the same refusal has over HTTP."""

from __future__ import annotations

from typing import Any

from functions.shared import activity
from functions.shared.memory_backend import MemoryBackend
from tests.mcp import test_mcp_tools
from tests.mcp.test_mcp_tools import Bakery, answer, call, refusal

world = test_mcp_tools.world  # the same fixture: two bakeries on the memory backend, the MCP app over it


def test_tool_calls_are_recorded_as_the_agents(world: dict[str, Any]) -> None:
    a: Bakery = world["a"]
    proposed, plan = call(world, a.owner, ("add_purchase", {"item_name": "bread flour", "quantity": 10, "unit": "LBR",
                                                            "price": 9.98, "store": "Costco"}),
                          ("plan_event", {"event": "Winter Market 2026"}))
    proposal_id = answer(proposed)["proposal_id"]
    answer(plan)
    (refused,) = call(world, a.token("viewer", "vera"), ("confirm_proposal", {"proposal_id": proposal_id}))
    refusal(refused)
    (missing,) = call(world, a.owner, ("plan_event", {"event": "No Such Event"}))
    refusal(missing)
    activity.RECORDER.flush()
    backend: MemoryBackend = world["backend"]
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    tools = [r for r in store.records if r.entry == "mcp"]
    by_op = {(r.operation, r.status): r for r in tools}
    made = by_op[("add_purchase", 200)]
    assert (made.tenant_id, made.client, made.source) == (a.tenant, "mcp", "agent")
    assert (made.proposal_source, made.proposal_outcome, made.purchases) == ("agent", "proposed", 0)
    assert by_op[("confirm_proposal", 403)].error_code == "forbidden"
    assert by_op[("plan_event", 404)].error_code == "not_found"
    assert by_op[("plan_event", 200)].latency_ms > 0
    assert "flour" not in repr([r.to_dict() for r in tools]) and "Costco" not in repr([r.to_dict() for r in tools])
