"""Every failed MCP tool call names its request id, as the HTTP API's error bodies do, so an agent's user can
quote it and the log line of that call can be found (jsonPayload.request_id).

The id is the one of the observed call (functions.shared.observe): the call being observed around the tool,
or else the last observation an "mcp" call made while the tool ran. A failure no observation saw (an unknown
tool, arguments the schema refused) gets a new id, logged with the tool's name and the kind of failure.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError

from functions.shared.logs import STRUCTURED
from functions.shared.observe import Observation, current_request_id, listen, new_request_id

log = logging.getLogger("baketracker.mcp")
_seen: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("baketracker_mcp_seen", default=None)


def _remember(observation: Observation) -> None:
    """A listener: the id of each MCP call observed while a tool runs (the holder is shared with the caller)."""
    seen = _seen.get()
    if seen is not None and observation.entry == "mcp":
        seen.append(observation.request_id)


def quoted(message: str, request_id: str) -> str:
    return f"{message} (request {request_id})"


def name_request_ids(server: Any) -> None:
    """Wrap the server's call_tool: a ToolError raised by it comes out with '(request <id>)' at the end, its
    kind kept (an unexpected error stays one and is logged with its traceback by the MCP SDK)."""
    listen(_remember)
    call_tool = server.call_tool

    async def call_tool_naming_its_request(name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        seen: list[str] = []
        token = _seen.set(seen)
        try:
            return await call_tool(name, arguments, context)
        except ToolError as exc:
            request_id = current_request_id() or (seen[-1] if seen else None)
            if request_id is None:
                request_id = new_request_id()
                log.info("tool %s refused before it ran: %s (request %s)", name, type(exc).__name__, request_id,
                         extra={STRUCTURED: {"request_id": request_id, "operation": name, "entry": "mcp"}})
            # the cause kept as it was: the SDK logs only the field names of arguments its schema refused
            raise type(exc)(quoted(str(exc), request_id)) from exc.__cause__
        finally:
            _seen.reset(token)

    server.call_tool = call_tool_naming_its_request
