"""The get_metrics answer, computed from daily documents (one bakery's, or the platform's).

Definitions (docs/metrics.md says the same in words):
- active user / bakery: made at least one call in a bakery that day (or week);
- retention: users who created or joined a bakery in the cohort's week (Monday to Sunday, UTC); week k is the
  k-th week after it; the share is of the cohort active in that week; null until that week has ended;
- AI share: purchases entered through voice, text, receipt, shelf photo or agent proposals, over all purchases;
- proposals: made, confirmed as proposed, confirmed after an edit, rejected, undone, per source;
- events planned: events whose plan was first complete in the window (a week: first complete that week);
  hours to a complete plan: from the first time the event was created or changed to that first complete plan;
- operations: calls, server errors (5xx) and their rate, p50 and p95 latency (bucket upper bounds, merged).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from core.activity.daily import DailyAggregate, OperationDigest
from core.activity.record import AI_SOURCES, PROPOSAL_OUTCOMES, PROPOSAL_SOURCES, SOURCES

RETENTION_WEEKS = 8


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def window(today: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """`weeks` calendar weeks ending with today's (which is partial): Monday of the first, and today."""
    return monday(today) - dt.timedelta(weeks=weeks - 1), today


def dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _IdFigures:
    """The figures that count distinct users, bakeries and events, added up over slices that split the ids
    (the platform's shards: each key is in one slice every day), so each is exact."""

    def __init__(self, span: list[dt.date], end: dt.date) -> None:
        self.span, self.end = span, end
        self.weeks = sorted({monday(d) for d in span})
        self.daily_users = [0] * len(span)
        self.daily_bakeries = [0] * len(span)
        self.week_users = dict.fromkeys(self.weeks, 0)
        self.week_bakeries = dict.fromkeys(self.weeks, 0)
        self.week_planned = dict.fromkeys(self.weeks, 0)
        self.bakeries = 0
        self.planned = 0
        self.hours: list[float] = []
        self.cohort_size: dict[dt.date, int] = {}
        self.cohort_back: dict[dt.date, list[int]] = {}

    def add(self, days: Mapping[str, DailyAggregate]) -> None:
        got = [days.get(d.isoformat()) or DailyAggregate(d.isoformat()) for d in self.span]
        for n, a in enumerate(got):
            self.daily_users[n] += len(a.users)
            self.daily_bakeries[n] += len(a.bakeries)
        self.bakeries += len(set().union(*(a.bakeries for a in got)))

        first_plan: dict[str, str] = {}
        first_seen: dict[str, str] = {}
        for a in got:
            for key, at in a.plans_complete.items():
                first_plan[key] = min(at, first_plan.get(key, at))
            for key, at in a.events_seen.items():
                first_seen[key] = min(at, first_seen.get(key, at))
        self.planned += len(first_plan)
        for key, at in first_plan.items():
            week = monday(dt.datetime.fromisoformat(at).date())
            if week in self.week_planned:
                self.week_planned[week] += 1
            seen = first_seen.get(key)
            if seen is not None and seen <= at:
                self.hours.append((dt.datetime.fromisoformat(at) - dt.datetime.fromisoformat(seen)).total_seconds()
                                  / 3600)

        week_users: dict[dt.date, set[str]] = {}
        for week in self.weeks:
            in_week = [a for d, a in zip(self.span, got, strict=True) if monday(d) == week]
            week_users[week] = set().union(*(a.users for a in in_week))
            self.week_users[week] += len(week_users[week])
            self.week_bakeries[week] += len(set().union(*(a.bakeries for a in in_week)))

        signed_up: dict[str, dt.date] = {}
        for d, a in zip(self.span, got, strict=True):
            for user in a.signups:
                signed_up.setdefault(user, d)
        cohorts: dict[dt.date, set[str]] = {}
        for user, d in signed_up.items():
            cohorts.setdefault(monday(d), set()).add(user)
        for cohort, members in cohorts.items():
            self.cohort_size[cohort] = self.cohort_size.get(cohort, 0) + len(members)
            back = self.cohort_back.setdefault(cohort, [0] * RETENTION_WEEKS)
            for k in range(1, RETENTION_WEEKS + 1):
                back[k - 1] += len(members & week_users.get(cohort + dt.timedelta(weeks=k), set()))

    def retention(self) -> list[dict[str, Any]]:
        rows = []
        for cohort, size in sorted(self.cohort_size.items()):
            shares: list[float | None] = []
            for k in range(1, RETENTION_WEEKS + 1):
                ended = cohort + dt.timedelta(weeks=k, days=6) <= self.end
                shares.append(_share(self.cohort_back[cohort][k - 1], size) if ended else None)
            rows.append({"cohort": cohort.isoformat(), "size": size, "weeks": shares})
        return rows


