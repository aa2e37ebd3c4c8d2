"""Every MCP tool call observed as the HTTP operations are (entry "mcp", client "mcp"): who, which bakery,
which tool, how it ended, how long it took. Its activity record counts it as the agent's (source "agent")."""

from __future__ import annotations

from typing import Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError

from core.errors import BakeTrackerError
from functions.shared.errors import ApiError, from_core
from functions.shared.observe import Call, observed


def observe_tools(server: MCPServer) -> None:
    """Wrap the server's tool calls (the SDK calls `self.call_tool` for every tools/call request)."""
    call_tool = server.call_tool

    async def observed_call_tool(name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        with observed(name[:80], "mcp", client="mcp") as call:
            token = get_access_token()
            claims = token.claims if token is not None and token.claims else {}
            call.tenant_id = claims.get("tenant_id") or None
            call.uid = claims.get("uid") or None
            call.role = claims.get("role") or None
            try:
                return await call_tool(name, arguments, context)
            except UnexpectedToolError:
                raise  # observed() counts it as a 500
            except ToolError as exc:
                _refused(call, exc)
                raise

    setattr(server, "call_tool", observed_call_tool)  # noqa: B010 - an instance attribute, on purpose


def _refused(call: Call, exc: ToolError) -> None:
    """The status the same refusal would have had over HTTP: the cause's, else 400 (bad arguments). The SDK
    wraps a tool's own ToolError in another, so the chain of causes is followed to the first that says more."""
    error: BaseException = exc
    while isinstance(error, ToolError) and error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, ApiError):
        call.status, call.error_code = error.status, error.code
    elif isinstance(error, BakeTrackerError):
        api = from_core(error)
        call.status, call.error_code = api.status, api.code
    elif isinstance(error, ToolError) and str(error).startswith("not signed in"):
        call.status, call.error_code = 401, "unauthenticated"
    elif isinstance(error, ToolError) and " may only read" in str(error):
        call.status, call.error_code = 403, "forbidden"
    else:  # the arguments: refused by the tool's schema (SchemaError) or its own checks
        call.status, call.error_code = 400, "invalid"
