"""One call's activity record: no content, only who, which bakery, what, how it was entered, how it ended.

A user is kept as a short hash of their uid (never an email); an event as a hash of its bakery and slug, so
"created" and "planned" can be paired without its name. Facts noted during the call (`observe.note`) decide
the source, the purchases it entered and a proposal's outcome; anything else in them is dropped here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# How something was entered. AI input: read by a model (or the offline extractor) from speech, typing,
# a photo, or proposed by an agent; the person confirms it.
SOURCES = ("manual", "voice", "text", "receipt", "shelf_photo", "barcode", "agent", "import")
AI_SOURCES = frozenset({"voice", "text", "receipt", "shelf_photo", "agent"})
PROPOSAL_SOURCES = ("voice", "text", "receipt", "shelf_photo", "agent")
# What became of a proposal: made, confirmed untouched, confirmed after the baker changed or struck out a
# line, rejected, or confirmed and then undone.
PROPOSAL_OUTCOMES = ("proposed", "confirmed_as_is", "edited", "rejected", "undone")
OUTCOMES = ("ok", "client_error", "rate_limited", "server_error")
# A proposal's own source (core.proposals.model.Source) as activity names it.
PROPOSAL_SOURCE_NAMES = {"voice": "voice", "event_voice": "voice", "text": "text", "receipt": "receipt",
                         "inventory_photo": "shelf_photo", "agent": "agent"}


def user_key(uid: str) -> str:
    """A user as activity keeps them: 16 hex digits of a hash of the uid, the same in every bakery."""
    return hashlib.sha256(f"baketracker-user:{uid}".encode()).hexdigest()[:16]


def event_key(tenant_id: str, slug: str) -> str:
    """An event as activity keeps it: a hash of its bakery and slug, never its name."""
    return hashlib.sha256(f"baketracker-event:{tenant_id}:{slug}".encode()).hexdigest()[:16]


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status == 429:
        return "rate_limited"
    return "client_error" if status < 500 else "server_error"


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    at: dt.datetime  # when the call started (UTC)
    operation: str
    entry: str  # http, mcp or task
    status: int
    latency_ms: float
    tenant_id: str | None = None
    user: str | None = None  # user_key(uid)
    role: str | None = None
    client: str | None = None  # pwa, cli, mcp, …
    error_code: str | None = None
    source: str | None = None  # one of SOURCES, when the call entered something
    purchases: int = 0  # purchases this call entered (applied), by `source`
    proposal_source: str | None = None  # one of PROPOSAL_SOURCES
    proposal_outcome: str | None = None  # one of PROPOSAL_OUTCOMES
    events: tuple[str, ...] = ()  # event keys this call created or changed
    planned_event: str | None = None  # the event key whose plan this call found complete
    signed_up: bool = False  # the user joined or created this bakery in this call
    proposal_made: bool = False  # the call also made the proposal it decided (counted as proposed too)

    @property
    def day(self) -> str:
        return self.at.astimezone(dt.UTC).date().isoformat()

    @property
    def outcome(self) -> str:
        return outcome_of(self.status)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "day": self.day, "operation": self.operation, "entry": self.entry,
                "status": self.status, "latency_ms": round(self.latency_ms, 3), "tenant_id": self.tenant_id,
                "user": self.user, "role": self.role, "client": self.client, "error_code": self.error_code,
                "source": self.source, "purchases": self.purchases, "proposal_source": self.proposal_source,
                "proposal_outcome": self.proposal_outcome, "events": list(self.events),
                "planned_event": self.planned_event, "signed_up": self.signed_up,
                "proposal_made": self.proposal_made}

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> ActivityRecord:
        at = d["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        return ActivityRecord(at=at, operation=str(d["operation"]), entry=str(d["entry"]), status=int(d["status"]),
                              latency_ms=float(d["latency_ms"]), tenant_id=d.get("tenant_id"), user=d.get("user"),
                              role=d.get("role"), client=d.get("client"), error_code=d.get("error_code"),
                              source=d.get("source"), purchases=int(d.get("purchases") or 0),
                              proposal_source=d.get("proposal_source"), proposal_outcome=d.get("proposal_outcome"),
                              events=tuple(d.get("events") or ()), planned_event=d.get("planned_event"),
                              signed_up=bool(d.get("signed_up")), proposal_made=bool(d.get("proposal_made")))


def classify_source(operation: str, entry: str, facts: Mapping[str, Any]) -> str | None:
    """How the call entered what it entered: a proposal's source when it decided one; an MCP call is an agent's;
    add_purchase is manual unless the app said it came from a scanned barcode; an import is an import."""
    proposal_source = PROPOSAL_SOURCE_NAMES.get(str(facts.get("proposal_source") or ""))
    if proposal_source is not None:
        return proposal_source
    if entry == "mcp":
        return "agent"
    if operation == "add_purchase":
        return "barcode" if facts.get("entered_with") == "barcode" else "manual"
    if operation == "import_desktop":
        return "import"
    return None


def record_of(*, operation: str, entry: str, status: int, latency_ms: float, started_at: float,
              tenant_id: str | None, uid: str | None, role: str | None, client: str | None,
              error_code: str | None, facts: Mapping[str, Any]) -> ActivityRecord:
    """The record of one observed call; facts other than the known ones (and any content) are left out."""
    ok = status < 400
    joined = facts.get("joined_tenant")
    tenant = tenant_id or (str(joined) if ok and joined else None)
    proposal_source = PROPOSAL_SOURCE_NAMES.get(str(facts.get("proposal_source") or ""))
    proposal_outcome = facts.get("proposal_outcome") if facts.get("proposal_outcome") in PROPOSAL_OUTCOMES else None
    purchases = facts.get("purchases", 0)
    events = facts.get("events") or ()
    planned = facts.get("planned_event")
    return ActivityRecord(
        at=dt.datetime.fromtimestamp(started_at, dt.UTC), operation=operation, entry=entry, status=status,
        latency_ms=max(0.0, latency_ms), tenant_id=tenant, user=user_key(uid) if uid else None, role=role,
        client=client, error_code=error_code, source=classify_source(operation, entry, facts),
        purchases=int(purchases) if ok and isinstance(purchases, int) and purchases > 0 else 0,
        proposal_source=proposal_source if ok else None, proposal_outcome=proposal_outcome if ok else None,
        events=tuple(str(e) for e in events)[:50] if ok and isinstance(events, (list, tuple)) else (),
        planned_event=str(planned) if ok and planned else None, signed_up=ok and bool(joined),
        proposal_made=ok and proposal_outcome not in (None, "proposed") and facts.get("proposal_made") is True,
    )
