"""Moving a backup's records to another bakery: what names the old bakery is rewritten to the new one.

Records refer to each other by their own ids, which stay; only the photo paths carry the bakery's
tenant id (`tenants/{tenant}/receipts/{photo}`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.bakery import Bakery


def moved_path(path: str, old_tenant: str, new_tenant: str) -> str:
    prefix = f"tenants/{old_tenant}/"
    return f"tenants/{new_tenant}/{path[len(prefix):]}" if path.startswith(prefix) else path


def retarget(bakery: Bakery, old_tenant: str, new_tenant: str) -> Bakery:
    """A copy of `bakery` whose photo paths name `new_tenant` (records keep their ids)."""
    parts: dict[str, Any] = {name: dict(value) for name in bakery.__slots__ if name != "event_runs"
                             and (value := getattr(bakery, name)) is not None}  # purchase_summaries may be None
    moved = Bakery(**parts)
    moved.proposals = {k: replace(p, photo_path=moved_path(p.photo_path, old_tenant, new_tenant))
                       for k, p in bakery.proposals.items()}
    moved.receipts = {k: replace(r, photo_path=moved_path(r.photo_path, old_tenant, new_tenant))
                      for k, r in bakery.receipts.items()}
    return moved
