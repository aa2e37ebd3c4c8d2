"""API speed on the local stack: the functions (through the gateway) on the real Firestore emulator.

Prints p50/p95 of plan, add purchase and shopping list for the largest sample event, the number of
Firestore calls per operation, and the cold import time of the functions module.
Targets (issue 3): p95 < 100 ms on the emulator, calls per operation constant, import < 300 ms.
Tokens: unsigned emulator-style tokens read by a local verifier (no Auth emulator needed here).
Run: .venv/bin/python benchmarks/api.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
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


class CountingClient:
    """Counts the Firestore round trips made through a client (documents, queries, commits)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_all(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._client.get_all(*args, **kwargs)


def _count_rpcs(client: Any) -> dict[str, int]:
    counts = {"rpc": 0}
    api = client._firestore_api
    for name in ("get_document", "run_query", "batch_get_documents", "commit", "begin_transaction",
                 "rollback", "list_documents"):
        original = getattr(api, name, None)
        if original is None:
            continue

        def wrapped(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            counts["rpc"] += 1
            return _original(*args, **kwargs)

        setattr(api, name, wrapped)
    return counts


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    emulator = FirestoreEmulator(Path(tempfile.mkdtemp()), rules=REPO / "firestore.rules").start()
    try:
        client = emulator.client()
        backend = FirestoreBackend(client)
        backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # no Auth emulator here
        RUNTIME.use(backend, UnsignedTokenVerifier())
        web = Client(app)
        created = web.post("/api/create_tenant", json={"name": "Bench"},
                           headers={"Authorization": f"Bearer {unsigned_token({'uid': 'bench'})}"}).get_json()
        token = unsigned_token({"uid": "bench", "tenant_id": created["tenant_id"], "role": "owner"})
        headers = {"Authorization": f"Bearer {token}"}
        answer = web.post("/api/import_desktop", json={"data": json.loads(FIXTURE.read_text())}, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        rpcs = _count_rpcs(client._firestore_api and client)
        product = next(iter(json.loads(FIXTURE.read_text())["products"]))
        calls = {
            "plan_event": ("/api/plan_event", {"event": "Winter Market 2026"}),
            "shopping_list": ("/api/shopping_list", {"event": "Winter Market 2026"}),
            "add_purchase": ("/api/add_purchase", None),
        }
        product_id = web.get("/api/export_desktop", headers=headers).get_json()["products"][0]["id"]
        print(f"{'operation':<16}{'p50 ms':>9}{'p95 ms':>9}{'Firestore RPCs':>16}")
        for name, (path, body) in calls.items():
            samples = []
            per_call = []
            for i in range(30):
                payload = body or {"product_id": product_id, "packages": 1, "unit_price": 4.5,
                                   "purchased_on": "2026-11-20"}
                before = rpcs["rpc"]
                start = time.perf_counter()
                response = web.post(path, json=payload, headers=headers | {"Idempotency-Key": f"{name}-{i}"})
                samples.append((time.perf_counter() - start) * 1000)
                per_call.append(rpcs["rpc"] - before)
                assert response.status_code == 200, response.get_json()
            print(f"{name:<16}{statistics.median(samples):9.1f}{percentile(samples, 95):9.1f}"
                  f"{min(per_call):>8}-{max(per_call):<7}")
        del product
    finally:
        emulator.stop()
    code = "import time; t=time.perf_counter(); import functions.main; print((time.perf_counter()-t)*1000)"
    subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "functions"], cwd=REPO, capture_output=True)
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    print(f"{'import functions.main (cold, bytecode compiled)':<48}{statistics.median(runs):8.1f} ms   (< 300)")


if __name__ == "__main__":
    main()
