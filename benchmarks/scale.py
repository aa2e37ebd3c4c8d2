"""Scale: does a bakery's history slow it down, and does planning grow linearly with the bundle graph?

1. A bakery with five years of purchase history (40,000 lots and their purchases, all used up but the
   newest lot of each ingredient) against a new bakery with the same recipes and ~120 live lots:
   - plan: `plan_event` on what the store hands planning (`load_bakery(PLANNING_COLLECTIONS)`);
   - reload (in memory): a unit of work's `load_bakery(PLANNING_COLLECTIONS)` on a `MemoryStore`;
   - reload (Firestore emulator, with --emulator): a cold instance's planning read of the bakery
     (`FirestoreUnitOfWork.load_bakery(PLANNING_COLLECTIONS)` with an empty cache), lots only and all.
   Goal: the old bakery within 20 % of the new one.
2. Plan time for 200, 400, 800 and 1,600 recipes (a bundle per 4 recipes, each bundle holding 4 finished
   units and an earlier bundle, so sub-bundles are shared by many paths). Goal: linear (time ÷ recipes flat).

Prints figures, asserts nothing. Run: .venv/bin/python benchmarks/scale.py [--emulator] [--lots 40000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.plan import synthetic_bakery  # noqa: E402
from core.bakery import Bakery  # noqa: E402
from core.memory_repository import MemoryStore  # noqa: E402
from core.planning.event_plan import plan_event  # noqa: E402
from core.repository import PLANNING_COLLECTIONS  # noqa: E402
from core.stock.lots import Lot, Purchase  # noqa: E402

START = dt.date(2021, 1, 1)
DAYS = 5 * 365 - 10  # up to late 2025: the live lots (January 2026) are the newest


def new_bakery(recipes: int = 200) -> tuple[Bakery, str]:
    """The synthetic bakery of benchmarks/plan.py (one live lot per ingredient), each lot with its purchase."""
    bakery, event = synthetic_bakery(recipes=recipes, bundles=max(1, recipes // 4))
    for lot in list(bakery.lots.values()):
        purchase = Purchase(f"p-{lot.id}", lot.product_id, None, lot.purchased_on, Decimal(1), Decimal(4))
        bakery.purchases[purchase.id] = purchase
        bakery.lots[lot.id] = Lot(lot.id, lot.product_id, lot.ingredient_slug, lot.quantity, lot.unit,
                                  lot.unit_cost, lot.purchased_on, Decimal(5), purchase.id)
    return bakery, event


def old_bakery(lots: int, recipes: int = 200) -> tuple[Bakery, str]:
    """The same bakery after five years: `lots` lots bought over 5 years, every one used up but the newest
    lot of each ingredient (which holds what the new bakery's lot holds)."""
    bakery, event = new_bakery(recipes)
    live = list(bakery.lots.values())
    per_ingredient = max(0, lots - len(live)) // len(live)
    for n, lot in enumerate(live):
        for k in range(per_ingredient):
            day = START + dt.timedelta(days=(k * DAYS) // max(1, per_ingredient))
            lot_id = f"lot-{n:03d}-{k:05d}"
            purchase = Purchase(f"p-{lot_id}", lot.product_id, None, day, Decimal(1), Decimal("3.9"))
            bakery.purchases[purchase.id] = purchase
            bakery.lots[lot_id] = Lot(lot_id, lot.product_id, lot.ingredient_slug, Decimal(0), lot.unit,
                                      Decimal("0.78"), day, Decimal(5), purchase.id)
    return bakery, event


def time_it(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def planning_input(bakery: Bakery) -> Bakery:
    return MemoryStore(bakery).unit_of_work().load_bakery(PLANNING_COLLECTIONS)


def history(lots: int, repeat: int) -> None:
    new, event = new_bakery()
    old, _ = old_bakery(lots)
    print(f"new bakery: {len(new.lots)} lots, {len(new.purchases)} purchases; "
          f"old bakery: {len(old.lots)} lots ({sum(1 for x in old.lots.values() if x.quantity > 0)} live), "
          f"{len(old.purchases)} purchases")
    same = plan_event(planning_input(new), event) == plan_event(planning_input(old), event)
    print(f"the two plans are equal: {same}")
    print("                                         new ms    old ms   old/new   goal")
    figures = {}
    for label, make in (("reload (in memory)", lambda b: lambda: planning_input(b)),
                        ("plan (in memory)", lambda b: (lambda p: lambda: plan_event(p, event))(planning_input(b)))):
        a, b = time_it(make(new), repeat), time_it(make(old), repeat)
        figures[label] = (a, b)
        print(f"{label:<38} {a:9.2f} {b:9.2f} {b / a:8.2f}   <= 1.20")


def growth(repeat: int) -> None:
    print("recipes  bundles   plan ms   ms per 100 recipes   vs 200")
    base = None
    for recipes in (200, 400, 800, 1600):
        bakery, event = new_bakery(recipes)
        plan = plan_event(bakery, event)
        ms = time_it(lambda b=bakery, e=event: plan_event(b, e), max(3, repeat // (recipes // 200)))
        per = ms / recipes * 100
        base = base or per
        print(f"{len(plan.recipes):>7} {recipes // 4:>8} {ms:9.2f} {per:20.2f} {per / base:8.2f}  (linear: 1.00)")


def emulator_reload(lots: int) -> None:
    """Seed both bakeries on a fresh Firestore emulator, then time a cold instance's planning read."""
    from adapters.collection_cache import TenantCache
    from adapters.document_codec import encode
    from adapters.firestore_repository import ENTITY_TYPES, FirestoreUnitOfWork, doc_id
    from devstack.firestore import FirestoreEmulator

    with tempfile.TemporaryDirectory() as logs:
        emulator = FirestoreEmulator(Path(logs))
        emulator.start()
        try:
            client = emulator.client()
            started = time.perf_counter()
            for tenant, (bakery, _) in (("new-bakery", new_bakery()), ("old-bakery", old_bakery(lots))):
                root = client.collection("tenants").document(tenant)  # type: ignore[attr-defined]
                batch, n = client.batch(), 0  # type: ignore[attr-defined]
                for name in ENTITY_TYPES:
                    for key, item in getattr(bakery, name).items():
                        batch.set(root.collection(name).document(doc_id(key)), {**encode(item), "tenant_id": tenant})
                        n += 1
                        if n % 400 == 0:
                            batch.commit()
                            batch = client.batch()  # type: ignore[attr-defined]
                batch.commit()
            print(f"(seeded the emulator in {time.perf_counter() - started:.1f} s)")
            print("Firestore emulator, cold planning read    new ms    old ms   old/new   goal")
            for label, only in (("lots only", frozenset({"lots"})), ("all planning collections", PLANNING_COLLECTIONS)):
                row = []
                for tenant in ("new-bakery", "old-bakery"):
                    row.append(time_it(lambda t=tenant, o=only: FirestoreUnitOfWork(
                        client, t, read_only=True, cache=TenantCache()).load_bakery(o), 3))
                print(f"{label:<38} {row[0]:9.1f} {row[1]:9.1f} {row[1] / row[0]:8.2f}   <= 1.20")
        finally:
            emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lots", type=int, default=40_000, help="lots in the old bakery's history")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--emulator", action="store_true", help="also time the reload on the Firestore emulator")
    args = parser.parse_args()
    history(args.lots, args.repeat)
    print()
    growth(args.repeat)
    if args.emulator:
        print()
        emulator_reload(args.lots)


if __name__ == "__main__":
    main()
