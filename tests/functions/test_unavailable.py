"""The database out of reach: a 503 `unavailable` with Retry-After and the request id, in seconds — never a 500."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from google.api_core import exceptions as google_errors
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from functions import main
from functions.shared.errors import unavailable
from functions.shared.firestore_deadlines import bound_waits
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import unsigned_token

OWNER = {"uid": "u1", "tenant_id": "t1", "role": "owner"}


class GrpcUnavailable(grpc.RpcError, grpc.Call):  # type: ignore[misc]
    """What grpc raises when the connection is refused (its code() is a StatusCode)."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE


DOWN = [
    google_errors.ServiceUnavailable("failed to connect to all addresses"),
    google_errors.DeadlineExceeded("Deadline Exceeded"),
    google_errors.RetryError("Timeout of 10.0s exceeded", google_errors.ServiceUnavailable("refused")),
]


def _call(handler: Any, body: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    request = Request(EnvironBuilder(method="POST", data=json.dumps(body), content_type="application/json",
                                     headers={"Authorization": f"Bearer {unsigned_token(OWNER)}"}).get_environ())
    text, status, headers = handler(request)
    return status, json.loads(text), headers


@pytest.mark.parametrize("error", [*DOWN, GrpcUnavailable()], ids=lambda e: type(e).__name__)
def test_an_unreachable_database_is_a_503_naming_when_to_retry(backend: MemoryBackend, error: Exception,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(backend), "member", lambda self, tenant_id, uid: (_ for _ in ()).throw(error))
    status, body, headers = _call(main.plan_event, {"event": "Winter Market"})
    assert status == 503
    assert body["error"]["code"] == "unavailable"
    assert body["error"]["request_id"] == headers["X-Request-Id"]
    assert int(headers["Retry-After"]) > 0


def test_a_cause_out_of_reach_is_found_behind_another_error() -> None:
    try:
        try:
            raise google_errors.ServiceUnavailable("refused")
        except google_errors.ServiceUnavailable as inner:
            raise ValueError("The transaction has no transaction ID, so it cannot be rolled back.") from inner
    except ValueError as outer:
        found = unavailable(outer)
    assert found is not None and found.status == 503


@pytest.mark.parametrize("error", [ValueError("a bug"), google_errors.InvalidArgument("bad"),
                                   google_errors.PermissionDenied("no")], ids=lambda e: type(e).__name__)
def test_other_failures_stay_what_they_were(error: Exception) -> None:
    assert unavailable(error) is None


def test_a_firestore_client_on_a_closed_port_gives_up_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the bound the client retries a refused connection for 60 s (reads) to 300 s (queries)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from devstack.processes import free_port

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{free_port()}")  # nothing listens there
    client = bound_waits(firestore.Client(project="demo-baketracker", credentials=AnonymousCredentials()),
                         unary=1.0, stream=1.0)
    with pytest.raises(Exception) as raised:
        client.collection("tenants").document("t1").get()
    assert unavailable(raised.value) is not None
    with pytest.raises(Exception) as streamed:
        list(client.collection("tenants").stream())
    assert unavailable(streamed.value) is not None


def test_a_client_of_googles_firestore_gets_its_quickly_reconnecting_channel_offline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Built as the client builds its own (no call made); a client whose channel exists is left alone."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from functions.shared.firestore_deadlines import reconnect_quickly

    monkeypatch.delenv("FIRESTORE_EMULATOR_HOST", raising=False)
    client = bound_waits(firestore.Client(project="demo-baketracker", credentials=AnonymousCredentials()))
    api = client._firestore_api
    assert api._transport._host == "firestore.googleapis.com:443"
    reconnect_quickly(client)
    assert client._firestore_api is api
