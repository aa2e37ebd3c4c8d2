"""Does any operation's cost grow with a bakery's history? Documents read and wall ms of each operation a baker
uses daily, on a COLD instance (a new FirestoreBackend: empty caches), for a new bakery and the same bakery
with five years of history, on the Firestore emulator.

Both bakeries are the demo bakery (`make demo`'s files, imported through the gateway); the old one then gets
`--lots` used-up lots bought over five years, each with its purchase (benchmarks/scale.py's `with_history`),
stored directly, as the commits that wrote them would have left them (`live` on every lot, the purchase
summaries rebuilt). The same sequence then runs on each bakery, every call through the gateway with a new
instance: its documents read are counted as Firestore bills them (benchmarks/cost.py's `BillingCounter`), its
wall ms is this process's (emulator on the same cores).

`--runs` and `--proposals` add production runs and confirmed proposals of those five years to the old bakery's
history (default none), to see what still reads them.

Goal (issue 14): each daily operation reads within 20 % of the new bakery's documents.
Prints a table; asserts nothing. Run: .venv/bin/python benchmarks/history_reads.py [--lots 20000] [--runs N]
[--proposals N] [--out FILE]; --show FILE prints the table of a run written with --out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.cost import EVENT, SPOKEN, Baker, BillingCounter, Tally, Tasks, _json, confirm, produce, receipt  # noqa: E402
from benchmarks.scale import with_history  # noqa: E402
from devstack.firestore import FirestoreEmulator  # noqa: E402
from functions.shared.firestore_backend import FirestoreBackend  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from functions.shared.photo_store import MemoryPhotoStore  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier  # noqa: E402


class ColdTally(Tally):
    """Every call on a new instance (a new FirestoreBackend: nothing cached), so each figure is a cold one;
    calls made while `phase` is set are filed as "operation (phase)"."""

    phase = ""

    def instance(self, function: str) -> FirestoreBackend:
        backend = FirestoreBackend(self.client)
        backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]  # Auth, not Firestore
        return backend

    def note(self, label: str, *args: Any) -> None:
        super().note(f"{label} ({self.phase})" if self.phase else label, *args)

    def table(self) -> dict[str, Any]:
        """Tally's table, with every call's figures (each on a new instance): their mean reads and median ms."""
        out = super().table()
        for label, row in self.rows.items():
            out[label]["reads_each"] = list(row["reads"])
            out[label]["reads_cold_mean"] = round(statistics.mean(row["reads"]), 1)
        return out


HISTORY = ("lots", "purchases", "production_runs", "proposals")


def store_history(client: Any, tenant: str, lots: int, runs: int = 0, proposals: int = 0) -> dict[str, int]:
    """Add `lots` used-up lots and their purchases to the bakery's history, and `runs` production runs and
    `proposals` confirmed proposals of the five years before, written as its commits would have."""
    import datetime as dt

    from adapters.document_codec import encode
    from adapters.firestore_repository import FirestoreUnitOfWork, doc_id, stored_fields
    from adapters.purchase_summaries import SUMMARIES, stored
    from benchmarks.scale import DAYS, START
    from core.planning.events import ProductionRun
    from core.proposals.model import Proposal, ProposalStatus, Source
    from core.stock.purchase_summary import summarize

    uow = FirestoreUnitOfWork(client, tenant, read_only=True)
    bakery = uow.load_bakery(frozenset({*HISTORY, "recipes"}))
    before = {name: set(getattr(bakery, name)) for name in HISTORY}
    with_history(bakery, lots)
    recipes = sorted(bakery.recipes)
    for k in range(runs):  # a run a day or so, none for an event
        at = dt.datetime.combine(START + dt.timedelta(days=(k * DAYS) // max(1, runs)), dt.time(6), dt.UTC)
        run = ProductionRun(f"run-old-{k:05d}", recipes[k % len(recipes)], Decimal(1), at)
        bakery.production_runs[run.id] = run
    for k in range(proposals):  # spoken purchases, confirmed long ago
        at = dt.datetime.combine(START + dt.timedelta(days=(k * DAYS) // max(1, proposals)), dt.time(7), dt.UTC)
        proposal = Proposal(f"proposal-old-{k:05d}", Source.VOICE, (), ProposalStatus.CONFIRMED, "offline-grammar",
                            "two bags of flour", created_by="cost-baker", created_at=at, updated_at=at)
        bakery.proposals[proposal.id] = proposal
    root = client.collection("tenants").document(tenant)
    writes: list[tuple[Any, dict[str, Any]]] = []
    for name in HISTORY:
        for key, item in getattr(bakery, name).items():
            if key not in before[name]:
                writes.append((root.collection(name).document(doc_id(key)),
                               {**encode(item), **stored_fields(name, item), "tenant_id": tenant}))
    for product_id, summary in summarize(bakery.purchases.values()).items():
        writes.append((root.collection(SUMMARIES).document(doc_id(product_id)), stored(uow, product_id, summary)))
    for start in range(0, len(writes), 400):
        batch = client.batch()
        for ref, data in writes[start:start + 400]:
            batch.set(ref, data)
        batch.commit()
    return {name: len(getattr(bakery, name)) for name in HISTORY}


def _stocked_lot(baker: Baker) -> tuple[str, str]:
    """An ingredient with stock and its unit (the first live lot, by id): a loss of a small amount fits."""
    lot = next(iter(sorted(RUNTIME.backend.planning_bakery(baker.tenant).lots.values(), key=lambda lot: lot.id)))
    return lot.ingredient_slug, lot.unit


def day(baker: Baker, tally: ColdTally, tasks: Tasks, records: dict[str, Any]) -> None:
    """A baker's day: each daily operation once (a new instance each), as in benchmarks/cost.py's sequence."""
    baker.get("get_bakery")
    baker.post("plan_event", EVENT)
    baker.post("shopping_list", EVENT)
    baker.post("event_cost", EVENT)
    baker.post("can_make", EVENT)
    recipe = records["recipe"]
    ingredient = recipe["ingredients"][0]
    baker.post("scale_recipe", {"recipe": recipe["slug"], "ingredient": ingredient["ingredient_slug"],
                                "amount": 2, "unit": ingredient["unit"]})
    baker.post("list_purchases", {})
    baker.post("add_purchase", {"product_id": records["product"], "packages": 1, "unit_price": 4.5,
                                "purchased_on": "2026-12-01"}, **{"Idempotency-Key": baker.key()})
    status, proposed, _ = baker.post("propose_from_text", {"text": SPOKEN})
    if status == 200:
        tally.phase = "voice"
        confirmed = confirm(baker, proposed["proposal_id"])
        tally.phase = ""
        if confirmed == 200:
            baker.post("undo_proposal", {"proposal_id": proposed["proposal_id"]})
    tally.phase = "receipt"
    receipt(baker, tally, tasks, 1200)
    tally.phase = ""
    produce(baker, recipe["slug"])
    slug, unit = _stocked_lot(baker)
    baker.post("record_loss", {"ingredient": slug, "amount": 0.01, "unit": unit, "reason": "spoilage"},
               **{"Idempotency-Key": baker.key()})
    baker.post("set_inventory_level", {"product_id": records["product"], "remaining_percentage": 50})
    baker.post("save_recipes", {"recipes": [recipe]})
    baker.post("save_catalog", {"suppliers": records["suppliers"][:1]})
    baker.post("list_proposals", {})


def run(lots: int, runs: int = 0, proposals: int = 0) -> dict[str, Any]:
    os.environ.setdefault("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    os.environ.pop("GEMINI_API_KEY", None)  # the offline readers
    import logging

    logging.disable(logging.INFO)
    figures: dict[str, Any] = {"lots": lots, "runs": runs, "proposals": proposals, "bakeries": {}}
    with tempfile.TemporaryDirectory() as logs:
        emulator = FirestoreEmulator(Path(logs)).start()
        previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks
        try:
            client = emulator.client()
            counter = BillingCounter(client)
            backend = FirestoreBackend(client)
            backend.set_claims = lambda uid, claims: None  # type: ignore[method-assign]
            tasks = Tasks()
            RUNTIME.use(backend, UnsignedTokenVerifier())
            RUNTIME.use_photos(MemoryPhotoStore())
            RUNTIME.tasks = tasks
            for name, history in (("new", 0), ("old", lots)):
                onboarding = Tally(counter, client)
                baker = Baker(onboarding)
                exported = _json(baker.web.get("/api/export_desktop", headers=baker._headers()))
                records = {"recipe": next(r for r in exported["recipes"] if r.get("ingredients")),
                           "product": exported["products"][0]["id"], "suppliers": exported["suppliers"]}
                FirestoreBackend(client).planning_bakery(baker.tenant)  # a first live read marks its lots
                held = None
                if history:
                    started = time.perf_counter()
                    held = store_history(client, baker.tenant, history, runs, proposals)
                    print(f"(old bakery: {held['lots']} lots, {held['purchases']} purchases, "
                          f"{held['production_runs']} production runs, {held['proposals']} proposals; "
                          f"stored in {time.perf_counter() - started:.0f} s)", flush=True)
                tally = ColdTally(counter, client)
                baker.tally = tally
                day(baker, tally, tasks, records)
                figures["bakeries"][name] = {"held": held, "operations": tally.table()}
        finally:
            RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks = previous
            emulator.stop()
    return figures


def rows(figures: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    new, old = (figures["bakeries"][name]["operations"] for name in ("new", "old"))
    for label, row in new.items():
        yield label, row, old.get(label)


def print_table(figures: dict[str, Any]) -> None:
    print(f"\nEach operation on a cold instance: documents read (as Firestore bills them) and wall ms, a new bakery "
          f"against the same one with {figures['lots']:,} used-up lots and their purchases, "
          f"{figures.get('runs', 0):,} production runs and {figures.get('proposals', 0):,} proposals of the five "
          f"years before. Goal: old/new <= 1.20.")
    print("(docs: the mean over the operation's calls, each on a new instance; ms: their median)")
    print(f"{'operation':<34}{'new docs':>9}{'old docs':>10}{'old/new':>9}{'new ms':>9}{'old ms':>9}  statuses")
    for label, new, old in rows(figures):
        if old is None:
            print(f"{label:<34}{new['reads_cold_mean']:>9.0f}{'-':>10}{'':>9}{new['ms_median']:>9.0f}{'-':>9}  "
                  f"{new['statuses']} (not called on the old bakery)")
            continue
        ratio = old["reads_cold_mean"] / max(1, new["reads_cold_mean"])
        flag = "" if ratio <= 1.2 else "  <- grows"
        print(f"{label:<34}{new['reads_cold_mean']:>9.0f}{old['reads_cold_mean']:>10.0f}{ratio:>9.2f}"
              f"{new['ms_median']:>9.0f}{old['ms_median']:>9.0f}  {new['statuses']} {old['statuses']}{flag}")
    for label, row in figures["bakeries"]["old"]["operations"].items():
        if label not in figures["bakeries"]["new"]["operations"]:
            print(f"{label:<34}{'-':>9}{row['reads_cold_mean']:>10.0f}{'':>9}{'-':>9}{row['ms_median']:>9.0f}  "
                  f"{row['statuses']} (not called on the new bakery)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=20_000, help="used-up lots (each with its purchase) in the "
                        "old bakery's history (default 20,000: about a minute to store)")
    parser.add_argument("--runs", type=int, default=0, help="production runs in the old bakery's history "
                        "(default 0)")
    parser.add_argument("--proposals", type=int, default=0, help="confirmed proposals in the old bakery's history "
                        "(default 0)")
    parser.add_argument("--out", type=Path, help="also write the figures here (JSON)")
    parser.add_argument("--show", type=Path, help="print the table of figures written earlier with --out, no run")
    args = parser.parse_args(argv)
    figures = json.loads(args.show.read_text()) if args.show else run(args.lots, args.runs, args.proposals)
    print_table(figures)
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
