"""Seed the demo stack with the 8-week sample activity history (core/metrics/sample_history.py), so the metrics
dashboard has something to show: `python -m devstack.run --sample-history` (or BAKETRACKER_SAMPLE_HISTORY=1).

The demo bakery is the first of four sample bakeries; the history ends now (this week is partial), its records
go where real ones go (tenants/{t}/activity), and every day is aggregated as the scheduler would. The demo
account also gets the platform admin claim (scripts/grant_admin.py does the same), to see the aggregate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.metrics.answer import monday
from core.metrics.sample_history import WEEKS, generate
from functions.shared import activity


def seed_sample_history(client: Any, demo_tenant: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Write the sample history (up to `now`) for the demo bakery and three made-up ones; fold every day."""
    now = now or dt.datetime.now(dt.UTC)
    start = monday(now.date()) - dt.timedelta(weeks=WEEKS - 1)
    history = generate(start, (demo_tenant, "sample-bakery-2", "sample-bakery-3", "sample-bakery-4"))
    records = [r for r in history.records if r.at <= now]
    store = activity.FirestoreActivityStore(client)
    store.write(records)
    days = [(start + dt.timedelta(days=n)).isoformat() for n in range((now.date() - start).days + 1)]
    folded = activity.aggregate(store, days)
    return {"records": len(records), "days": len(folded["days"])}


def make_admin(uid: str) -> None:
    """The platform admin claim on the demo account, its other claims kept."""
    from firebase_admin import auth

    from functions.shared.auth import firebase_app

    user = auth.get_user(uid, app=firebase_app())
    auth.set_custom_user_claims(uid, {**(user.custom_claims or {}), "admin": True}, app=firebase_app())
