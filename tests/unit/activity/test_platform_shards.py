"""The platform's day at 100,000 bakeries: no document grows past a bound (Firestore's limit is 1 MiB), and
the answer read shard by shard counts every user and bakery exactly."""

from __future__ import annotations

import datetime as dt

from core.activity.daily import DailyAggregate, bakery_key, fold_platform
from core.activity.platform_day import SHARDS, document_size, shard_of, split
from core.activity.record import event_key, user_key
from core.metrics.answer import metrics

DAY = dt.date(2026, 11, 23)  # a Monday
BAKERIES = 100_000
MAIN_BOUND = 64 * 1024  # the main document: operations, purchases, proposals, counts
SHARD_BOUND = 1024 * 1024 // 3  # a third of Firestore's limit: three times this day still fits


def bakery_day(n: int, day: str) -> DailyAggregate:
    """Bakery n's day: three people active (one of them new), one event saved and planned."""
    users = {user_key(f"u{n}-{k}") for k in range(3)}
    event = event_key(f"t{n}", "market")
    return DailyAggregate(day, users=users, bakeries={f"t{n}"}, signups={user_key(f"u{n}-0")},
                          purchases={"voice": 2, "manual": 1}, proposals={"voice": {"proposed": 1}},
                          events_seen={event: f"{day}T08:00:00+00:00"}, plans_complete={event: f"{day}T10:00:00+00:00"})


def test_no_document_of_a_day_of_100000_bakeries_passes_the_bound() -> None:
    day = DAY.isoformat()
    platform = fold_platform(day, ((f"t{n}", bakery_day(n, day)) for n in range(BAKERIES)))
    assert len(platform.users) == 3 * BAKERIES and len(platform.bakeries) == BAKERIES
    unsplit = document_size(platform.to_dict(), f"metrics_days/{day}")
    assert unsplit > 1024 * 1024  # one document would no longer fit
    parted = split(platform)
    main = document_size(parted.main_document(), f"metrics_days/{day}")
    shards = {s: document_size(d, f"metrics_days/{day}/metrics_shards/{s}")
              for s, d in parted.shard_documents().items()}
    assert len(shards) == SHARDS
    assert main <= MAIN_BOUND and max(shards.values()) <= SHARD_BOUND, (main, max(shards.values()))
    assert parted.main_document()["active_users"] == 3 * BAKERIES
    print(f"one document: {unsplit / 1024:.0f} KiB; main {main / 1024:.1f} KiB, "
          f"largest shard {max(shards.values()) / 1024:.1f} KiB of {SHARDS}")


def test_weekly_actives_and_cohorts_add_up_exactly_over_shards() -> None:
    """Two days of one week: the same users again on the second, half of the first day's new ones."""
    monday, tuesday = DAY.isoformat(), (DAY + dt.timedelta(days=1)).isoformat()
    days = {}
    for day, bakeries in ((monday, range(2000)), (tuesday, range(0, 2000, 2))):
        days[day] = fold_platform(day, ((f"t{n}", bakery_day(n, day)) for n in bakeries))
    start, end = DAY - dt.timedelta(weeks=1), DAY + dt.timedelta(weeks=1, days=6)
    whole = metrics("platform", days, start, end)
    mains, shards = {}, {}
    for day, platform in days.items():
        parted = split(platform)
        mains[day] = DailyAggregate.from_dict(parted.main_document())
        for shard, document in parted.shard_documents().items():
            shards.setdefault(shard, {})[day] = DailyAggregate.from_dict(document)
    sharded = metrics("platform", mains, start, end, slices=shards.values())
    assert sharded == whole
    assert sharded["weekly"][1]["active_users"] == 6000 and sharded["bakeries"] == 2000
    assert [d["active_users"] for d in sharded["daily"][7:9]] == [6000, 3000]
    assert sharded["retention"][0]["size"] == 2000 and sharded["events"]["planned"] == 2000
    assert all(not a.users and not a.bakeries for a in mains.values())  # the main documents hold no ids


def test_a_key_always_falls_in_the_same_shard() -> None:
    keys = [user_key(f"u{n}") for n in range(5000)] + [bakery_key(f"t{n}") for n in range(5000)]
    assert [shard_of(k) for k in keys] == [shard_of(k) for k in keys]
    counts: dict[str, int] = {}
    for key in keys:
        counts[shard_of(key)] = counts.get(shard_of(key), 0) + 1
    assert len(counts) == SHARDS and max(counts.values()) < 2 * len(keys) / SHARDS  # spread evenly
