"""`baketracker … --api URL` talks to the gateway as a signed-in user."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from cli.main import main
from functions import main as ops
from functions.gateway import app
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import fixtures_dir
from tests.functions.conftest import call, unsigned_token


@pytest.fixture
def api(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    status, body = call(ops.create_tenant, {"name": "Remote"}, claims={"uid": "rita"})
    assert status == 200
    monkeypatch.setenv("BAKETRACKER_ID_TOKEN",
                       unsigned_token({"uid": "rita", "tenant_id": body["tenant_id"], "role": "owner"}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_import_then_plan_through_the_api(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    winter = str(fixtures_dir() / "desktop-plans" / "winter_events.json")
    assert main(["import", winter, "--api", api]) == 0
    capsys.readouterr()
    assert main(["plan", "--api", api, "--event", "Winter Market 2026", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert {r["recipe"]: r["batches"] for r in plan["recipes"]}["Toasted Almond Sablés"] == 3


def test_api_errors_are_reported_with_their_field(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--api", api, "--event", "Nope"]) == 1
    assert "404" in capsys.readouterr().err


def test_export_through_the_api_writes_a_desktop_file(api: str, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    assert main(["export", "--api", api, "--out", str(out)]) == 0
    assert json.loads(out.read_text())["application"] == "bake-tracker"
