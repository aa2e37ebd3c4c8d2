"""The MCP service's speed on the Firestore emulator: cold import, and plan_event / add_purchase through MCP.

The ASGI app runs in process and is driven by the SDK's client over streamable HTTP (httpx2's ASGI transport),
so the figures are the service's own work plus Firestore, without a network hop. Tokens: unsigned
emulator-style tokens read by a local verifier. Goal (issue 10): p95 < 100 ms warm.
Run: .venv/bin/python benchmarks/mcp_tools.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
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
from functions.gateway import app as gateway  # noqa: E402
from functions.shared.firestore_backend import FirestoreBackend  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from mcp_service.app import create_app  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier, unsigned_token  # noqa: E402
from tests.support.mcp_client import BASE, mcp_session  # noqa: E402

FIXTURE = REPO.parent / "shared" / "fixtures" / "desktop-plans" / "winter_events.json"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(app: Any, token: str, rounds: int) -> dict[str, list[float]]:
    calls = {
        "plan_event": ("plan_event", {"event": "Winter Market 2026"}),
        "add_purchase (proposes)": ("add_purchase", {"item_name": "bread flour", "quantity": 10, "unit": "LBR",
                                                     "price": 9.98, "store": "Costco"}),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    async with mcp_session(app, token) as session:
        for name, (tool, args) in calls.items():
            await session.call_tool(tool, args)  # warm
            for _ in range(rounds):
                start = time.perf_counter()
                result = await session.call_tool(tool, args)
                samples[name].append((time.perf_counter() - start) * 1000)
                assert not result.is_error, result.content[0].text
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    code = "import time; t=time.perf_counter(); import mcp_service.app; print((time.perf_counter()-t)*1000)"
    subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "functions", "adapters", "mcp_service"],
                   cwd=REPO, capture_output=True)
    cold = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    emulator = FirestoreEmulator(Path(tempfile.mkdtemp()), rules=REPO / "firestore.rules").start()
    try:
        backend = FirestoreBackend(emulator.client())
        backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # no Auth emulator here
        RUNTIME.use(backend, UnsignedTokenVerifier())
        web = Client(gateway)
        created = web.post("/api/create_tenant", json={"name": "Bench"},
                           headers={"Authorization": f"Bearer {unsigned_token({'uid': 'bench'})}"}).get_json()
        token = unsigned_token({"uid": "bench", "tenant_id": created["tenant_id"], "role": "owner"})
        imported = web.post("/api/import_desktop", json={"data": json.loads(FIXTURE.read_text())},
                            headers={"Authorization": f"Bearer {token}"})
        assert imported.status_code == 200, imported.get_json()
        app = create_app(backend, UnsignedTokenVerifier(), mcp_url=f"{BASE}/mcp")
        samples = asyncio.run(measure(app, token, args.rounds))
    finally:
        emulator.stop()
    print(f"{'import mcp_service.app (cold, bytecode compiled)':<50}{statistics.median(cold):8.1f} ms")
    print(f"{'tool through MCP (warm, Firestore emulator)':<32}{'p50 ms':>9}{'p95 ms':>9}   goal p95 < 100")
    for name, got in samples.items():
        print(f"{name:<32}{statistics.median(got):9.1f}{percentile(got, 95):9.1f}")


if __name__ == "__main__":
    main()
