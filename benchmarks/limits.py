"""What the abuse limits cost a call (issue 14).

Prints, on the Firestore emulator (started here on a free port, stopped after): the median and p95 of spending
one charge (a save), three charges (an AI reading: bakery, account, save) and six (a receipt upload), each a read
and one atomic write; a refused spend (reads only); get_quotas' read of nine counters; and N threads spending on
the same account's counter at once (the burst an outbox flush makes), with how many attempts it took.

Run: .venv/bin/python benchmarks/limits.py [--calls 200] [--threads 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.limits import MIB, WRITES_BY_ACCOUNT, Charge, counter_key, owner_quotas  # noqa: E402
from functions.shared.limits import reading_charges, upload_charges, write_charge  # noqa: E402


def _rows(charges: list[Charge], now: float) -> list[tuple[str, int, int, dt.datetime]]:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return [(counter_key(c.limit, c.who, now), c.amount, c.limit.allowed, later) for c in charges]


def _timed(label: str, calls: int, work: Callable[[int], Any]) -> None:
    spent = []
    for n in range(calls):
        started = time.perf_counter()
        work(n)
        spent.append(time.perf_counter() - started)
    spent.sort()
    p95 = spent[min(len(spent) - 1, int(len(spent) * 0.95))]
    print(f"{label:<58} median {statistics.median(spent) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms   ({calls} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from devstack.firestore import FirestoreEmulator
    from functions.shared.firestore_backend import FirestoreBackend

    emulator = FirestoreEmulator(Path(tempfile.mkdtemp(prefix="bench-limits-"))).start()
    try:
        backend = FirestoreBackend(emulator.client())
        now = time.time()
        _timed("spend 1 charge (a save)", args.calls,
               lambda n: backend.spend_counters(_rows([write_charge(f"uid-{n}")], now)))
        _timed("spend 3 charges (an AI reading)", args.calls,
               lambda n: backend.spend_counters(_rows([*reading_charges(f"bakery-{n}", f"uid-{n}"),
                                                       write_charge(f"uid-{n}")], now)))
        _timed("spend 6 charges (a receipt upload)", args.calls,
               lambda n: backend.spend_counters(_rows(upload_charges(f"bakery-{n}", f"uid-{n}", 3 * MIB,
                                                                      receipt=True), now)))
        full = _rows([write_charge("runaway")], now)
        backend.client.collection("rate_limits").document(full[0][0]).set({"count": WRITES_BY_ACCOUNT.allowed})
        _timed("refused spend (the counter full: reads only)", args.calls,
               lambda n: backend.spend_counters(full))
        keys = [counter_key(limit, "bakery-1" if limit.per == "bakery" else "uid-1", now)
                for limit in owner_quotas(False)]
        _timed(f"get_quotas' read of {len(keys)} counters", args.calls, lambda n: backend.counter_values(keys))

        each = max(1, args.calls // args.threads)
        burst = _rows([write_charge("outbox")], now)
        errors: list[Exception] = []

        def flush() -> None:
            for _ in range(each):
                try:
                    backend.spend_counters(burst)
                except Exception as exc:  # counted and printed below
                    errors.append(exc)

        threads = [threading.Thread(target=flush) for _ in range(args.threads)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = time.perf_counter() - started
        counted = backend.counter_values([burst[0][0]])[0]
        print(f"{args.threads} threads x {each} saves on one account's counter at once: {spent:.2f} s, "
              f"{args.threads * each / spent:.0f} a second; counted {counted} of {args.threads * each}, "
              f"{len(errors)} failed{' (' + type(errors[0]).__name__ + ')' if errors else ''}")
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
