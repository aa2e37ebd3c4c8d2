"""The daily documents activity is folded into: one per bakery per day, and one for the whole platform.

A day's documents are always computed afresh from all of that day's records (`fold_day`), so folding a day
again gives the same documents: aggregation is idempotent, and a record written late is counted the next time
its day is folded. Reading metrics reads these documents only, never the records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.activity.latency import LatencyDigest
from core.activity.record import ActivityRecord


def bakery_key(tenant_id: str) -> str:
    """A bakery in the platform's documents: a hash, so the platform's figures never name one."""
    return hashlib.sha256(f"baketracker-bakery:{tenant_id}".encode()).hexdigest()[:16]


@dataclass(slots=True)
class OperationDigest:
    calls: int = 0
    errors: int = 0  # answered 5xx: our fault
    client_errors: int = 0  # answered 4xx (429 included): refused input, rights, limits
    latency: LatencyDigest = field(default_factory=LatencyDigest)

    def add(self, record: ActivityRecord) -> None:
        self.calls += 1
        if record.status >= 500:
            self.errors += 1
        elif record.status >= 400:
            self.client_errors += 1
        self.latency.add(record.latency_ms)

    def merge(self, other: OperationDigest) -> None:
        self.calls += other.calls
        self.errors += other.errors
        self.client_errors += other.client_errors
        self.latency.merge(other.latency)


@dataclass(slots=True)
class DailyAggregate:
    day: str  # YYYY-MM-DD (UTC)
    users: set[str] = field(default_factory=set)  # user keys active in a bakery that day
    bakeries: set[str] = field(default_factory=set)  # bakery keys active that day
    signups: set[str] = field(default_factory=set)  # user keys that created or joined a bakery that day
    operations: dict[str, OperationDigest] = field(default_factory=dict)
    purchases: dict[str, int] = field(default_factory=dict)  # by source
    proposals: dict[str, dict[str, int]] = field(default_factory=dict)  # source → outcome → count
    events_seen: dict[str, str] = field(default_factory=dict)  # event key → first time created or changed
    plans_complete: dict[str, str] = field(default_factory=dict)  # event key → first time its plan was complete

    @property
    def calls(self) -> int:
        return sum(d.calls for d in self.operations.values())

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.operations.values())

    def add(self, record: ActivityRecord, bakery: str | None) -> None:
        self.operations.setdefault(record.operation, OperationDigest()).add(record)
        if bakery is None:
            return  # no bakery (signed out, refused, not yet a member): counted per operation only
        if record.user is not None:
            self.users.add(record.user)
            if record.signed_up:
                self.signups.add(record.user)
        self.bakeries.add(bakery)
        if record.purchases and record.source is not None:
            self.purchases[record.source] = self.purchases.get(record.source, 0) + record.purchases
        if record.proposal_source is not None and record.proposal_outcome is not None:
            by_outcome = self.proposals.setdefault(record.proposal_source, {})
            by_outcome[record.proposal_outcome] = by_outcome.get(record.proposal_outcome, 0) + 1
            if record.proposal_made:
                by_outcome["proposed"] = by_outcome.get("proposed", 0) + 1
        stamp = record.at.isoformat()
        for key in record.events:
            if key not in self.events_seen or stamp < self.events_seen[key]:
                self.events_seen[key] = stamp
        if record.planned_event is not None:
            key = record.planned_event
            if key not in self.plans_complete or stamp < self.plans_complete[key]:
                self.plans_complete[key] = stamp

    def merge(self, other: DailyAggregate, bakery: str) -> None:
        """Add a bakery's day (`other`) as the bakery `bakery`: the same as adding that bakery's records."""
        for name, digest in other.operations.items():
            self.operations.setdefault(name, OperationDigest()).merge(digest)
        self.users |= other.users
        self.signups |= other.signups
        self.bakeries.add(bakery)
        for source, n in other.purchases.items():
            self.purchases[source] = self.purchases.get(source, 0) + n
        for source, outcomes in other.proposals.items():
            by_outcome = self.proposals.setdefault(source, {})
            for outcome, n in outcomes.items():
                by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        for mine, theirs in ((self.events_seen, other.events_seen), (self.plans_complete, other.plans_complete)):
            for key, stamp in theirs.items():
                if key not in mine or stamp < mine[key]:
                    mine[key] = stamp

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day, "users": sorted(self.users), "bakeries": sorted(self.bakeries),
            "signups": sorted(self.signups), "calls": self.calls, "errors": self.errors,
            "operations": {name: {"calls": d.calls, "errors": d.errors, "client_errors": d.client_errors,
                                  "latency_buckets": list(d.latency.counts), "latency_max_ms": d.latency.max_ms}
                           for name, d in sorted(self.operations.items())},
            "purchases": dict(sorted(self.purchases.items())),
            "proposals": {s: dict(sorted(o.items())) for s, o in sorted(self.proposals.items())},
            "events_seen": dict(sorted(self.events_seen.items())),
            "plans_complete": dict(sorted(self.plans_complete.items())),
        }

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> DailyAggregate:
        operations = {
            str(name): OperationDigest(int(o.get("calls", 0)), int(o.get("errors", 0)), int(o.get("client_errors", 0)),
                                       LatencyDigest.of(o.get("latency_buckets") or [], o.get("latency_max_ms", 0.0)))
            for name, o in (d.get("operations") or {}).items()
        }
        return DailyAggregate(
            day=str(d["day"]), users=set(d.get("users") or ()), bakeries=set(d.get("bakeries") or ()),
            signups=set(d.get("signups") or ()), operations=operations,
            purchases={str(k): int(v) for k, v in (d.get("purchases") or {}).items()},
            proposals={str(s): {str(k): int(v) for k, v in o.items()} for s, o in (d.get("proposals") or {}).items()},
            events_seen={str(k): str(v) for k, v in (d.get("events_seen") or {}).items()},
            plans_complete={str(k): str(v) for k, v in (d.get("plans_complete") or {}).items()},
        )


@dataclass(slots=True)
class FoldedDay:
    day: str
    bakeries: dict[str, DailyAggregate]  # by tenant id
    platform: DailyAggregate


def fold_bakery(day: str, records: Iterable[ActivityRecord]) -> DailyAggregate:
    """One bakery's records of `day` (all of the same bakery) into its day document; other days are skipped."""
    aggregate = DailyAggregate(day)
    for record in sorted(records, key=lambda r: r.at):
        if record.day == day and record.tenant_id is not None:
            aggregate.add(record, record.tenant_id)
    return aggregate


def fold_platform(day: str, bakeries: Iterable[tuple[str, DailyAggregate]],
                  unowned: Iterable[ActivityRecord] = ()) -> DailyAggregate:
    """The platform's day from the bakeries' day documents (tenant id, document) and the day's records made
    in no bakery: the same aggregate as folding every record of the day (`fold_day`), bakeries as hashes."""
    platform = DailyAggregate(day)
    for tenant_id, aggregate in bakeries:
        platform.merge(aggregate, bakery_key(tenant_id))
    for record in unowned:
        if record.day == day and record.tenant_id is None:
            platform.add(record, None)
    return platform


def fold_day(day: str, records: Iterable[ActivityRecord]) -> FoldedDay:
    """Every record of `day` into its bakery's document and the platform's (records of other days are skipped)."""
    bakeries: dict[str, DailyAggregate] = {}
    platform = DailyAggregate(day)
    for record in sorted(records, key=lambda r: r.at):
        if record.day != day:
            continue
        if record.tenant_id is not None:
            bakeries.setdefault(record.tenant_id, DailyAggregate(day)).add(record, record.tenant_id)
            platform.add(record, bakery_key(record.tenant_id))
        else:
            platform.add(record, None)
    return FoldedDay(day, bakeries, platform)
