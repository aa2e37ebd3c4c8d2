"""The MCP service's operations side: a failed tool call names a request id that its log line carries, and
/health (/healthz) answers as GET /api/health does."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from functions.shared.logs import STRUCTURED
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from mcp_service.app import create_app
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token
from tests.support.mcp_client import BASE, http_client, mcp_session

REQUEST = re.compile(r" \(request ([0-9A-Za-z-]{1,64})\)$")


def app(backend: MemoryBackend) -> Any:
    return create_app(backend, UnsignedTokenVerifier(), mcp_url=f"{BASE}/mcp", app_url="https://app.test")


def tool_calls(backend: MemoryBackend, token: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async def run() -> list[Any]:
        async with mcp_session(app(backend), token) as session:
            return [await session.call_tool(name, args) for name, args in calls]

    return asyncio.run(run())


@pytest.fixture
def memory() -> Iterator[MemoryBackend]:
    backend = MemoryBackend()
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(backend, UnsignedTokenVerifier())
    yield backend
    RUNTIME._backend, RUNTIME.verifier = previous


@pytest.fixture
def owner(memory: MemoryBackend) -> str:
    from functions import main
    from tests.functions.conftest import call

    tenant = call(main.create_tenant, {"name": "Crumb & Co"}, claims={"uid": "carla"})[1]["tenant_id"]
    return unsigned_token({"uid": "carla", "tenant_id": tenant, "role": "owner"})


def test_every_failed_tool_call_names_a_request_id_found_in_the_logs(
        memory: MemoryBackend, owner: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        results = tool_calls(memory, owner, [
            ("plan_event", {"event": "No Such Fair"}),  # the core refuses: no event
            ("plan_event", {}),  # the schema refuses: event missing
            ("no_such_tool", {}),
        ])
    ids = []
    for result in results:
        assert result.is_error
        found = REQUEST.search(result.content[0].text)
        assert found, result.content[0].text
        ids.append(found.group(1))
    assert len(set(ids)) == 3
    assert "no event" in results[0].content[0].text.lower() and "event" in results[1].content[0].text
    logged = {getattr(r, STRUCTURED)["request_id"] for r in caplog.records if hasattr(r, STRUCTURED)}
    assert set(ids) <= logged, (ids, logged)


def test_a_tool_that_works_names_no_request_id(memory: MemoryBackend, owner: str) -> None:
    [listed] = tool_calls(memory, owner, [("list_proposals", {})])
    assert not listed.is_error and not REQUEST.search(listed.content[0].text)


@pytest.mark.parametrize("path", ["/health", "/healthz"])
def test_health_answers_as_the_apis_does(memory: MemoryBackend, path: str) -> None:
    async def get() -> httpx2.Response:
        async with http_client(app(memory), None) as http:
            return await http.get(path)

    answer = asyncio.run(get())
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "checks": {"firestore": answer.json()["checks"]["firestore"]},
                             "version": "dev", "service": "baketracker-mcp"}
    assert answer.json()["checks"]["firestore"]["ok"] is True
