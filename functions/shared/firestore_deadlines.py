"""Firestore calls that give up in seconds, not minutes, when the database cannot be reached.

The client's own defaults retry an unreachable Firestore for 60 s (reads and commits) to 300 s
(queries) before failing; a function would hold its caller that long and then answer 500. Here
every call of one client keeps its own retry rules (which errors are retried) but stops retrying
after `UNARY_SECONDS` (reads by key, begin, commit, rollback) or `STREAM_SECONDS` (queries and
batched reads, whose stream must also end in that time). The operation then fails with the
client's `RetryError` / `ServiceUnavailable` / `DeadlineExceeded`, which the HTTP wrapper answers
as 503 `unavailable` with a Retry-After (functions/shared/errors.py: `unavailable`).

`BAKETRACKER_FIRESTORE_SECONDS` sets the unary limit (the stream limit is 3 times that).
"""

from __future__ import annotations

import os
from typing import Any

UNARY_SECONDS = 10.0
STREAM_SECONDS = 30.0


def limits_from_environment() -> tuple[float, float]:
    raw = os.environ.get("BAKETRACKER_FIRESTORE_SECONDS", "").strip()
    try:
        unary = float(raw) if raw else UNARY_SECONDS
    except ValueError:
        unary = UNARY_SECONDS
    unary = unary if unary > 0 else UNARY_SECONDS
    return unary, unary * 3 if raw else STREAM_SECONDS


def bound_waits(client: Any, unary: float | None = None, stream: float | None = None) -> Any:
    """Shorten the default retry deadline and timeout of every request-response call of `client`.

    Long-lived streams (listen, write) are left alone. Returns the client."""
    default_unary, default_stream = limits_from_environment()
    unary = unary or default_unary
    stream = stream or default_stream
    transport = client._firestore_api._transport
    for rpc, wrapped in transport._wrapped_methods.items():
        kind = type(rpc).__name__
        if "StreamStream" in kind:
            continue
        limit = stream if "UnaryStream" in kind else unary
        retry = getattr(wrapped, "_retry", None)
        if retry is not None:
            wrapped._retry = retry.with_timeout(limit)
        wrapped._timeout = limit
    return client