def metrics(scope: str, days: Mapping[str, DailyAggregate], start: dt.date, end: dt.date,
            slices: Iterable[Mapping[str, DailyAggregate]] | None = None) -> dict[str, Any]:
    """The answer for `scope` ("bakery" or "platform") over start..end, from the daily documents in `days`
    (by YYYY-MM-DD; a missing day had no activity). `slices`: where the id sets are when they are not in
    `days` (the platform's shards, each a mapping by day, read one after another); by default `days` itself."""
    span = dates(start, end)
    got = [days.get(d.isoformat()) or DailyAggregate(d.isoformat()) for d in span]
    ids = _IdFigures(span, end)
    for part in (slices if slices is not None else [days]):
        ids.add(part)

    daily = [{"date": a.day, "active_users": ids.daily_users[n], "active_bakeries": ids.daily_bakeries[n],
              "calls": a.calls, "errors": a.errors} for n, a in enumerate(got)]

    weekly = []
    for week in ids.weeks:
        in_week = [a for d, a in zip(span, got, strict=True) if monday(d) == week]
        purchases = sum(sum(a.purchases.values()) for a in in_week)
        ai = sum(n for a in in_week for s, n in a.purchases.items() if s in AI_SOURCES)
        weekly.append({"week": week.isoformat(), "active_users": ids.week_users[week],
                       "active_bakeries": ids.week_bakeries[week],
                       "purchases": purchases, "ai_purchases": ai, "ai_share": _share(ai, purchases),
                       "events_planned": ids.week_planned[week]})
    retention = ids.retention()

    by_source = {s: sum(a.purchases.get(s, 0) for a in got) for s in SOURCES}
    total = sum(by_source.values())
    ai_total = sum(n for s, n in by_source.items() if s in AI_SOURCES)

    proposals = []
    for source in PROPOSAL_SOURCES:
        counts = {o: sum(a.proposals.get(source, {}).get(o, 0) for a in got) for o in PROPOSAL_OUTCOMES}
        proposals.append({"source": source, **counts})

    hours = ids.hours
    n_bakeries = 1 if scope == "bakery" else ids.bakeries

    merged: dict[str, OperationDigest] = {}
    for a in got:
        for name, digest in a.operations.items():
            merged.setdefault(name, OperationDigest()).merge(digest)
    operations = [{"operation": name, "calls": d.calls, "errors": d.errors,
                   "error_rate": round(d.errors / d.calls, 4) if d.calls else 0.0,
                   "p50_ms": d.latency.quantile(0.50), "p95_ms": d.latency.quantile(0.95)}
                  for name, d in sorted(merged.items(), key=lambda item: (-item[1].calls, item[0]))]

    return {
        "scope": scope, "from": start.isoformat(), "to": end.isoformat(), "bakeries": n_bakeries,
        "daily": daily, "weekly": weekly, "retention": retention,
        "ai_share": {"purchases": total, "ai_purchases": ai_total, "share": _share(ai_total, total),
                     "by_source": by_source},
        "proposals": proposals,
        "events": {"planned": ids.planned,
                   "per_bakery": round(ids.planned / n_bakeries, 4) if n_bakeries else 0.0,
                   "median_hours_to_complete_plan": round(statistics.median(hours), 2) if hours else None},
        "operations": operations,
    }
