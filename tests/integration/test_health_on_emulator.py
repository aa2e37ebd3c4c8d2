"""The health endpoint against the real Firestore emulator: one read of a document nobody writes."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from functions import gateway as functions_gateway
from functions import health


def test_healthy_when_the_emulator_answers(gateway: Any, firestore: Any) -> None:
    answer = Client(_app()).get("/api/health")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert body["status"] == "ok" and body["checks"]["firestore"]["ok"] is True
    assert 0 < body["checks"]["firestore"]["latency_ms"] < health.TIMEOUT_S * 1000
    assert not firestore.collection(health.PROBE[0]).document(health.PROBE[1]).get().exists  # read, never written


def _app() -> Any:
    return functions_gateway.app
