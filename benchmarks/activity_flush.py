"""What the activity writer's guarantees for throttled and stopped instances cost (issue 14).

Prints:
- the listener's time per call (record + bounded queue) and a request start's nudge of the writer;
- on the Firestore emulator, `get_bakery` through the functions (FirestoreBackend) when the writer is idle,
  and when K records queued during an idle spell are written at the moment the request starts (the writer
  held until then, as a throttled CPU holds it; it writes on its own thread while the request runs): the
  request's median and p95, and how long after the request's start the K records were in Firestore;
- on the emulator, writing N pending records when the process stops (`finish_within`, bounded by 5 s).

Run: .venv/bin/python benchmarks/activity_flush.py [--calls 20000] [--requests 40] [--pending 1,50,400]
     [--stop 400,2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _observation(n: int, tenant: str = "t1") -> Any:
    from functions.shared.observe import Observation

    return Observation("add_purchase", "http", f"r{n}", None, tenant, f"user-{n % 50}", "owner", 200, None, 12.0,
                       "pwa", time.time(), {"entered_with": "barcode", "purchases": 1})


def call_path(calls: int) -> None:
    from functions.shared import activity

    store = activity.MemoryActivityStore()
    recorder = activity.Recorder()
    recorder.use(store)
    observation = _observation(0)
    started = time.perf_counter()
    for _ in range(calls):
        recorder(observation)
    spent = time.perf_counter() - started
    recorder.flush()
    started = time.perf_counter()
    for _ in range(calls):
        recorder.nudge()
    nudged = time.perf_counter() - started
    print(f"listener (record + bounded queue), per call: {spent / calls * 1e6:.1f} µs over {calls} calls "
          f"({len(store.records)} written by the thread); nudge at a request's start (writer idle): "
          f"{nudged / calls * 1e6:.2f} µs")


class Held:
    """The Firestore store, its writes held until `gate` opens (the CPU back); when each write ended."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.gate = threading.Event()
        self.gate.set()
        self.ended: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def write(self, records: list[Any], ids: list[str] | None = None) -> None:
        self.gate.wait(60)
        self.store.write(records, ids)
        self.ended.append(time.perf_counter())


def _pct(figures: list[float], p: float) -> float:
    ordered = sorted(figures)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def on_emulator(requests: int, pending: list[int], stops: list[int]) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from devstack.firestore import FirestoreEmulator
    from functions import main
    from functions.shared import activity, observe
    from functions.shared.firestore_backend import FirestoreBackend
    from functions.shared.operation import RUNTIME
    from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token

    emulator = FirestoreEmulator(Path(tempfile.mkdtemp(prefix="bench-activity-flush-"))).start()
    try:
        client = emulator.client()
        backend = FirestoreBackend(client)
        backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]
        RUNTIME.use(backend, UnsignedTokenVerifier())
        held = Held(activity.FirestoreActivityStore(client))
        activity.RECORDER.use(held)  # type: ignore[arg-type]

        def post(op: Any, body: Any, claims: dict[str, Any]) -> Any:
            environ = EnvironBuilder(method="POST", data=json.dumps(body), content_type="application/json",
                                     headers={"Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ()
            text, status, _ = op(Request(environ))
            assert status == 200, text
            return json.loads(text)

        tenant = post(main.create_tenant, {"name": "Bench"}, {"uid": "ben"})["tenant_id"]
        owner = {"uid": "ben", "tenant_id": tenant, "role": "owner"}
        for _ in range(10):
            post(main.get_bakery, {}, owner)  # warm up the channel and the cache
        activity.RECORDER.flush()

        def rounds(waiting: int) -> tuple[list[float], list[float]]:
            latencies, written_after = [], []
            for _ in range(requests):
                activity.RECORDER.flush()
                if waiting:
                    held.gate.clear()  # the CPU is throttled: the writer takes records and cannot go on
                    for n in range(waiting):
                        activity.RECORDER(_observation(n, tenant))
                    observe.on_start(held.gate.set)  # the next request brings the CPU back
                started = time.perf_counter()
                post(main.get_bakery, {}, owner)
                latencies.append((time.perf_counter() - started) * 1000)
                if waiting:
                    observe.STARTERS.remove(held.gate.set)
                    activity.RECORDER.flush()
                    written_after.append((held.ended[-1] - started) * 1000)
            return latencies, written_after

        idle, _ = rounds(0)
        print(f"emulator: get_bakery with the writer idle: median {statistics.median(idle):.2f} ms, "
              f"p95 {_pct(idle, 0.95):.2f} ms ({requests} requests)")
        for waiting in pending:
            latencies, written = rounds(waiting)
            print(f"emulator: get_bakery while {waiting} records waiting since an idle spell are written from its "
                  f"start: median {statistics.median(latencies):.2f} ms, p95 {_pct(latencies, 0.95):.2f} ms; "
                  f"records in Firestore {statistics.median(written):.1f} ms (median) after the request started")
        activity.RECORDER.use(None)

        for count in stops:
            recorder = activity.Recorder()
            store = Held(activity.FirestoreActivityStore(client))
            recorder.use(store)  # type: ignore[arg-type]
            store.gate.clear()
            for n in range(count):
                recorder(_observation(n, tenant))
            started = time.perf_counter()
            store.gate.set()
            recorder.finish_within(5.0, "benchmark")
            print(f"emulator: stop with {count} records pending: written in "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms (bound 5000 ms), {recorder.pending} left")
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--pending", default="1,50,400")
    parser.add_argument("--stop", default="400,2000")
    parser.add_argument("--no-emulator", action="store_true")
    args = parser.parse_args()
    call_path(args.calls)
    if not args.no_emulator:
        on_emulator(args.requests, [int(n) for n in args.pending.split(",")], [int(n) for n in args.stop.split(",")])


if __name__ == "__main__":
    main()
