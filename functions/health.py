"""GET /api/health: is the API up and can it reach Firestore? For the uptime check (ops/uptime-health.json).

Public by design (no token): it reads one document that never exists and answers only how that went, so it
says nothing about any bakery. 200 {"status": "ok"} when Firestore answered within the time allowed, else
503 {"status": "degraded"} naming the check that failed and why (the kind of error, never its text).
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from functions.shared.observe import observed, trace_of
from functions.shared.operation import RUNTIME, _request_id_of

PROBE = ("health", "probe")  # a document nobody writes: reading it costs one read and reveals nothing
TIMEOUT_S = 3.0
log = logging.getLogger("baketracker.health")


def version() -> str:
    """What is deployed: BAKETRACKER_VERSION when the deploy set it, else the Cloud Run / Functions revision."""
    return os.environ.get("BAKETRACKER_VERSION") or os.environ.get("K_REVISION") or "dev"


def firestore_check(backend: Any) -> dict[str, Any]:
    """Read the probe document (a missing document is an answer too). A backend without a Firestore client
    (the in-memory one of the tests) is always reachable."""
    start = time.perf_counter()
    try:
        client = getattr(backend, "client", None)
        if client is not None:
            client.collection(PROBE[0]).document(PROBE[1]).get(timeout=TIMEOUT_S, retry=None)
    except Exception as exc:  # unreachable, refused, timed out: the kind is enough to act on
        log.warning("health: Firestore check failed: %s", type(exc).__name__)
        return {"ok": False, "latency_ms": round((time.perf_counter() - start) * 1000, 1),
                "error": f"firestore unreachable ({type(exc).__name__})"}
    return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 1)}


def health(request: Any) -> tuple[str, int, dict[str, str]]:
    """200 when every check passed, 503 when one failed; GET or HEAD only, no token needed."""
    headers_in = request.headers
    with observed("health", "http", request_id=_request_id_of(headers_in),
                  trace=trace_of(headers_in.get("X-Cloud-Trace-Context") or headers_in.get("traceparent")),
                  client=(headers_in.get("X-BakeTracker-Client") or "").strip()[:40] or None) as call:
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store", "X-Request-Id": call.request_id}
        if request.method not in ("GET", "HEAD"):
            call.status, call.error_code = 405, "method_not_allowed"
            body = {"error": {"code": "method_not_allowed", "message": "use GET", "request_id": call.request_id}}
            return json.dumps(body), 405, headers | {"Allow": "GET, HEAD"}
        try:
            backend = RUNTIME.backend
        except Exception as exc:  # the client could not even be made (no project, no credentials)
            log.warning("health: no Firestore client: %s", type(exc).__name__)
            firestore = {"ok": False, "latency_ms": 0.0, "error": f"no firestore client ({type(exc).__name__})"}
        else:
            firestore = firestore_check(backend)
        ok = firestore["ok"]
        call.status = 200 if ok else 503
        if not ok:
            call.error_code = "degraded"
            headers["Retry-After"] = "30"
        answer = {"status": "ok" if ok else "degraded", "checks": {"firestore": firestore}, "version": version()}
        return json.dumps(answer), call.status, headers
