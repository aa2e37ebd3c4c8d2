"""API speed on the real Firestore emulator: the functions, through the gateway's WSGI app.

One bakery (the winter sample), one request at a time: p50/p95 and the Firestore calls of each
operation — planning, the shopping list, a purchase, a proposal, and a plan right after a
proposal or a purchase (what a write costs the next read). Then eight bakeries at once for a
while (`--seconds`, 60 by default), each planning, buying and proposing in a loop: p50/p95 per
operation, and every answer's status. Then the cold import time of the functions module.
Goals (issue 8): p95 < 100 ms one at a time; plan p95 < 200 ms with eight bakeries at once.
Tokens: unsigned emulator-style tokens read by a local verifier (no Auth emulator needed here).
Run: .venv/bin/python benchmarks/api.py [--seconds 60] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from werkzeug.test import Client  # noqa: E402

from devstack.firestore import FirestoreEmulator  # noqa: E402
from functions.gateway import app  # noqa: E402
from functions.shared.firestore_backend import FirestoreBackend  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token  # noqa: E402

FIXTURE = REPO.parent / "shared" / "fixtures" / "desktop-plans" / "winter_events.json"
EVENT = {"event": "Winter Market 2026"}
KINDS = {"batch_get_documents": "reads", "get_document": "reads", "run_query": "queries", "commit": "commits",
         "begin_transaction": "begins", "rollback": "rollbacks"}


class RpcCounter:
    """Counts the Firestore calls made through a client, per kind, per thread."""

    def __init__(self, client: Any) -> None:
        self.local = threading.local()
        api = client._firestore_api
        for name, kind in KINDS.items():
            original = getattr(api, name)

            def wrapped(*args: Any, _original: Any = original, _kind: str = kind, **kwargs: Any) -> Any:
                self.counts()[_kind] += 1
                return _original(*args, **kwargs)

            setattr(api, name, wrapped)

    def counts(self) -> Counter[str]:
        if not hasattr(self.local, "counts"):
            self.local.counts = Counter()
        counts: Counter[str] = self.local.counts
        return counts


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Bakery:
    def __init__(self, name: str) -> None:
        self.web = Client(app)
        uid = f"bench-{name}"
        created = self.web.post("/api/create_tenant", json={"name": name},
                                headers={"Authorization": f"Bearer {unsigned_token({'uid': uid})}"}).get_json()
        self.tenant = created["tenant_id"]
        token = unsigned_token({"uid": uid, "tenant_id": self.tenant, "role": "owner"})
        self.headers = {"Authorization": f"Bearer {token}"}
        answer = self.call("import_desktop", {"data": json.loads(FIXTURE.read_text())})
        assert answer[0] == 200, answer
        self.product_id = self.web.get("/api/export_desktop", headers=self.headers).get_json()["products"][0]["id"]
        self.n = 0

    def call(self, op: str, body: Any, key: str | None = None) -> tuple[int, float]:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        start = time.perf_counter()
        response = self.web.post(f"/api/{op}", json=body, headers=headers)
        return response.status_code, (time.perf_counter() - start) * 1000

    def buy(self) -> tuple[int, float]:
        self.n += 1
        return self.call("add_purchase", {"product_id": self.product_id, "packages": 1, "unit_price": 4.5,
                                          "purchased_on": "2026-11-20"}, key=f"{self.tenant}-{self.n}")

    def propose(self) -> tuple[int, float]:
        self.n += 1
        return self.call("propose_from_text", {"text": f"I bought {self.n % 9 + 1} pounds of butter at Costco "
                                                       f"for ${self.n % 30 + 5}"})

    def plan(self) -> tuple[int, float]:
        return self.call("plan_event", EVENT)


def one_at_a_time(bakery: Bakery, rpcs: RpcCounter, rounds: int, other_instance: FirestoreBackend) -> None:
    def plan_elsewhere() -> tuple[int, float]:
        """As the plan_event function deployed apart from add_purchase would: its own cache."""
        this_instance = RUNTIME.backend
        RUNTIME.use(other_instance)
        try:
            return bakery.plan()
        finally:
            RUNTIME.use(this_instance)

    steps: dict[str, tuple[Callable[[], tuple[int, float]], Callable[[], object] | None]] = {
        "plan_event (warm)": (bakery.plan, None),
        "shopping_list": (lambda: bakery.call("shopping_list", EVENT), None),
        "add_purchase": (bakery.buy, None),
        "propose_from_text": (bakery.propose, None),
        "plan after a proposal": (bakery.plan, bakery.propose),
        "plan after a purchase": (bakery.plan, bakery.buy),
        "… on another instance": (plan_elsewhere, bakery.buy),
    }
    print(f"one bakery, one request at a time ({rounds} each); Firestore calls per request")
    print(f"{'operation':<24}{'p50 ms':>8}{'p95 ms':>8}   calls (reads / queries / begins / commits / rollbacks)")
    bakery.plan()
    plan_elsewhere()  # both instances warm: what follows measures what a write costs the next plan
    for name, (step, before) in steps.items():
        samples: list[float] = []
        calls: Counter[str] = Counter()
        for _ in range(rounds):
            if before is not None:
                before()
            counts = rpcs.counts()
            seen = counts.copy()
            status, ms = step()
            assert status == 200, (name, status)
            samples.append(ms)
            calls += counts - seen
        per = " / ".join(f"{calls[k] / rounds:.1f}" for k in ("reads", "queries", "begins", "commits", "rollbacks"))
        print(f"{name:<24}{statistics.median(samples):8.1f}{percentile(samples, 95):8.1f}   {per}")


def at_once(bakeries: list[Bakery], seconds: float) -> None:
    # looping flat out, each bakery would soon meet the abuse limits (docs/limits.md): lifted on the emulator
    os.environ["BAKETRACKER_LIMITS"] = "off"
    samples: dict[str, list[float]] = {"plan_event": [], "add_purchase": [], "propose_from_text": []}
    statuses: Counter[tuple[str, int]] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(bakery: Bakery) -> None:
        steps = (("plan_event", bakery.plan), ("add_purchase", bakery.buy), ("plan_event", bakery.plan),
                 ("propose_from_text", bakery.propose))
        i = 0
        while time.monotonic() < deadline:
            name, step = steps[i % len(steps)]
            status, ms = step()
            with lock:
                samples[name].append(ms)
                statuses[(name, status)] += 1
            i += 1

    threads = [threading.Thread(target=loop, args=(b,)) for b in bakeries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"\n{len(bakeries)} bakeries at once for {seconds:.0f} s (each: plan, buy, plan, propose, …)")
    print(f"{'operation':<24}{'requests':>9}{'p50 ms':>8}{'p95 ms':>8}   statuses")
    for name, got in samples.items():
        codes = ", ".join(f"{code}×{n}" for (op, code), n in sorted(statuses.items()) if op == name)
        print(f"{name:<24}{len(got):9d}{statistics.median(got):8.1f}{percentile(got, 95):8.1f}   {codes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long eight bakeries work at once")
    parser.add_argument("--rounds", type=int, default=30, help="requests per operation, one at a time")
    parser.add_argument("--quick", action="store_true", help="10 rounds and 10 s (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds = 10, 10.0
    emulator = FirestoreEmulator(Path(tempfile.mkdtemp()), rules=REPO / "firestore.rules").start()
    try:
        client = emulator.client()
        backend = FirestoreBackend(client)
        backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # no Auth emulator here
        RUNTIME.use(backend, UnsignedTokenVerifier())
        rpcs = RpcCounter(client)
        other = FirestoreBackend(client)
        one_at_a_time(Bakery("Bench"), rpcs, args.rounds, other)
        at_once([Bakery(f"Bakery {n}") for n in range(8)], args.seconds)
    finally:
        emulator.stop()
    code = "import time; t=time.perf_counter(); import functions.main; print((time.perf_counter()-t)*1000)"
    subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "functions"], cwd=REPO, capture_output=True)
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    print(f"\n{'import functions.main (cold, bytecode compiled)':<48}{statistics.median(runs):8.1f} ms   (< 300)")


if __name__ == "__main__":
    main()
