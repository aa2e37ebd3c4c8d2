"""A seeded, made-up 8-week activity history of several bakeries whose metrics are known by construction.

Used by the metrics tests (the expected answers are tallied here while the records are made, never by the
metrics code) and by the demo stack (`BAKETRACKER_SAMPLE_HISTORY=1`), so the dashboard has something to show.

The plan: four signup cohorts (weeks 0 to 3; 12, 8, 4 and 8 people) spread over the bakeries in turn; of each
cohort, the first 75 %, 50 %, 50 %, 50 %, 25 %, 25 %, 25 %, 25 % come back in weeks 1 to 8 after signing up.
Each week has a fixed number of purchases per source (AI input growing week by week), proposals confirmed as
proposed, after an edit, rejected and undone; each bakery creates two events and plans them a known number of
hours later. Latencies: plan_event 90 % under 50 ms, the rest under 1 s but one at 7 s (p50 50, p95 1000);
get_bakery about 20 ms, every 25th call 3 s (p50 and p95 25); every 10th manual add_purchase fails with a 500 (and
is entered again).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from core.activity.record import AI_SOURCES, PROPOSAL_OUTCOMES, PROPOSAL_SOURCES, SOURCES, ActivityRecord, event_key

WEEKS = 8
COHORT_SIZES = (12, 8, 4, 8)  # people signing up in weeks 0, 1, 2, 3
RETURNING = (0.75, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25)  # share of a cohort active k weeks after signing up
PLAN_HOURS = (2.0, 5.0, 26.0, 49.0, 3.0, 10.0, 8.0, 30.0)  # event creation → complete plan, two per bakery
READS = ("get_bakery", "plan_event", "list_proposals", "shopping_list")


def purchases_of_week(week: int) -> dict[str, int]:
    """Purchases entered in week `week` (0-based) across the platform, by source."""
    return {"manual": max(1, 6 - week), "barcode": 2, "voice": 2 + week, "text": 1, "receipt": 2 + week // 2,
            "agent": 1 if week >= 4 else 0, "shelf_photo": 0, "import": 10 if week == 0 else 0}


@dataclass(slots=True)
class Expected:
    """What get_metrics must answer for one scope over the whole history (tallied while generating)."""

    purchases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    weekly_purchases: list[dict[str, int]] = field(default_factory=lambda: [dict.fromkeys(SOURCES, 0)
                                                                             for _ in range(WEEKS)])
    proposals: dict[str, dict[str, int]] = field(
        default_factory=lambda: {s: dict.fromkeys(PROPOSAL_OUTCOMES, 0) for s in PROPOSAL_SOURCES})
    cohorts: dict[int, set[str]] = field(default_factory=dict)  # signup week → uids
    active: list[set[str]] = field(default_factory=lambda: [set() for _ in range(WEEKS)])  # uids per week
    plan_hours: list[float] = field(default_factory=list)
    planned_per_week: list[int] = field(default_factory=lambda: [0] * WEEKS)

    @property
    def ai_purchases(self) -> int:
        return sum(n for s, n in self.purchases.items() if s in AI_SOURCES)

    def retention(self) -> dict[int, list[float | None]]:
        """Cohort week → share active in weeks 1..8 after it (None: that week is past the history's end)."""
        return {w: [round(len(users & self.active[w + k]) / len(users), 4) if w + k < WEEKS else None
                    for k in range(1, WEEKS + 1)]
                for w, users in sorted(self.cohorts.items())}


@dataclass(slots=True)
class SampleHistory:
    start: dt.date  # a Monday
    end: dt.date  # the Sunday 8 weeks later
    tenants: tuple[str, ...]
    records: list[ActivityRecord]
    platform: Expected
    bakeries: dict[str, Expected]
    latency: dict[str, dict[str, float]]  # operation → expected p50_ms / p95_ms
    server_errors: dict[str, int]  # operation → calls answered 500


def generate(start: dt.date, tenants: tuple[str, ...] = ("sample-bakery-1", "sample-bakery-2", "sample-bakery-3",
                                                         "sample-bakery-4"), seed: int = 14) -> SampleHistory:
    if start.weekday() != 0:
        raise ValueError("the history starts on a Monday")
    rng = random.Random(seed)
    records: list[ActivityRecord] = []
    platform = Expected()
    bakeries = {t: Expected() for t in tenants}
    home: dict[str, str] = {}  # uid → tenant
    cohort_of: dict[str, int] = {}
    counter = 0

    def moment(week: int, day: int | None = None, hour: float | None = None) -> dt.datetime:
        d = rng.randrange(7) if day is None else day
        h = rng.uniform(6, 20) if hour is None else hour
        return dt.datetime.combine(start + dt.timedelta(weeks=week, days=d), dt.time(), dt.UTC) + dt.timedelta(hours=h)

    def emit(uid: str | None, at: dt.datetime, operation: str, *, entry: str = "http", status: int = 200,
             latency: float | None = None, **facts: Any) -> None:
        nonlocal counter
        counter += 1
        tenant = home.get(uid or "") if uid else facts.pop("tenant", None)
        records.append(ActivityRecord(
            at=at, operation=operation, entry=entry, status=status,
            latency_ms=rng.uniform(30, 200) if latency is None else latency, tenant_id=tenant,
            user=_user(uid) if uid else None, role="owner" if uid and uid.endswith("-0") else "baker",
            client={"http": "pwa", "mcp": "mcp", "task": None}[entry], **facts))
        week = (at.date() - start).days // 7
        if uid and tenant and status < 400:
            for expected in (platform, bakeries[tenant]):
                expected.active[week].add(uid)

    # people: cohorts, spread over the bakeries in turn; each signs up with one call
    people: list[str] = []
    for week, size in enumerate(COHORT_SIZES):
        for _ in range(size):
            n = len(people)
            tenant = tenants[n % len(tenants)]
            uid = f"sample-user-{n}-{0 if n < len(tenants) else 1}"
            people.append(uid)
            home[uid] = tenant
            cohort_of[uid] = week
            for expected in (platform, bakeries[tenant]):
                expected.cohorts.setdefault(week, set()).add(uid)
            emit(uid, moment(week), "create_tenant" if n < len(tenants) else "join_tenant", signed_up=True)
    by_cohort = {w: [p for p in people if cohort_of[p] == w] for w in range(len(COHORT_SIZES))}

    def active_in(week: int) -> list[str]:
        found = list(by_cohort.get(week, []))
        for w, members in by_cohort.items():
            k = week - w
            if 1 <= k <= WEEKS:
                found += members[: round(len(members) * RETURNING[k - 1])]
        return found

    reads: dict[str, list[ActivityRecord]] = {op: [] for op in READS}
    manual_calls = 0
    for week in range(WEEKS):
        here = active_in(week)
        for uid in here:
            if cohort_of[uid] == week:
                continue  # signed up this week: that call made them active
            for _ in range(rng.randint(1, 4)):
                op = rng.choice(READS)
                emit(uid, moment(week), op)
                reads[op].append(records[-1])
        plan = purchases_of_week(week)
        for source in SOURCES:
            for i in range(plan[source]):
                uid = rng.choice(here)
                tenant = home[uid]
                at = moment(week)
                if source in ("manual", "barcode"):
                    if source == "manual":
                        manual_calls += 1
                        if manual_calls % 10 == 0:
                            emit(uid, at, "add_purchase", status=500, error_code="internal", source="manual")
                    emit(uid, at, "add_purchase", source=source, purchases=1)
                elif source == "import":
                    emit(uid, at, "import_desktop", source="import", purchases=plan[source], latency=900.0)
                    _tally(platform, bakeries[tenant], week, "import", plan[source])
                    break
                else:
                    outcome = "edited" if i % 3 == 2 else "confirmed_as_is"
                    entry = "mcp" if source == "agent" else "http"
                    if source == "receipt":
                        emit(None, at - dt.timedelta(minutes=2), "extract_receipt", entry="task", tenant=tenant,
                             source="receipt", proposal_source="receipt", proposal_outcome="proposed")
                    else:
                        emit(uid, at - dt.timedelta(minutes=2), "add_purchase" if source == "agent" else
                             "propose_from_text", entry=entry, source=source, proposal_source=source,
                             proposal_outcome="proposed")
                    emit(uid, at, "confirm_proposal", entry=entry, source=source, purchases=1,
                         proposal_source=source, proposal_outcome=outcome)
                    for expected in (platform, bakeries[tenant]):
                        expected.proposals[source]["proposed"] += 1
                        expected.proposals[source][outcome] += 1
                if source not in ("import",):
                    _tally(platform, bakeries[tenant], week, source, 1)
        # a rejected voice proposal every week, a receipt undone every other week, a shelf photo from week 2
        uid = rng.choice(here)
        emit(uid, moment(week, 0, 7.0), "propose_from_text", source="voice", proposal_source="voice",
             proposal_outcome="proposed")
        emit(uid, moment(week, 0, 7.5), "reject_proposal", source="voice", proposal_source="voice",
             proposal_outcome="rejected")
        for expected in (platform, bakeries[home[uid]]):
            expected.proposals["voice"]["proposed"] += 1
            expected.proposals["voice"]["rejected"] += 1
        if week % 2 == 1:
            uid = rng.choice(here)
            emit(uid, moment(week, 6, 21.0), "undo_proposal", source="receipt", proposal_source="receipt",
                 proposal_outcome="undone")
            for expected in (platform, bakeries[home[uid]]):
                expected.proposals["receipt"]["undone"] += 1
        if week >= 2:
            uid = rng.choice(here)
            emit(uid, moment(week, 1, 8.0), "propose_from_photo", source="shelf_photo",
                 proposal_source="shelf_photo", proposal_outcome="proposed")
            emit(uid, moment(week, 1, 8.2), "confirm_proposal", source="shelf_photo",
                 proposal_source="shelf_photo", proposal_outcome="confirmed_as_is")
            for expected in (platform, bakeries[home[uid]]):
                expected.proposals["shelf_photo"]["proposed"] += 1
                expected.proposals["shelf_photo"]["confirmed_as_is"] += 1

    # events: bakery i creates its two events in week i + 1 (its creator is still active then) and plans them
    for i, tenant in enumerate(tenants):
        creator = people[i]
        for j in range(2):
            hours = PLAN_HOURS[(2 * i + j) % len(PLAN_HOURS)]
            created = moment(i + 1, 0, 9.0 + j)
            key = event_key(tenant, f"event-{j}")
            emit(creator, created, "save_events", events=(key,))
            planned = created + dt.timedelta(hours=hours)
            emit(creator, planned - dt.timedelta(hours=1), "plan_event")  # not complete yet
            reads["plan_event"].append(records[-1])
            emit(creator, planned, "plan_event", planned_event=key)
            reads["plan_event"].append(records[-1])
            emit(creator, planned + dt.timedelta(hours=2), "plan_event", planned_event=key)  # again: counted once
            reads["plan_event"].append(records[-1])
            week = (planned.date() - start).days // 7
            for expected in (platform, bakeries[tenant]):
                expected.plan_hours.append(hours)
                expected.planned_per_week[week] += 1

    # latencies by position, so their quantiles are known (see the module's docstring)
    timed = []
    for op, rows in reads.items():
        for n, record in enumerate(sorted(rows, key=lambda r: r.at)):
            if op == "plan_event":
                ms = 7000.0 if n == 0 else rng.uniform(600, 950) if n % 10 == 0 else rng.uniform(30, 49)
            elif op == "get_bakery":
                ms = 3000.0 if n % 25 == 24 else rng.uniform(12, 24)
            else:
                ms = record.latency_ms
            timed.append((record, ms))
    retimed = {id(r): ms for r, ms in timed}
    records = [_with_latency(r, retimed[id(r)]) if id(r) in retimed else r for r in records]
    records.sort(key=lambda r: r.at)
    errors = sum(1 for r in records if r.operation == "add_purchase" and r.status == 500)
    return SampleHistory(start, start + dt.timedelta(weeks=WEEKS, days=-1), tenants, records, platform, bakeries,
                         {"plan_event": {"p50_ms": 50.0, "p95_ms": 1000.0},
                          "get_bakery": {"p50_ms": 25.0, "p95_ms": 25.0}},
                         {"add_purchase": errors})


def _user(uid: str) -> str:
    from core.activity.record import user_key

    return user_key(uid)


def _tally(platform: Expected, bakery: Expected, week: int, source: str, n: int) -> None:
    for expected in (platform, bakery):
        expected.purchases[source] += n
        expected.weekly_purchases[week][source] += n


def _with_latency(record: ActivityRecord, ms: float) -> ActivityRecord:
    from dataclasses import replace

    return replace(record, latency_ms=ms)
