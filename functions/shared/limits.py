"""Rate limits on the functions: 429 with Retry-After once a caller has had their tries (core/limits.py).

`spend` takes every charge of a call at once (read, then one atomic write) before the call does any work: all
fit and are counted, or the call is refused with nothing counted and nothing else done. `spend_try` counts every try,
refused ones too (guessing invitation codes: every guess must count).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from typing import Any

from core.limits import (
    AGENT_PROPOSALS_BY_BAKERY,
    AGENT_PROPOSALS_BY_CALLER,
    PHOTO_BYTES_BY_BAKERY,
    PHOTOS_BY_ACCOUNT,
    PHOTOS_BY_BAKERY,
    WRITES_BY_ACCOUNT,
    Charge,
    Limit,
    ai_readings,
    counter_key,
    fits,
    refusal,
    resets_at,
    retry_after,
)
from functions.shared.errors import ApiError

# Operations that write nothing: the general write rate leaves them alone.
READ_OPERATIONS = frozenset({
    "plan_event", "shopping_list", "export_desktop", "list_members", "list_api_keys", "get_bakery",
    "list_proposals", "get_proposal", "receipt_status", "scale_recipe", "can_make", "event_cost", "get_quotas",
    "get_metrics", "health", "export_bakery", "list_purchases",
})
# Operations that spend their own limits, the general write rate among them, in one go (see `spend`), or none:
# joining counts every try on its own stricter limits.
OWN_LIMITS = frozenset({"propose_from_text", "propose_from_photo", "upload_photo", "invite_member",
                        "create_api_key", "join_tenant"})


def now_s() -> float:
    """The limits' clock (seconds since the epoch)."""
    return time.time()


def client_address(request: Any) -> str:
    """The caller's address: the first hop Google's front end (or the local gateway) saw."""
    forwarded = (request.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    return forwarded or str(getattr(request, "remote_addr", "") or "unknown")


def spend_try(backend: Any, limit: Limit, who: str, *, field: str | None, now_s: float | None = None) -> None:
    """Count one try of `who` against `limit` (a try that fails later, e.g. a wrong code, still counts); past it,
    a 429 naming `field`, with Retry-After. Refused tries only read the counter: a client hammering past the
    limit adds no writes to its document (it never becomes hot)."""
    now = time.time() if now_s is None else now_s
    ends = dt.datetime.fromtimestamp(now + limit.window_s, dt.UTC)
    fits, _ = backend.spend_counters([(counter_key(limit, who, now), 1, limit.allowed, ends)])
    if not fits:
        raise refused(limit, now, field)


def refused(limit: Limit, now_s: float, field: str | None) -> ApiError:
    return ApiError(429, "rate_limited", refusal(limit, now_s), field,
                    headers={"Retry-After": str(retry_after(limit, now_s))})


def switched_off() -> bool:
    """BAKETRACKER_LIMITS=off lifts the quotas (not the guessing limits of joining) for local benchmarks that
    loop as fast as they can; honoured only on the emulators (FIRESTORE_EMULATOR_HOST set), never in production."""
    return os.environ.get("BAKETRACKER_LIMITS") == "off" and bool(os.environ.get("FIRESTORE_EMULATOR_HOST"))


def spend(backend: Any, charges: Sequence[Charge], *, field: str | None = None, now_s: float | None = None) -> None:
    """Every charge at once, or none: past any limit, a 429 naming the first limit it would pass."""
    if switched_off():
        return
    now = time.time() if now_s is None else now_s
    rows = [(counter_key(c.limit, c.who, now), c.amount, c.limit.allowed,
             resets_at(c.limit, now) + dt.timedelta(hours=1)) for c in charges]
    spent, before = backend.spend_counters(rows)
    if spent:
        return
    blocking = next(c for c, value in zip(charges, before, strict=True) if not fits(c, value))
    raise refused(blocking.limit, now, field)


def refuse_if_used_up(backend: Any, charges: Sequence[Charge], *, field: str | None = None,
                      now_s: float | None = None) -> None:
    """A read-only look before costly checks (reading an image): a 429 if any of these is already used up.
    Spends nothing; `spend` still decides."""
    if switched_off():
        return
    now = time.time() if now_s is None else now_s
    values = backend.counter_values([counter_key(c.limit, c.who, now) for c in charges])
    for charge, value in zip(charges, values, strict=True):
        if not fits(charge, value):
            raise refused(charge.limit, now, field)


def write_charge(uid: str) -> Charge:
    return Charge(WRITES_BY_ACCOUNT, uid)


def spend_on_write(backend: Any, operation: str, uid: str) -> None:
    """The general write rate, for an operation that writes and does not spend its own limits."""
    if operation in READ_OPERATIONS or operation in OWN_LIMITS:
        return
    spend(backend, [write_charge(uid)])


def reading_charges(tenant_id: str, who: str) -> list[Charge]:
    """One AI reading: the bakery's daily quota and the account's hourly burst (strictest when Gemini reads)."""
    by_bakery, by_account = ai_readings(gemini_configured())
    return [Charge(by_bakery, tenant_id), Charge(by_account, who)]


def upload_counts(tenant_id: str, uid: str) -> list[Charge]:
    """What an upload spends whatever the photo: checked before the photo is read."""
    return [Charge(PHOTOS_BY_BAKERY, tenant_id), Charge(PHOTOS_BY_ACCOUNT, uid), write_charge(uid)]


def upload_charges(tenant_id: str, uid: str, size: int, *, receipt: bool) -> list[Charge]:
    """A photo stored: its count and bytes for the bakery, its count for the account, one save; a receipt is
    also one reading (it is queued for reading as it is stored, so it counts here)."""
    charges = [Charge(PHOTOS_BY_BAKERY, tenant_id), Charge(PHOTO_BYTES_BY_BAKERY, tenant_id, size),
               Charge(PHOTOS_BY_ACCOUNT, uid), write_charge(uid)]
    return [*charges, *reading_charges(tenant_id, uid)] if receipt else charges


def agent_charges(tenant_id: str, caller: str, *, reading: bool) -> list[Charge]:
    """A proposal by an agent through the MCP service, by its key (or account) and by bakery; reading a
    sentence is also one AI reading."""
    charges = [Charge(AGENT_PROPOSALS_BY_CALLER, caller), Charge(AGENT_PROPOSALS_BY_BAKERY, tenant_id)]
    return [*charges, *reading_charges(tenant_id, caller)] if reading else charges


def gemini_configured() -> bool:
    from adapters.extractors import gemini_configured as configured

    return configured()
