"""Rate limits on the functions: 429 with Retry-After once a caller has had their tries (core/limits.py)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from core.limits import Limit, counter_key, judge
from functions.shared.errors import ApiError


def client_address(request: Any) -> str:
    """The caller's address: the first hop Google's front end (or the local gateway) saw."""
    forwarded = (request.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    return forwarded or str(getattr(request, "remote_addr", "") or "unknown")


def spend_try(backend: Any, limit: Limit, who: str, *, field: str | None, now_s: float | None = None) -> None:
    """Count one try of `who` against `limit`; past it, a 429 naming `field`, with Retry-After in seconds."""
    now = time.time() if now_s is None else now_s
    ends = dt.datetime.fromtimestamp(now + limit.window_s, dt.UTC)
    verdict = judge(limit, backend.count_try(counter_key(limit, who, now), ends), now)
    if not verdict.allowed:
        minutes = max(1, round(verdict.retry_after_s / 60))
        raise ApiError(429, "rate_limited", f"too many tries at {limit.what.replace('_', ' ')} from this {limit.per}; "
                       f"try again in {minutes} minute{'s' if minutes != 1 else ''}", field,
                       headers={"Retry-After": str(verdict.retry_after_s)})
