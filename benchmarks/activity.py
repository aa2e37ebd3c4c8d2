"""What activity recording costs an operation, and what aggregation and get_metrics cost (issue 14).

Prints: the listener's own time per call (record + queue), an operation's median and p95 latency through the
functions with and without recording (memory backend), folding one day of records in memory, computing the
get_metrics answer from 8 weeks of daily documents, the platform's day of `--bakeries` bakeries folded from
their day documents and split into shards (sizes); with --emulator also, on the Firestore emulator: writing
records in batches (with the bakeries' day markers), aggregating a day bakery by bakery, and get_metrics of the
platform over 8 weeks of the sample history (the documents it reads).

Run: .venv/bin/python benchmarks/activity.py [--calls 2000] [--day-records 20000] [--bakeries 100000] [--emulator]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.activity.daily import DailyAggregate, fold_bakery, fold_day, fold_platform  # noqa: E402
from core.activity.platform_day import SHARDS, document_size, split  # noqa: E402
from core.activity.record import (  # noqa: E402
    ActivityRecord,
    event_key,
    user_key,
)
from core.metrics.answer import metrics  # noqa: E402
from core.metrics.sample_history import generate  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def a_day_of(n: int, day: dt.date, tenants: int = 50) -> list[ActivityRecord]:
    """n records on one day, spread over `tenants` bakeries, 10 users each, a mix of operations."""
    base = dt.datetime.combine(day, dt.time(6), dt.UTC)
    ops = ("plan_event", "get_bakery", "add_purchase", "confirm_proposal", "list_proposals")
    return [ActivityRecord(at=base + dt.timedelta(seconds=i % 50000), operation=ops[i % len(ops)], entry="http",
                           status=500 if i % 97 == 0 else 200, latency_ms=float(5 + i % 400),
                           tenant_id=f"bakery-{i % tenants}", user=f"{i % (tenants * 10):016x}",
                           source="manual" if ops[i % len(ops)] == "add_purchase" else None,
                           purchases=1 if ops[i % len(ops)] == "add_purchase" else 0)
            for i in range(n)]


def listener_cost(calls: int) -> None:
    from functions.shared import activity
    from functions.shared.observe import Observation

    store = activity.MemoryActivityStore()
    activity.RECORDER.use(store)
    observation = Observation("add_purchase", "http", "r1", None, "t1", "alice", "owner", 200, None, 12.0, "pwa",
                              time.time(), {"entered_with": "barcode", "purchases": 1})
    started = time.perf_counter()
    for _ in range(calls):
        activity.RECORDER(observation)
    spent = time.perf_counter() - started
    activity.RECORDER.flush()
    activity.RECORDER.use(None)
    print(f"listener (record + queue), per call: {spent / calls * 1e6:.1f} µs over {calls} calls; "
          f"{len(store.records)} written by the thread")


def operation_latency(calls: int) -> None:
    import json

    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import main
    from functions.shared import activity, observe
    from functions.shared.memory_backend import MemoryBackend
    from functions.shared.operation import RUNTIME
    from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token

    RUNTIME.use(MemoryBackend(), UnsignedTokenVerifier())

    def post(op: Any, body: Any, claims: dict[str, Any]) -> Any:
        request = Request(EnvironBuilder(method="POST", data=json.dumps(body), content_type="application/json",
                                         headers={"Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ())
        text, status, _ = op(request)
        assert status == 200, text
        return json.loads(text)

    tenant = post(main.create_tenant, {"name": "Bench"}, {"uid": "ben"})["tenant_id"]
    owner = {"uid": "ben", "tenant_id": tenant, "role": "owner"}

    def timed() -> list[float]:
        out = []
        for _ in range(calls):
            started = time.perf_counter()
            post(main.get_bakery, {}, owner)
            out.append((time.perf_counter() - started) * 1000)
        return out

    timed()  # warm up
    with_recording = timed()
    activity.RECORDER.flush()
    observe.LISTENERS.remove(activity.RECORDER)
    without = timed()
    observe.listen(activity.RECORDER)
    for name, figures in (("with recording", with_recording), ("without", without)):
        figures.sort()
        print(f"get_bakery through the functions {name}: median {statistics.median(figures):.3f} ms, "
              f"p95 {figures[int(len(figures) * 0.95)]:.3f} ms ({calls} calls)")


def folding(day_records: int) -> None:
    day = dt.date(2026, 11, 30)
    records = a_day_of(day_records, day)
    started = time.perf_counter()
    folded = fold_day(day.isoformat(), records)
    spent = time.perf_counter() - started
    size = len(repr(folded.platform.to_dict()))
    print(f"fold one day of {day_records} records ({len(folded.bakeries)} bakeries) in memory: {_ms(spent)}; "
          f"the platform's day document ≈ {size / 1024:.0f} KiB")
    started = time.perf_counter()
    by_bakery: dict[str, list[ActivityRecord]] = {}
    for record in records:
        if record.tenant_id is not None:
            by_bakery.setdefault(record.tenant_id, []).append(record)
    bakery_days = {t: fold_bakery(day.isoformat(), found) for t, found in by_bakery.items()}
    folded_bakeries = time.perf_counter() - started
    started = time.perf_counter()
    parted = split(fold_platform(day.isoformat(), bakery_days.items(),
                                 [r for r in records if r.tenant_id is None]))
    print(f"the same day bakery by bakery: {_ms(folded_bakeries)}; the platform from the {len(bakery_days)} "
          f"bakery documents, split: {_ms(time.perf_counter() - started)} ({len(parted.shards)} shards)")
    history = generate(dt.date(2026, 10, 5))
    days = {d: fold_day(d, history.records).platform for d in sorted({r.day for r in history.records})}
    started = time.perf_counter()
    for _ in range(20):
        metrics("platform", days, history.start, history.end)
    print(f"get_metrics' answer from 8 weeks of daily documents: {_ms((time.perf_counter() - started) / 20)}")


def platform_at_scale(bakeries: int) -> None:
    """A day of `bakeries` bakeries, three people active in each (one new), each saving and planning an event."""
    day = "2026-11-30"

    def bakery_day(n: int) -> DailyAggregate:
        event = event_key(f"t{n}", "market")
        return DailyAggregate(day, users={user_key(f"u{n}-{k}") for k in range(3)}, bakeries={f"t{n}"},
                              signups={user_key(f"u{n}-0")}, purchases={"voice": 2, "manual": 1},
                              events_seen={event: f"{day}T08:00:00+00:00"},
                              plans_complete={event: f"{day}T10:00:00+00:00"})

    started = time.perf_counter()
    platform = fold_platform(day, ((f"t{n}", bakery_day(n)) for n in range(bakeries)))
    folded = time.perf_counter() - started
    started = time.perf_counter()
    parted = split(platform)
    splitting = time.perf_counter() - started
    whole = document_size(platform.to_dict(), f"metrics_days/{day}")
    main = document_size(parted.main_document(), f"metrics_days/{day}")
    shards = sorted(document_size(d, f"metrics_days/{day}/metrics_shards/{s}")
                    for s, d in parted.shard_documents().items())
    print(f"platform day of {bakeries} bakeries ({len(platform.users)} active users): fold from the bakery "
          f"documents {_ms(folded)}, split {_ms(splitting)}; as one document {whole / 1024:.0f} KiB; main "
          f"{main / 1024:.1f} KiB, {len(shards)} of {SHARDS} shards {shards[0] / 1024:.0f}–{shards[-1] / 1024:.0f} KiB")


def on_emulator(day_records: int) -> None:
    from devstack.firestore import FirestoreEmulator
    from functions.shared import activity

    emulator = FirestoreEmulator(Path(tempfile.mkdtemp(prefix="bench-activity-"))).start()
    try:
        client = emulator.client()
        store = activity.FirestoreActivityStore(client)
        day = dt.date(2026, 11, 30)
        records = a_day_of(day_records, day)
        started = time.perf_counter()
        store.write(records)
        spent = time.perf_counter() - started
        print(f"emulator: write {day_records} records in batches of {activity.BATCH}: {_ms(spent)} "
              f"({spent / day_records * 1e6:.0f} µs a record, off the calls' path)")
        started = time.perf_counter()
        answer = activity.aggregate(store, [day.isoformat()])
        folded = answer["days"][0]
        print(f"emulator: aggregate that day ({folded['bakeries']} bakeries each queried and folded, their "
              f"documents saved, read back for the platform, saved with {folded['shards']} shards): "
              f"{_ms(time.perf_counter() - started)}")
        from core.metrics.answer import window
        from devstack.sample_activity import seed_sample_history

        now = dt.datetime(2026, 11, 29, 20, tzinfo=dt.UTC)  # a Sunday evening: eight whole weeks
        seeded = seed_sample_history(client, "sample-bakery-1", now)
        start, end = window(now.date(), 8)
        days = [(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        import itertools

        started = time.perf_counter()
        mains, listed = store.platform_days(days)
        shards = list(store.platform_shards(listed))
        answer_ = metrics("platform", mains, start, end, slices=itertools.chain([mains], shards))
        spent = time.perf_counter() - started
        read = len(days) + sum(len(s) for s in listed.values())
        print(f"emulator: get_metrics platform over 8 weeks of the sample history ({seeded['records']} records, "
              f"{answer_['bakeries']} bakeries): {len(days)} main documents ({len(mains)} present) + "
              f"{read - len(days)} shard documents read in {_ms(spent)}")
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--day-records", type=int, default=20000)
    parser.add_argument("--bakeries", type=int, default=100_000)
    parser.add_argument("--emulator", action="store_true")
    args = parser.parse_args()
    listener_cost(args.calls * 10)
    operation_latency(args.calls)
    folding(args.day_records)
    platform_at_scale(args.bakeries)
    if args.emulator:
        on_emulator(min(args.day_records, 5000))


if __name__ == "__main__":
    main()
