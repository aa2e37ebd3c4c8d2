"""Issue 12: receipts for the demo bakery (seeded as `make demo` seeds it), through the path a receipt takes
(parse → draft → proposal) over the functions on the in-memory backend, confirmed with no edits: at least 90% of
the bakery lines confirm as read, on the right ingredient with the total printed, and what no bakery buys is
never matched. The same receipts as benchmarks/receipt_confirm.py (a shorter run); the Firestore emulator runs
a few in tests/integration/test_receipt_confirm_on_emulator.py. Run with -s for the figures.
"""

from __future__ import annotations

from typing import Any

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call
from tests.support.confirm_receipts import run_receipts, seed_demo

FIRST_SEED = 1200  # the benchmark's first seed


def test_demo_bakery_receipts_confirm_as_read(backend: MemoryBackend) -> None:
    status, tenant = call(main.create_tenant, {"name": "Demo Bakery"}, claims={"uid": "demo"})
    assert status == 200
    baker = {"uid": "demo", "tenant_id": tenant["tenant_id"], "role": "owner"}

    def post(operation: str, body: Any) -> tuple[int, Any]:
        return call(getattr(main, operation), body, claims=baker)

    seed_demo(post)
    tally = run_receipts(post, backend, baker["tenant_id"], range(FIRST_SEED, FIRST_SEED + 20), by="demo")
    print("\n" + tally.report("20 receipts on the demo bakery (functions, in-memory)"))
    assert tally.lines >= 100
    assert tally.share >= 0.9, tally.report("below 90%")
    assert tally.not_bakery_kept_out == tally.not_bakery  # never a paper towel bought as an ingredient
