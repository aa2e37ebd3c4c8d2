"""Every operation is a target functions-framework can serve, as Cloud Functions will."""

from __future__ import annotations

from pathlib import Path

import functions_framework
import pytest

from functions.gateway import OPERATIONS

SOURCE = str(Path(__file__).resolve().parents[2] / "functions" / "main.py")


@pytest.mark.parametrize("target", sorted(OPERATIONS))
def test_each_operation_is_served_by_functions_framework(target: str, request: pytest.FixtureRequest) -> None:
    client = functions_framework.create_app(target=target, source=SOURCE, signature_type="http").test_client()
    if target == "health":  # public by design (the uptime check): no token, GET
        request.getfixturevalue("backend")
        answer = client.get("/")
        assert answer.status_code == 200 and answer.get_json()["status"] == "ok"
        return
    response = client.post("/", json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["field"] == "Authorization"
