"""`baketracker backup` and `baketracker restore` against a running gateway, as signed-in owners."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import cli.main as cli
from functions import main as ops
from functions.gateway import app
from functions.shared.memory_backend import MemoryBackend
from tests.conftest import load_fixture
from tests.functions.conftest import call, unsigned_token


def _owner(uid: str, name: str) -> dict[str, str]:
    status, body = call(ops.create_tenant, {"name": name}, claims={"uid": uid})
    assert status == 200
    return {"uid": uid, "tenant_id": body["tenant_id"], "role": "owner"}


@pytest.fixture
def api(backend: MemoryBackend) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("part_bytes", [cli.RESTORE_PART_BYTES, 40_000])
def test_backup_then_restore_into_a_new_bakery(api: str, backend: MemoryBackend, tmp_path: Path, part_bytes: int,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rita = _owner("rita", "Rita's")
    assert call(ops.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=rita)[0] == 200
    assert call(ops.propose_from_text, {"text": "butter is half gone"}, claims=rita)[0] == 200
    monkeypatch.setenv("BAKETRACKER_ID_TOKEN", unsigned_token(rita))
    out = tmp_path / "rita.json"
    assert cli.main(["backup", "--api", api, "--out", str(out), "--photos"]) == 0
    assert f"wrote {out}: " in capsys.readouterr().err
    backup = json.loads(out.read_text())
    assert backup["format"] == "baketracker-backup" and backup["counts"]["proposals"] == 1
    parts = cli._text_parts(json.dumps(backup, ensure_ascii=False), part_bytes)
    assert (len(parts) == 1) == (part_bytes == cli.RESTORE_PART_BYTES), len(parts)  # in parts when big

    sam = _owner("sam", "Sam's")
    monkeypatch.setenv("BAKETRACKER_ID_TOKEN", unsigned_token(sam))
    monkeypatch.setattr(cli, "RESTORE_PART_BYTES", part_bytes)
    assert cli.main(["restore", "--api", api, "--file", str(out)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["restored"] == backup["counts"]
    assert backend.stores[sam["tenant_id"]].bakery.counts() == backend.stores[rita["tenant_id"]].bakery.counts()
    # again: the bakery holds data now, and the CLI says why
    assert cli.main(["restore", "--api", api, "--file", str(out)]) == 1
    assert "409" in capsys.readouterr().err


def test_a_bad_file_is_reported_with_the_path_of_its_problem(api: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    tom = _owner("tom", "Tom's")
    monkeypatch.setenv("BAKETRACKER_ID_TOKEN", unsigned_token(tom))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "baketracker-backup", "version": 1, "exported_at": "2026-12-01T00:00:00",
                               "bakery": {"tenant_id": "x", "name": "X", "created_at": "2026-11-01T00:00:00"},
                               "collections": {"events": [{"slug": "fair"}]}}))
    assert cli.main(["restore", "--api", api, "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "400" in err and "collections.events[0].name" in err
