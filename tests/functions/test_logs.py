"""Structured logs: the JSON line of a call (Cloud Logging's fields), log records as JSON, the readable local line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from functions import main
from functions.shared import logs
from functions.shared.memory_backend import MemoryBackend
from functions.shared.observe import Observation, observed
from tests.functions.conftest import call


def observation(**changes: Any) -> Observation:
    fields: dict[str, Any] = dict(operation="plan_event", entry="http", request_id="9f2c4e1a0b3d5e6f",
                                  trace="4bf92f3577b34da6a3ce929d0e0e4736", tenant_id="t_sunrise",
                                  uid="alice-uid", role="owner", status=200, error_code=None, latency_ms=123.456,
                                  client="pwa", started_at=1_800_000_000.0, facts={"source": "receipt"})
    fields.update(changes)
    return Observation(**fields)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The calls logger writing JSON into a buffer (as the root logger does on Cloud Run)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter("functions"))
    previous = logs.CALLS.level, logs.CALLS.propagate
    logs.CALLS.addHandler(handler)
    logs.CALLS.setLevel(logging.INFO)
    logs.CALLS.propagate = False
    yield out
    logs.CALLS.removeHandler(handler)
    logs.CALLS.level, logs.CALLS.propagate = previous


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(("status", "severity"), [(200, "INFO"), (201, "INFO"), (400, "WARNING"),
                                                  (404, "WARNING"), (429, "WARNING"), (500, "ERROR"),
                                                  (503, "ERROR")])
def test_severity_follows_the_status(status: int, severity: str, captured: io.StringIO,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "bakes-prod")
    logs.log_call(observation(status=status, error_code=None if status < 400 else "some_code"))
    [entry] = lines(captured)
    assert entry["severity"] == severity
    assert entry["httpRequest"] == {"status": status, "latency": "0.123s"}


def test_a_call_line_has_cloud_loggings_fields_and_ours(captured: io.StringIO,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "bakes-prod")
    logs.log_call(observation())
    [entry] = lines(captured)
    assert entry["logging.googleapis.com/trace"] == "projects/bakes-prod/traces/4bf92f3577b34da6a3ce929d0e0e4736"
    assert (entry["request_id"], entry["bakery"], entry["operation"], entry["entry"]) == (
        "9f2c4e1a0b3d5e6f", "t_sunrise", "plan_event", "http")
    assert entry["latency_ms"] == 123.46 and entry["error_code"] is None and entry["outcome"] == "ok"
    assert entry["uid_hash"] == logs.uid_hash("alice-uid") and len(entry["uid_hash"]) == 16
    assert "alice-uid" not in json.dumps(entry)
    assert entry["message"].startswith("plan_event 200 123.5 ms") and entry["service"] == "functions"
    assert "source" not in entry and "facts" not in entry  # the facts go to the activity listener, not the log


def test_without_a_project_or_a_trace_there_is_no_trace_field(captured: io.StringIO,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GCP_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    logs.log_call(observation())
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "bakes-prod")
    logs.log_call(observation(trace=None, uid=None, entry="task"))
    first, second = lines(captured)
    assert "logging.googleapis.com/trace" not in first and first["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert "logging.googleapis.com/trace" not in second and "uid_hash" not in second
    assert "httpRequest" not in second  # a task handler's status is ours, not an HTTP exchange's


def test_an_operation_logs_one_line_with_its_request_id_and_never_the_body(
        backend: MemoryBackend, captured: io.StringIO) -> None:
    owner = call(main.create_tenant, {"name": "Secret Sourdough Co"}, claims={"uid": "owner@example.com"})[1]
    claims = {"uid": "owner@example.com", "tenant_id": owner["tenant_id"], "role": "owner"}
    captured.truncate(0)
    captured.seek(0)
    status, answer = call(main.add_purchase, {"product_id": "no-such-flour", "packages": 2, "unit_price": 7.25,
                                              "purchased_on": "2026-11-01", "store": "Marzipan Market"},
                          claims=claims, headers={"X-Cloud-Trace-Context": "abc123/1;o=1"})
    assert 400 <= status < 500, answer
    [entry] = [e for e in lines(captured) if e["logger"] == "baketracker.calls"]
    assert entry["severity"] == "WARNING" and entry["error_code"] == answer["error"]["code"]
    assert entry["request_id"] == answer["error"]["request_id"] and entry["bakery"] == owner["tenant_id"]
    assert entry["trace_id"] == "abc123" and entry["role"] == "owner"
    text = json.dumps(entry)
    for secret in ("owner@example.com", "no-such-flour", "Marzipan Market", "7.25", "Secret Sourdough"):
        assert secret not in text, secret


def test_a_log_record_inside_a_call_carries_its_request_id_and_a_stack_trace() -> None:
    formatter = logs.JsonFormatter()
    record_log = logging.getLogger("baketracker.test_logs")
    with observed("event_cost", "http", request_id="feedc0ffee") as _call:
        try:
            raise ValueError("oven exploded")
        except ValueError:
            record = record_log.makeRecord(record_log.name, logging.ERROR, __file__, 1, "operation %s failed",
                                           ("event_cost",), __import__("sys").exc_info())
        entry = json.loads(formatter.format(record))
    assert entry["severity"] == "ERROR" and entry["request_id"] == "feedc0ffee"
    assert entry["message"].startswith("operation event_cost failed\nTraceback")
    assert "ValueError: oven exploded" in entry["stack_trace"] and entry["@type"].endswith("ReportedErrorEvent")
    outside = json.loads(formatter.format(record_log.makeRecord(record_log.name, logging.WARNING, __file__, 1,
                                                                "no call", (), None)))
    assert outside["severity"] == "WARNING" and "request_id" not in outside and "stack_trace" not in outside


@pytest.mark.parametrize(("env", "wanted"), [({}, False), ({"K_SERVICE": "plan_event"}, True),
                                             ({"BAKETRACKER_LOG_FORMAT": "json"}, True),
                                             ({"K_SERVICE": "plan_event", "BAKETRACKER_LOG_FORMAT": "text"}, False)])
def test_json_on_cloud_run_or_when_asked_readable_text_locally(env: dict[str, str], wanted: bool) -> None:
    assert logs.json_wanted(env) is wanted


def test_installed_for_json_the_root_logger_writes_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    monkeypatch.setattr(logs, "_installed", {})
    out = io.StringIO()
    try:
        assert logs.install("mcp", stream=out, env={"K_SERVICE": "baketracker-mcp"}) == "json"
        assert logs.install("mcp", stream=io.StringIO(), env={}) == "json"  # once per process
        logs.log_call(observation(status=500, error_code="internal", entry="mcp"))
        logging.getLogger("baketracker.anything").warning("queue %s is slow", "receipt-extraction")
    finally:
        root.handlers[:], root.level = saved
    call_line, warning = (json.loads(line) for line in out.getvalue().splitlines())
    assert call_line["severity"] == "ERROR" and call_line["service"] == "mcp" and call_line["entry"] == "mcp"
    assert warning == warning | {"severity": "WARNING", "message": "queue receipt-extraction is slow"}


def test_installed_locally_the_console_stays_readable(monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    root = logging.getLogger()
    saved = root.handlers[:]
    monkeypatch.setattr(logs, "_installed", {})
    assert logs.install(env={}) == "text"
    assert root.handlers == saved  # the program's own logging setup is left alone
    with caplog.at_level(logging.INFO, logger="baketracker.calls"):
        logs.log_call(observation(status=404, error_code="not_found"))
    assert caplog.messages == ["plan_event 404 not_found 123.5 ms (http, bakery t_sunrise, request 9f2c4e1a0b3d5e6f)"]
    assert not caplog.messages[0].startswith("{")


@pytest.mark.parametrize(("env", "json_lines"), [({"K_SERVICE": "health"}, True),
                                                 ({"BAKETRACKER_LOG_FORMAT": "json"}, True), ({}, False)])
def test_importing_the_functions_installs_the_logs_for_where_they_run(env: dict[str, str], json_lines: bool) -> None:
    """As Cloud Functions loads main.py: JSON on stdout when deployed, the readable line locally."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    script = ("import json, logging\n"
              "from werkzeug.test import EnvironBuilder\n"
              "from werkzeug.wrappers import Request\n"
              "import functions.main as m\n"
              "from functions.shared.memory_backend import MemoryBackend\n"
              "from functions.shared.operation import RUNTIME\n"
              "RUNTIME.use(MemoryBackend())\n"
              "m.health(Request(EnvironBuilder(method='POST').get_environ()))\n"
              "logging.getLogger('baketracker.test').error('a failure of our own')\n")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=60,
                          env={**keep, "PYTHONPATH": str(repo), "GOOGLE_CLOUD_PROJECT": "bakes-prod", **env})
    assert done.returncode == 0, done.stderr
    if json_lines:
        call, failure = (json.loads(line) for line in done.stdout.splitlines())
        assert (call["severity"], call["operation"], call["httpRequest"]["status"]) == ("WARNING", "health", 405)
        assert call["logger"] == "baketracker.calls" and call["request_id"] and "bakery" in call
        assert failure["severity"] == "ERROR" and failure["message"] == "a failure of our own"
        assert done.stderr == ""
    else:
        assert done.stdout == ""  # the program's own logging: Python's last-resort handler, warnings and up
        assert done.stderr.splitlines()[0].startswith("health 405 method_not_allowed ")
        assert "a failure of our own" in done.stderr and "{" not in done.stderr
