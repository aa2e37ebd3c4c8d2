"""Scale: does a bakery's history slow it down, and does planning grow linearly with the bundle graph?

1. A bakery with five years of purchase history (40,000 lots and their purchases, all used up but the
   newest lot of each ingredient) against a new bakery with the same recipes and ~120 live lots:
   - plan: `plan_event` on what the store hands planning (`load_bakery(PLANNING_COLLECTIONS, live_lots=True)`);
   - reload (in memory): a unit of work's `load_bakery(PLANNING_COLLECTIONS, live_lots=True)` on the bakery's
     `MemoryStore`, and the same right after a commit that bought a lot;
   - reload (Firestore emulator, with --emulator): a cold instance's planning read of the bakery (an empty
     cache): the live lots (`live_lots()`), every lot (`lots.list()`, what the reload read before), the
     purchase summaries (`purchase_summaries()`), every purchase (`purchases.list()`, what planning read before
     summaries), and all the planning collections; the plan from the old bakery's Firestore planning read is
     compared with the plan from all its data in memory; and, once each, the backfill of `live` and of the
     purchase summaries on a bakery stored before them.
   Goal: the old bakery within 20 % of the new one.
2. Plan time for 200, 400, 800 and 1,600 recipes (a bundle per 4 recipes, each bundle holding 4 finished
   units and an earlier bundle, so sub-bundles are shared by many paths). Goal: linear (time ÷ recipes flat).

Prints figures, asserts nothing. Run: .venv/bin/python benchmarks/scale.py [--emulator] [--lots 40000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.firestore_reads import documents_read  # noqa: E402
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
    return with_history(bakery, lots), event


def with_history(bakery: Bakery, lots: int) -> Bakery:
    """`bakery` (changed in place) after five years: for each of its lots, older lots of the same product and
    ingredient, each with its purchase, bought over 5 years and all used up, `lots` of them in all (at least as
    many as it has lots). Its own lots stay what they were, and the newest."""
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
    return bakery


def time_it(run: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs, in ms: on a machine others share, the least disturbed run."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples)


def documents_and_cpu(read: Callable[[], object]) -> tuple[int, float]:
    """Firestore documents `read` received (each snapshot made, the version document included) and the CPU ms
    this process spent (the fastest of 3)."""
    made = documents_read(read)
    cpu = []
    for _ in range(3):
        start = time.process_time()
        read()
        cpu.append((time.process_time() - start) * 1000)
    return made, min(cpu)


def time_pair(first: Callable[[], object], second: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Both timed in turns (so both see the same load), the fastest run of each, in ms."""
    a, b = [], []
    for _ in range(repeat):
        a.append(time_it(first, 1))
        b.append(time_it(second, 1))
    return min(a), min(b)


_STORES: dict[int, MemoryStore] = {}


def planning_input(bakery: Bakery) -> Bakery:
    """A unit of work's planning read on the bakery's store (one store per bakery, as a process keeps it)."""
    store = _STORES.setdefault(id(bakery), MemoryStore(bakery))
    uow = store.unit_of_work()
    try:
        return uow.load_bakery(PLANNING_COLLECTIONS, live_lots=True)
    except TypeError:  # before live lots existed (the "before" figures)
        return uow.load_bakery(PLANNING_COLLECTIONS)


def read_after_a_purchase(bakery: Bakery, repeat: int) -> float:
    """The planning read right after a commit that bought one more lot (the commit itself not timed), in ms."""
    store = _STORES.setdefault(id(bakery), MemoryStore(bakery))
    live = next(lot for lot in store.bakery.lots.values() if lot.quantity > 0)
    samples = []
    for n in range(repeat):
        uow = store.unit_of_work()
        purchase = Purchase(f"bench-{n}", live.product_id, None, dt.date(2026, 2, 1), Decimal(1), Decimal(4))
        uow.purchases.put(purchase)
        uow.lots.put(Lot(f"bench-{n}", live.product_id, live.ingredient_slug, Decimal(5), live.unit,
                         Decimal("0.8"), purchase.purchased_on, Decimal(5), purchase.id))
        uow.commit()
        start = time.perf_counter()
        planning_input(bakery)
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples)


def history(lots: int, repeat: int) -> None:
    new, event = new_bakery()
    old, _ = old_bakery(lots)
    print(f"new bakery: {len(new.lots)} lots, {len(new.purchases)} purchases; "
          f"old bakery: {len(old.lots)} lots ({sum(1 for x in old.lots.values() if x.quantity > 0)} live), "
          f"{len(old.purchases)} purchases")
    same = plan_event(planning_input(new), event) == plan_event(planning_input(old), event)
    print(f"the two plans are equal: {same}")
    print("(fastest of the runs, ms)                 new ms    old ms   old/new   goal")
    figures = {}
    for label, make in (("planning read, memory store (tests, CLI)", lambda b: lambda: planning_input(b)),
                        ("plan (in memory)", lambda b: (lambda p: lambda: plan_event(p, event))(planning_input(b)))):
        a, b = time_pair(make(new), make(old), repeat)
        figures[label] = (a, b)
        print(f"{label:<41} {a:6.2f} {b:9.2f} {b / a:8.2f}   <= 1.20")
    a, b = read_after_a_purchase(new, repeat), read_after_a_purchase(old, repeat)
    print(f"{'the same, right after a purchase':<41} {a:6.2f} {b:9.2f} {b / a:8.2f}   <= 1.20")


