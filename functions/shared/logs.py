"""Structured logs: one JSON line per call on stdout, in the fields Cloud Logging reads, and every Python log
record as JSON too (with the request id of the call it happened in).

Cloud Logging (Cloud Functions 2nd gen, Cloud Run) turns a JSON line on stdout into a structured entry and
lifts its special fields: "severity", "message", "logging.googleapis.com/trace" (links the entry to the
request's trace) and "httpRequest" (status, latency). The rest lands in jsonPayload: our request_id, bakery
(the tenant id), operation, entry, latency_ms, error_code, outcome, client and a hash of the uid. Never an
email, a name, a body or anything a baker typed: an `Observation` holds none of that to begin with.

JSON only where it is read by a machine: when K_SERVICE is set (Cloud Run and Cloud Functions set it) or
BAKETRACKER_LOG_FORMAT=json. Locally (the devstack console, tests) a call is one short readable line instead,
through the "baketracker.calls" logger, and the root logger is left as the program configured it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from typing import Any, TextIO

from functions.shared.observe import Observation, current_request_id, listen

CALLS = logging.getLogger("baketracker.calls")
STRUCTURED = "structured"  # the attribute of a LogRecord that carries a call's fields
TRACE_FIELD = "logging.googleapis.com/trace"
ERROR_EVENT = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"
SEVERITIES = ((logging.CRITICAL, "CRITICAL"), (logging.ERROR, "ERROR"), (logging.WARNING, "WARNING"),
              (logging.INFO, "INFO"), (logging.DEBUG, "DEBUG"))
_installed: dict[str, str] = {}  # "mode" -> "json" | "text", once install() ran


def json_wanted(env: Mapping[str, str] | None = None) -> bool:
    """JSON lines on Cloud Run / Cloud Functions (K_SERVICE is set there) or when asked for; readable text else."""
    env = os.environ if env is None else env
    chosen = env.get("BAKETRACKER_LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen == "json"
    return bool(env.get("K_SERVICE"))


def project_id(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("GOOGLE_CLOUD_PROJECT") or env.get("GCLOUD_PROJECT") or env.get("GCP_PROJECT") or None


def severity_of(status: int) -> str:
    """INFO for an answered call, WARNING for a refused one (4xx, 429 included), ERROR for our failure (5xx)."""
    if status >= 500:
        return "ERROR"
    return "WARNING" if status >= 400 else "INFO"


def level_of(status: int) -> int:
    return {"ERROR": logging.ERROR, "WARNING": logging.WARNING}.get(severity_of(status), logging.INFO)


def uid_hash(uid: str | None) -> str | None:
    """Enough to count distinct people and follow one through the logs; not enough to name them."""
    return hashlib.sha256(uid.encode()).hexdigest()[:16] if uid else None


def seconds(latency_ms: float) -> str:
    """A latency as Cloud Logging's httpRequest.latency wants it (a protobuf Duration: "0.123s")."""
    return f"{latency_ms / 1000:.3f}s"


def call_fields(observation: Observation, project: str | None) -> dict[str, Any]:
    """The structured fields of one call (no message, no severity: the formatter adds those)."""
    o = observation
    fields: dict[str, Any] = {"request_id": o.request_id, "operation": o.operation, "entry": o.entry,
                              "bakery": o.tenant_id, "status": o.status, "outcome": o.outcome,
                              "error_code": o.error_code, "latency_ms": round(o.latency_ms, 2)}
    if o.role:
        fields["role"] = o.role
    if o.uid:
        fields["uid_hash"] = uid_hash(o.uid)
    if o.client:
        fields["client"] = o.client
    if o.trace:
        fields["trace_id"] = o.trace
        if project:
            fields[TRACE_FIELD] = f"projects/{project}/traces/{o.trace}"
    if o.entry in ("http", "mcp"):
        fields["httpRequest"] = {"status": o.status, "latency": seconds(o.latency_ms)}
    return fields


def call_message(observation: Observation) -> str:
    """The line a person reads: 'plan_event 200 12.3 ms (http, bakery t_x, request 9f…)'."""
    o = observation
    code = f" {o.error_code}" if o.error_code else ""
    where = f", bakery {o.tenant_id}" if o.tenant_id else ""
    return f"{o.operation} {o.status}{code} {o.latency_ms:.1f} ms ({o.entry}{where}, request {o.request_id})"


def log_call(observation: Observation) -> None:
    """The listener: one log record per call, its fields attached for the JSON formatter."""
    CALLS.log(level_of(observation.status), call_message(observation),
              extra={STRUCTURED: call_fields(observation, project_id())})


class JsonFormatter(logging.Formatter):
    """A LogRecord as one line of JSON in Cloud Logging's shape."""

    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": next((name for level, name in SEVERITIES if record.levelno >= level), "DEFAULT"),
            "message": record.getMessage(),
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "logger": record.name,
        }
        if self.service:
            entry["service"] = self.service
        structured = getattr(record, STRUCTURED, None)
        if isinstance(structured, dict):
            entry.update(structured)
        if "request_id" not in entry and (request_id := current_request_id()) is not None:
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            # Error Reporting groups ERROR entries that carry a stack trace and this type
            entry["stack_trace"] = "".join(traceback.format_exception(*record.exc_info))
            entry["@type"] = ERROR_EVENT
            entry["message"] = f"{entry['message']}\n{entry['stack_trace']}"
        return json.dumps(entry, ensure_ascii=False, default=str)


def install(service: str | None = None, *, stream: TextIO | None = None,
            env: Mapping[str, str] | None = None) -> str:
    """Log every observed call (once per process, whatever calls it first). With JSON wanted, the root
    logger writes JSON lines to stdout (its other handlers removed, so nothing is written twice); else the
    program's own logging setup stays as it was. Answers the mode: "json" or "text"."""
    listen(log_call)
    if "mode" in _installed:
        return _installed["mode"]
    mode = "json" if json_wanted(env) else "text"
    if mode == "json":
        handler = logging.StreamHandler(stream or sys.stdout)
        handler.setFormatter(JsonFormatter(service))
        root = logging.getLogger()
        for old in list(root.handlers):
            root.removeHandler(old)
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    _installed["mode"] = mode
    return mode
