"""An AI agent's session with BakeTracker, through MCP only.

It creates an event (a proposal, confirmed), plans it, proposes two purchases from one spoken sentence,
confirms them, and prints the updated shopping list. Run against `make demo`:

    .venv/bin/python examples/agent_session.py --url http://127.0.0.1:<port>/mcp --token "$BAKETRACKER_ID_TOKEN"
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from typing import Any

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

SENTENCE = "I bought two 5 lb bags of King Arthur bread flour at Costco for $9.98 and a dozen whole eggs for $4.50"


async def session(url: str, token: str, event: str) -> dict[str, Any]:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http, \
            streamable_http_client(url, http_client=http) as streams, \
            ClientSession(streams[0], streams[1]) as mcp:
        await mcp.initialize()

        async def tool(tool_name: str, **args: Any) -> dict[str, Any]:
            result = await mcp.call_tool(tool_name, args)
            if result.is_error:
                raise SystemExit(f"{tool_name} refused: {result.content[0].text}")
            answer: dict[str, Any] = json.loads(result.content[0].text)
            return answer

        day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        proposed = await tool("create_event", name=event, date=day,
                              items=[{"finished_good": "Cookie Tin", "quantity": 6}])
        await tool("confirm_proposal", proposal_id=proposed["proposal_id"])
        print(f"created {event} on {day} (proposal {proposed['proposal_id']}, confirmed)")
        plan = await tool("plan_event", event=event)
        for recipe in plan["recipes"]:
            print(f"  {recipe['recipe']:<36} {recipe['batches']:>3} batches")
        purchases = await tool("propose_from_text", text=SENTENCE)
        lines = [op for op in purchases["operations"] if op["op"] == "add_purchase"]
        print(f"proposed {len(lines)} purchases from: {SENTENCE!r}")
        confirmed = await tool("confirm_proposal", proposal_id=purchases["proposal_id"])
        print(f"confirmed: {[op['applied'] for op in confirmed['operations']]}")
        shopping = await tool("get_shopping_list", event=event)
        print(shopping["text"])
        return {"event": event, "plan": plan, "purchases": confirmed, "shopping": shopping}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the MCP endpoint, e.g. http://127.0.0.1:8765/mcp")
    parser.add_argument("--token", required=True, help="a Firebase ID token of an owner or baker")
    parser.add_argument("--event", default="Agent Bake Sale")
    args = parser.parse_args()
    asyncio.run(session(args.url, args.token, args.event))
    return 0


if __name__ == "__main__":
    sys.exit(main())
