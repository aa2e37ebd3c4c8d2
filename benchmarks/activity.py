"""What activity recording costs an operation, and what aggregation and get_metrics cost (issue 14).

Prints: the listener's own time per call (record + queue), an operation's median and p95 latency through the
functions with and without recording (memory backend), folding one day of records in memory, computing the
get_metrics answer from 8 weeks of daily documents; with --emulator also, on the Firestore emulator: writing
records in batches, aggregating a day (query + fold + save) and get_metrics reading 56 daily documents.

Run: .venv/bin/python benchmarks/activity.py [--calls 2000] [--day-records 20000] [--emulator]
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

from core.activity.daily import fold_day  # noqa: E402
from core.activity.record import ActivityRecord  # noqa: E402
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
    history = generate(dt.date(2026, 10, 5))
    days = {d: fold_day(d, history.records).platform for d in sorted({r.day for r in history.records})}
    started = time.perf_counter()
    for _ in range(20):
        metrics("platform", days, history.start, history.end)
    print(f"get_metrics' answer from 8 weeks of daily documents: {_ms((time.perf_counter() - started) / 20)}")


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
        print(f"emulator: aggregate that day (query, fold, save {answer['days'][0]['bakeries'] + 1} documents): "
              f"{_ms(time.perf_counter() - started)}")
        days = [(day - dt.timedelta(days=n)).isoformat() for n in range(56)]
        started = time.perf_counter()
        found = store.platform_days(days)
        metrics("platform", found, day - dt.timedelta(days=55), day)
        print(f"emulator: get_metrics' reads (56 daily documents, {len(found)} present) and answer: "
              f"{_ms(time.perf_counter() - started)}")
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--day-records", type=int, default=20000)
    parser.add_argument("--emulator", action="store_true")
    args = parser.parse_args()
    listener_cost(args.calls * 10)
    operation_latency(args.calls)
    folding(args.day_records)
    if args.emulator:
        on_emulator(min(args.day_records, 5000))


if __name__ == "__main__":
    main()
