"""The MCP SDK's client on the service's ASGI app in process (streamable HTTP over httpx2's ASGI transport)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

BASE = "http://127.0.0.1:9999"  # a host with a port: the transport security accepts it


@contextlib.asynccontextmanager
async def http_client(app: Any, token: str | None) -> AsyncIterator[httpx2.AsyncClient]:
    """Raw HTTP to the app (its lifespan running), with the bearer token when given."""
    async with app.router.lifespan_context(app), httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url=BASE,
            headers={"Authorization": f"Bearer {token}"} if token else {}) as http:
        yield http


@contextlib.asynccontextmanager
async def mcp_session(app: Any, token: str | None) -> AsyncIterator[ClientSession]:
    """An initialized MCP session with the app as `token`'s bearer."""
    async with http_client(app, token) as http, streamable_http_client(f"{BASE}/mcp", http_client=http) as streams, \
            ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        yield session
