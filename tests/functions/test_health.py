"""GET /api/health: 200 when Firestore answers, 503 with a clear body when it does not; public, naming no bakery."""

from __future__ import annotations

import json
import socket
import time

import pytest
from werkzeug.test import Client

from functions import gateway, health, main
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from tests.functions.conftest import call


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_healthy_without_a_token_through_hostings_rewrite(backend: MemoryBackend) -> None:
    answer = Client(gateway.app).get("/api/health")
    assert answer.status_code == 200 and answer.headers["Cache-Control"].startswith("no-")  # never cached
    body = answer.get_json()
    assert body["status"] == "ok" and body["checks"]["firestore"]["ok"] is True
    assert isinstance(body["checks"]["firestore"]["latency_ms"], float) and body["version"] == "dev"
    assert len(answer.headers["X-Request-Id"]) == 16
    quoted = Client(gateway.app).get("/api/health", headers={"X-Request-Id": "uptime-check-42"})
    assert quoted.headers["X-Request-Id"] == "uptime-check-42"  # a caller's own id is kept, as the operations keep it


def test_the_version_is_the_deployed_one(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K_REVISION", "health-00007-xuz")
    assert call(main.health, method="GET")[1]["version"] == "health-00007-xuz"
    monkeypatch.setenv("BAKETRACKER_VERSION", "2026.12.02-abc1234")
    assert call(main.health, method="GET")[1]["version"] == "2026.12.02-abc1234"


def test_firestore_unreachable_is_a_503_naming_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{closed_port()}")  # nothing listens there
    down = FirestoreBackend(firestore.Client(project="demo-baketracker", credentials=AnonymousCredentials()))
    previous = RUNTIME._backend
    RUNTIME.use(down)
    try:
        start = time.perf_counter()
        text, status, headers = main.health(_get())
        took = time.perf_counter() - start
    finally:
        RUNTIME._backend = previous
    body = json.loads(text)
    assert status == 503 and headers["Retry-After"] == "30"
    assert body["status"] == "degraded" and body["checks"]["firestore"]["ok"] is False
    assert body["checks"]["firestore"]["error"].startswith("firestore unreachable (")
    assert took < health.TIMEOUT_S + 2  # answered within the probe's own timeout, not the client's retries


def test_no_client_at_all_is_a_503_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> MemoryBackend:
        raise RuntimeError("no credentials for project bakes-prod")

    previous = RUNTIME._backend, RUNTIME.backend_factory
    RUNTIME._backend, RUNTIME.backend_factory = None, broken
    try:
        status, body = call(main.health, method="GET")
    finally:
        RUNTIME._backend, RUNTIME.backend_factory = previous
    assert status == 503 and body["checks"]["firestore"] == {"ok": False, "latency_ms": 0.0,
                                                             "error": "no firestore client (RuntimeError)"}
    assert "bakes-prod" not in json.dumps(body)  # the kind of error, never its text


def test_only_get_or_head(backend: MemoryBackend) -> None:
    status, body = call(main.health, {}, method="POST")
    assert status == 405 and body["error"]["code"] == "method_not_allowed" and body["error"]["request_id"]
    assert Client(gateway.app).head("/api/health").status_code == 200


def _get() -> object:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    return Request(EnvironBuilder(method="GET", path="/api/health").get_environ())
