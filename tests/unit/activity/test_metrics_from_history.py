"""get_metrics' figures from a generated 8-week history of four bakeries, against the answers the generator
tallied while it made the records (core/metrics/sample_history.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.activity.daily import DailyAggregate, fold_bakery, fold_day, fold_platform
from core.activity.platform_day import split
from core.activity.record import AI_SOURCES
from core.metrics.answer import metrics, window
from core.metrics.sample_history import SampleHistory, generate

START = dt.date(2026, 10, 5)  # a Monday


@pytest.fixture(scope="module")
def history() -> SampleHistory:
    return generate(START)


def days_of(history: SampleHistory, tenant: str | None) -> dict[str, DailyAggregate]:
    found = {}
    for day in sorted({r.day for r in history.records}):
        folded = fold_day(day, history.records)
        aggregate = folded.platform if tenant is None else folded.bakeries.get(tenant)
        if aggregate is not None:
            found[day] = aggregate
    return found


def platform_parts(history: SampleHistory) -> tuple[dict[str, DailyAggregate], list[dict[str, DailyAggregate]]]:
    """The platform's days as stored: main documents folded from the bakeries' day documents, and shards."""
    mains: dict[str, DailyAggregate] = {}
    shards: dict[str, dict[str, DailyAggregate]] = {}
    unowned = [r for r in history.records if r.tenant_id is None]
    for day in sorted({r.day for r in history.records}):
        bakeries = [(t, fold_bakery(day, [r for r in history.records if r.tenant_id == t])) for t in history.tenants]
        parted = split(fold_platform(day, [(t, a) for t, a in bakeries if a.operations], unowned))
        mains[day] = DailyAggregate.from_dict(parted.main_document())
        for shard, document in parted.shard_documents().items():
            shards.setdefault(shard, {})[day] = DailyAggregate.from_dict(document)
    return mains, list(shards.values())


@pytest.fixture(scope="module")
def platform(history: SampleHistory) -> dict:
    mains, shards = platform_parts(history)
    assert len(shards) > 8  # the history's ids are spread over many shards
    return metrics("platform", mains, history.start, history.end, slices=shards)


def test_the_sharded_platform_gives_the_answer_of_one_document_per_day(history: SampleHistory,
                                                                        platform: dict) -> None:
    assert platform == metrics("platform", days_of(history, None), history.start, history.end)


def test_the_platform_folded_from_the_bakeries_days_is_the_platform_of_all_records(history: SampleHistory) -> None:
    unowned = [r for r in history.records if r.tenant_id is None]
    for day in sorted({r.day for r in history.records})[::5]:
        folded = fold_day(day, history.records)
        assert {t: a.to_dict() for t, a in folded.bakeries.items()} == {
            t: fold_bakery(day, [r for r in history.records if r.tenant_id == t]).to_dict() for t in folded.bakeries}
        assert fold_platform(day, folded.bakeries.items(), unowned).to_dict() == folded.platform.to_dict()


def test_the_window_is_eight_calendar_weeks_ending_today() -> None:
    assert window(dt.date(2026, 11, 29), 8) == (START, dt.date(2026, 11, 29))
    assert window(dt.date(2026, 12, 2), 1) == (dt.date(2026, 11, 30), dt.date(2026, 12, 2))


def test_cohorts_and_their_retention(history: SampleHistory, platform: dict) -> None:
    assert [(c["cohort"], c["size"]) for c in platform["retention"]] == [
        ("2026-10-05", 12), ("2026-10-12", 8), ("2026-10-19", 4), ("2026-10-26", 8)]
    expected = history.platform.retention()
    assert [c["weeks"] for c in platform["retention"]] == [expected[w] for w in range(4)]
    # the plan's shares, and null for weeks after the history's end
    assert platform["retention"][0]["weeks"] == [0.75, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, None]
    assert platform["retention"][3]["weeks"] == [0.75, 0.5, 0.5, 0.5, None, None, None, None]


def test_ai_share_of_purchases(history: SampleHistory, platform: dict) -> None:
    share = platform["ai_share"]
    assert share["by_source"] == history.platform.purchases
    assert share["purchases"] == sum(history.platform.purchases.values()) == 133
    assert share["ai_purchases"] == history.platform.ai_purchases == 84
    assert share["share"] == round(84 / 133, 4)
    for week, row in enumerate(platform["weekly"]):
        planned = history.platform.weekly_purchases[week]
        assert row["purchases"] == sum(planned.values())
        assert row["ai_purchases"] == sum(n for s, n in planned.items() if s in AI_SOURCES)
    assert platform["weekly"][0]["ai_share"] == round(5 / 23, 4)  # 6 manual, 2 barcode, 10 imported, 5 by AI
    assert platform["weekly"][7]["ai_share"] == round(16 / 19, 4)  # the plan's goal (80 %) reached in week 8


def test_proposal_outcomes_per_source(history: SampleHistory, platform: dict) -> None:
    got = {row["source"]: {k: v for k, v in row.items() if k != "source"} for row in platform["proposals"]}
    assert got == history.platform.proposals
    assert got["voice"] == {"proposed": 52, "confirmed_as_is": 32, "edited": 12, "rejected": 8, "undone": 0}
    assert got["receipt"]["undone"] == 4


def test_events_planned_and_hours_to_a_complete_plan(history: SampleHistory, platform: dict) -> None:
    assert platform["events"] == {"planned": 8, "per_bakery": 2.0, "median_hours_to_complete_plan": 9.0}
    assert [w["events_planned"] for w in platform["weekly"]] == history.platform.planned_per_week


def test_weekly_active_users_and_bakeries(history: SampleHistory, platform: dict) -> None:
    assert [w["active_users"] for w in platform["weekly"]] == [len(u) for u in history.platform.active]
    assert platform["bakeries"] == 4
    assert all(w["active_bakeries"] <= 4 for w in platform["weekly"])
    assert len(platform["daily"]) == 56 and platform["daily"][0]["date"] == "2026-10-05"


def test_latency_quantiles_and_error_rates(history: SampleHistory, platform: dict) -> None:
    rows = {row["operation"]: row for row in platform["operations"]}
    for op, quantiles in history.latency.items():
        assert rows[op]["calls"] >= 25
        assert {"p50_ms": rows[op]["p50_ms"], "p95_ms": rows[op]["p95_ms"]} == quantiles
    purchases = rows["add_purchase"]
    assert purchases["errors"] == history.server_errors["add_purchase"] == 2
    assert purchases["error_rate"] == round(2 / purchases["calls"], 4)


def test_one_bakery_sees_its_own_figures_only(history: SampleHistory, platform: dict) -> None:
    tenant = history.tenants[1]
    mine = metrics("bakery", days_of(history, tenant), history.start, history.end)
    expected = history.bakeries[tenant]
    assert mine["bakeries"] == 1
    assert mine["ai_share"]["by_source"] == expected.purchases
    assert {r["source"]: {k: v for k, v in r.items() if k != "source"} for r in mine["proposals"]} == \
        expected.proposals
    retention = expected.retention()
    assert [(r["cohort"], r["size"], r["weeks"]) for r in mine["retention"]] == [
        ((START + dt.timedelta(weeks=w)).isoformat(), len(expected.cohorts[w]), retention[w])
        for w in sorted(expected.cohorts)]
    assert mine["events"]["planned"] == 2
    assert mine["ai_share"]["purchases"] < platform["ai_share"]["purchases"]


def test_folding_a_day_twice_gives_the_same_document(history: SampleHistory) -> None:
    day = history.records[len(history.records) // 2].day
    once = fold_day(day, history.records)
    twice = fold_day(day, history.records)
    assert once.platform.to_dict() == twice.platform.to_dict()
    restored = DailyAggregate.from_dict(once.platform.to_dict())
    assert restored.to_dict() == once.platform.to_dict()


def test_platform_documents_name_no_bakery(history: SampleHistory) -> None:
    folded = fold_day(history.records[-1].day, history.records)
    text = repr(folded.platform.to_dict())
    assert not any(t in text for t in history.tenants)
    assert folded.platform.bakeries  # hashed keys instead


def test_a_window_without_activity_is_all_zeros() -> None:
    empty = metrics("bakery", {}, START, START + dt.timedelta(days=13))
    assert empty["retention"] == [] and empty["ai_share"]["share"] is None
    assert [w["active_users"] for w in empty["weekly"]] == [0, 0]
    assert empty["events"] == {"planned": 0, "per_bakery": 0.0, "median_hours_to_complete_plan": None}