def growth(repeat: int) -> None:
    print("recipes  bundles   plan ms   ms per 100 recipes   vs 200   (fastest of the runs)")
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

    try:
        from adapters.firestore_repository import LIVE_MARKED, stored_fields
    except ImportError:  # before live lots existed
        LIVE_MARKED, stored_fields = "", lambda name, item: {}
    try:
        from adapters.purchase_summaries import SUMMARIES, SUMMARIES_MARKED
        from core.stock.purchase_summary import summarize
    except ImportError:  # before purchase summaries existed
        SUMMARIES = SUMMARIES_MARKED = ""

    def seed(client: Any, tenant: str, bakery: Bakery, marked: bool) -> None:
        root = client.collection("tenants").document(tenant)
        batch, n = client.batch(), 0
        for name in ENTITY_TYPES:
            for key, item in getattr(bakery, name).items():
                extra = stored_fields(name, item) if marked else {}
                batch.set(root.collection(name).document(doc_id(key)), {**encode(item), **extra, "tenant_id": tenant})
                n += 1
                if n % 400 == 0:
                    batch.commit()
                    batch = client.batch()
        if marked and SUMMARIES:  # as the commits that wrote the purchases would have left them
            for pid, summary in summarize(bakery.purchases.values()).items():
                batch.set(root.collection(SUMMARIES).document(doc_id(pid)), {**encode(summary), "tenant_id": tenant})
                n += 1
                if n % 400 == 0:
                    batch.commit()
                    batch = client.batch()
        if marked and LIVE_MARKED:
            batch.set(root.collection("meta").document("version"),
                      {LIVE_MARKED: True, "tenant_id": tenant, **({SUMMARIES_MARKED: True} if SUMMARIES else {})})
        batch.commit()

    def cold(client: Any, tenant: str) -> Any:
        return FirestoreUnitOfWork(client, tenant, read_only=True, cache=TenantCache())

    with tempfile.TemporaryDirectory() as logs:
        emulator = FirestoreEmulator(Path(logs))
        emulator.start()
        try:
            client: Any = emulator.client()
            started = time.perf_counter()
            seed(client, "new-bakery", new_bakery()[0], True)
            old, event = old_bakery(lots)
            seed(client, "old-bakery", old, True)
            print(f"(seeded the emulator in {time.perf_counter() - started:.1f} s)")
            print("Firestore emulator, cold planning read    new ms    old ms   old/new   goal")
            reads: list[tuple[str, Callable[[Any], object]]] = [
                ("every lot (lots.list)", lambda uow: uow.lots.list())]
            if hasattr(FirestoreUnitOfWork, "live_lots"):
                reads = [("live lots (live_lots)", lambda uow: uow.live_lots()), *reads,
                         ("planning collections, live lots", lambda uow: uow.load_bakery(PLANNING_COLLECTIONS,
                                                                                         live_lots=True))]
            else:
                reads.append(("planning collections", lambda uow: uow.load_bakery(PLANNING_COLLECTIONS)))
            if SUMMARIES:
                reads[2:2] = [("purchase summaries", lambda uow: uow.purchase_summaries()),
                              ("every purchase (purchases.list)", lambda uow: uow.purchases.list())]
            for label, read in reads:
                row = time_pair(lambda r=read: r(cold(client, "new-bakery")),
                                lambda r=read: r(cold(client, "old-bakery")), 3)
                print(f"{label:<38} {row[0]:9.1f} {row[1]:9.1f} {row[1] / row[0]:8.2f}   <= 1.20")
            print("the same reads: documents read (what Firestore bills, and what an indexed query's time follows) "
                  "and this process's CPU ms (decoding; the rest of the wall time is the emulator's)")
            print(f"{'':<38} {'new docs':>9} {'old docs':>9} {'new cpu':>8} {'old cpu':>8}")
            for label, read in reads:
                (docs_new, cpu_new), (docs_old, cpu_old) = (documents_and_cpu(lambda r=read, t=t: r(cold(client, t)))
                                                            for t in ("new-bakery", "old-bakery"))
                print(f"{label:<38} {docs_new:9d} {docs_old:9d} {cpu_new:8.1f} {cpu_old:8.1f}")
            if hasattr(FirestoreUnitOfWork, "live_lots"):
                from functions.shared.firestore_backend import FirestoreBackend

                served = FirestoreBackend(client).planning_bakery("old-bakery")
                same = plan_event(served, event) == plan_event(old, event)
                print(f"old bakery: Firestore planning read holds {len(served.lots)} lots, "
                      f"{len(served.purchases)} purchases, {len(served.purchase_summaries or {})} purchase summaries"
                      if SUMMARIES else "")
                print(f"its plan equals the plan from all its data in memory: {same}")
            if LIVE_MARKED:
                seed(client, "legacy-bakery", old_bakery(lots)[0], False)
                first = time_it(lambda: cold(client, "legacy-bakery").live_lots(), 1)
                after = time_it(lambda: cold(client, "legacy-bakery").live_lots(), 3)
                print(f"a bakery stored before `live`: first live read (backfills {lots} lots) {first:.0f} ms, "
                      f"then {after:.1f} ms")
            if SUMMARIES:
                first = time_it(lambda: cold(client, "legacy-bakery").purchase_summaries(), 1)
                after = time_it(lambda: cold(client, "legacy-bakery").purchase_summaries(), 3)
                print(f"a bakery stored before purchase summaries: first summary read (backfills from "
                      f"{len(old.purchases)} purchases) {first:.0f} ms, then {after:.1f} ms")
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
