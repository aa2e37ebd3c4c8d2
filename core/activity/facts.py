"""What an operation's answer tells activity (counts and hashed keys only), for `observe.note(...)`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.activity.record import event_key


def plan_is_complete(plan: Mapping[str, Any]) -> bool:
    """A complete plan: some batches to bake and nothing the planner had to warn about (a missing recipe, yield,
    conversion, …)."""
    recipes = plan.get("recipes") or []
    return any(r.get("batches") for r in recipes) and not plan.get("warnings")


def planned_event_facts(tenant_id: str, plan: Mapping[str, Any]) -> dict[str, Any]:
    slug = plan.get("event_slug")
    if not slug or not plan_is_complete(plan):
        return {}
    return {"planned_event": event_key(tenant_id, str(slug))}


def saved_events_facts(tenant_id: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    """The events a save_events call created or changed (their keys; never their names)."""
    slugs = [e.get("slug") for e in sections.get("events") or () if isinstance(e, Mapping) and e.get("slug")]
    return {"events": [event_key(tenant_id, str(s)) for s in slugs]} if slugs else {}


def import_facts(answer: Mapping[str, Any]) -> dict[str, Any]:
    """An import entered the purchases it added (none on a dry run)."""
    if answer.get("dry_run"):
        return {}
    added = answer.get("added") or {}
    return {"purchases": int(added.get("purchases", 0))}
