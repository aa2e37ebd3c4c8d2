"""get_quotas: what the bakery and the calling owner have used of each limit in the current window (owners)."""

from __future__ import annotations

from typing import Any

from core.limits import MIB, Limit, counter_key, label, owner_quotas, resets_at
from functions.shared import limits
from functions.shared.auth import OWNERS
from functions.shared.operation import Context, operation


@operation(OWNERS, None, methods=("GET", "POST"))  # no fields: the bakery and the caller come from the token
def get_quotas(ctx: Context, _: None) -> dict[str, Any]:
    """Each quota of the bakery and of the caller: used, allowed, its window and when it starts again."""
    now = limits.now_s()
    quotas = owner_quotas(limits.gemini_configured())
    whose = {"bakery": ctx.tenant_id, "account": ctx.caller.uid}
    used = ctx.backend.counter_values([counter_key(limit, whose[limit.per], now) for limit in quotas])
    return {"quotas": [_row(limit, value, now) for limit, value in zip(quotas, used, strict=True)]}


def _row(limit: Limit, value: int, now: float) -> dict[str, Any]:
    """One quota as the contract says; a size in whole MiB (used rounded up), with "unit" saying so."""
    allowed, used, unit = limit.allowed, min(value, limit.allowed), limit.unit
    if unit == "bytes":
        allowed, used, unit = allowed // MIB, -(-used // MIB), "MiB"
    return {"what": limit.what, "label": label(limit), "per": limit.per, "allowed": allowed, "used": used,
            "window": limit.window, "resets_at": resets_at(limit, now).isoformat().replace("+00:00", "Z"),
            "unit": unit}
