"""The activity record of a call: its source, the purchases and proposal outcome it entered, no content."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.activity.facts import import_facts, plan_is_complete, planned_event_facts, saved_events_facts
from core.activity.latency import BOUNDS_MS, LatencyDigest
from core.activity.proposal_facts import proposal_facts, proposal_outcome
from core.activity.record import ActivityRecord, event_key, record_of, user_key
from core.proposals.model import Proposal, ProposalStatus, ProposedOperation, Source

STARTED = dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC).timestamp()


def record(operation: str = "add_purchase", entry: str = "http", status: int = 200, **facts: Any) -> ActivityRecord:
    return record_of(operation=operation, entry=entry, status=status, latency_ms=12.5, started_at=STARTED,
                     tenant_id="t1", uid="alice", role="owner", client="pwa", error_code=None, facts=facts)


@pytest.mark.parametrize("operation, entry, facts, source", [
    ("add_purchase", "http", {"entered_with": "manual"}, "manual"),
    ("add_purchase", "http", {"entered_with": "barcode"}, "barcode"),
    ("add_purchase", "http", {}, "manual"),
    ("confirm_proposal", "http", {"proposal_source": "voice"}, "voice"),
    ("confirm_proposal", "http", {"proposal_source": "event_voice"}, "voice"),
    ("confirm_proposal", "http", {"proposal_source": "inventory_photo"}, "shelf_photo"),
    ("confirm_proposal", "http", {"proposal_source": "receipt"}, "receipt"),
    ("extract_receipt", "task", {"proposal_source": "receipt"}, "receipt"),
    ("import_desktop", "http", {}, "import"),
    ("plan_event", "mcp", {}, "agent"),
    ("add_purchase", "mcp", {"proposal_source": "agent"}, "agent"),
    ("plan_event", "http", {}, None),
])
def test_the_source_of_a_call(operation: str, entry: str, facts: dict[str, Any], source: str | None) -> None:
    assert record(operation, entry, **facts).source == source


def test_a_record_keeps_no_uid_no_content_and_its_day_in_utc() -> None:
    r = record(purchases=1, entered_with="barcode", text="two bags of flour", item_name="flour")
    data = r.to_dict()
    assert data["user"] == user_key("alice") != "alice" and len(data["user"]) == 16
    assert "flour" not in repr(data) and "alice" not in repr(data)
    assert data["day"] == "2026-11-30" and r.purchases == 1
    assert ActivityRecord.from_dict(data) == r


def test_a_refused_call_entered_nothing() -> None:
    r = record(status=400, purchases=1, proposal_source="voice", proposal_outcome="edited", joined_tenant="t9")
    assert (r.purchases, r.proposal_source, r.proposal_outcome, r.signed_up, r.outcome) == (0, None, None, False,
                                                                                          "client_error")
    assert record(status=429).outcome == "rate_limited" and record(status=503).outcome == "server_error"


def test_signing_up_names_the_bakery_joined() -> None:
    joined = record_of(operation="join_tenant", entry="http", status=200, latency_ms=1, started_at=STARTED,
                       tenant_id=None, uid="rob", role=None, client=None, error_code=None,
                       facts={"joined_tenant": "t1"})
    assert (joined.tenant_id, joined.signed_up) == ("t1", True)


def _proposal(status: ProposalStatus, *, edited: bool = False, removed: bool = False) -> Proposal:
    ops = (ProposedOperation("add_purchase", {"price": 4}, {"price": 5 if edited else 4}),
           ProposedOperation("add_purchase", {"price": 2}, {"price": 2}, removed=removed),
           ProposedOperation("adjust_inventory", {"level": 50}, {"level": 50}))
    return Proposal("p1", Source.RECEIPT, ops, status=status)


def test_what_became_of_a_proposal() -> None:
    assert proposal_outcome(_proposal(ProposalStatus.PROPOSED)) == "proposed"
    assert proposal_outcome(_proposal(ProposalStatus.CONFIRMED)) == "confirmed_as_is"
    assert proposal_outcome(_proposal(ProposalStatus.CONFIRMED, edited=True)) == "edited"
    assert proposal_outcome(_proposal(ProposalStatus.CONFIRMED, removed=True)) == "edited"
    assert proposal_outcome(_proposal(ProposalStatus.REJECTED)) == "rejected"
    assert proposal_outcome(_proposal(ProposalStatus.UNDONE)) == "undone"
    assert proposal_facts(_proposal(ProposalStatus.CONFIRMED, removed=True)) == {
        "proposal_source": "receipt", "proposal_outcome": "edited", "purchases": 1}
    assert "purchases" not in proposal_facts(_proposal(ProposalStatus.UNDONE))


def test_plans_events_and_imports() -> None:
    complete = {"event_slug": "winter", "recipes": [{"batches": 2}], "warnings": []}
    assert plan_is_complete(complete)
    assert not plan_is_complete({**complete, "warnings": ["no yield for fudge"]})
    assert not plan_is_complete({**complete, "recipes": [{"batches": 0}]})
    assert planned_event_facts("t1", complete) == {"planned_event": event_key("t1", "winter")}
    assert event_key("t1", "winter") != event_key("t2", "winter")
    assert saved_events_facts("t1", {"events": [{"slug": "winter", "name": "Winter"}]}) == {
        "events": [event_key("t1", "winter")]}
    assert import_facts({"dry_run": False, "added": {"purchases": 7}}) == {"purchases": 7}
    assert import_facts({"dry_run": True, "added": {"purchases": 7}}) == {}


def test_latency_digests_merge_and_answer_bucket_bounds() -> None:
    fast, slow = LatencyDigest(), LatencyDigest()
    for _ in range(95):
        fast.add(20.0)
    for ms in (300.0, 400.0, 450.0, 480.0, 12000.0):
        slow.add(ms)
    fast.merge(slow)
    assert sum(fast.counts) == 100 and fast.max_ms == 12000.0
    assert fast.quantile(0.5) == 25.0 and fast.quantile(0.95) == 25.0 and fast.quantile(0.96) == 500.0
    assert fast.quantile(1.0) == 12000.0  # past the last bound: the slowest call seen
    only = LatencyDigest()
    only.add(3.0)
    assert only.quantile(0.95) == 3.0  # never slower than the slowest call
    assert LatencyDigest().quantile(0.95) == 0.0 and len(BOUNDS_MS) == 11


def test_a_proposal_made_and_applied_in_one_call_counts_as_proposed_too() -> None:
    from core.activity.daily import fold_day

    applied = record("add_purchase", "mcp", proposal_source="agent", proposal_outcome="confirmed_as_is",
                     purchases=1, proposal_made=True)
    proposed_only = record("add_purchase", "mcp", proposal_source="agent", proposal_outcome="proposed",
                           proposal_made=True)
    assert applied.proposal_made and not proposed_only.proposal_made
    folded = fold_day(applied.day, [applied, proposed_only])
    assert folded.bakeries["t1"].proposals == {"agent": {"proposed": 2, "confirmed_as_is": 1}}
    assert folded.bakeries["t1"].purchases == {"agent": 1}
