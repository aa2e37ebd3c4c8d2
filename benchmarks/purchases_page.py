"""The purchases screen's first page: a bakery with five years of purchases (40,000) against a new one (120).

On the Firestore emulator (started here), for each bakery, read cold (a new unit of work each time):
- first page: `purchases_page(50)`, the ordered, limited query list_purchases makes;
- first page of one product: `purchases_page(50, product_id=...)`;
- the page 100 pages in (old bakery only: after the cursor of page 99), which costs the same as the first;
- list_purchases: the whole use case (the product check included, no product here) as the operation runs it;
- every purchase: `purchases.list()`, what the screen read before (firestore lite's getDocs on the collection).
Each: the fastest wall time of --repeat runs (the two bakeries timed in turns) and the Firestore documents
received (every snapshot made: what Firestore bills for a query, and what its time follows with an index).
The emulator has no indexes (it scans), so its time for an ordered query still grows with the collection; the
documents read are what production's indexed query reads. Then the same page on the memory store.

Prints figures, asserts nothing. Run: .venv/bin/python benchmarks/purchases_page.py [--purchases 40000]
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
from benchmarks.scale import time_it, time_pair  # noqa: E402
from core.bakery import Bakery  # noqa: E402
from core.catalog.entities import Product  # noqa: E402
from core.memory_repository import MemoryStore  # noqa: E402
from core.stock.lots import Purchase  # noqa: E402

START = dt.date(2021, 1, 1)
PRODUCTS = 120
PAGE = 50


def bakery(purchases: int) -> Bakery:
    """`purchases` purchases of 120 products spread over five years (several a day), newest in late 2025."""
    made = Bakery()
    for n in range(PRODUCTS):
        made.products[f"product-{n:03d}"] = Product(f"product-{n:03d}", f"ingredient-{n:03d}", "Brand", "", "LBR",
                                                    Decimal(5))
    days = 5 * 365
    for k in range(purchases):
        day = START + dt.timedelta(days=(k * days) // max(1, purchases))
        made.purchases[f"purchase-{k:06d}"] = Purchase(f"purchase-{k:06d}", f"product-{k % PRODUCTS:03d}",
                                                       "costco" if k % 3 else None, day, Decimal(1 + k % 4),
                                                       Decimal("4.25"))
    return made


def on_emulator(old_count: int, new_count: int, repeat: int) -> None:
    from adapters.collection_cache import TenantCache
    from adapters.document_codec import encode
    from adapters.firestore_repository import FirestoreUnitOfWork, doc_id
    from core.application.context import BakeryContext
    from core.application.purchase_history import list_purchases
    from devstack.firestore import FirestoreEmulator
    from functions.shared.firestore_backend import FirestoreBackend

    def seed(client: Any, tenant: str, data: Bakery) -> None:
        root = client.collection("tenants").document(tenant)
        batch, n = client.batch(), 0
        for name in ("products", "purchases"):
            for key, item in getattr(data, name).items():
                batch.set(root.collection(name).document(doc_id(key)), {**encode(item), "tenant_id": tenant})
                n += 1
                if n % 400 == 0:
                    batch.commit()
                    batch = client.batch()
        batch.commit()

    with tempfile.TemporaryDirectory() as logs:
        emulator = FirestoreEmulator(Path(logs))
        emulator.start()
        try:
            client: Any = emulator.client()
            started = time.perf_counter()
            old, new = bakery(old_count), bakery(new_count)
            seed(client, "new-bakery", new)
            seed(client, "old-bakery", old)
            print(f"(seeded the emulator with {new_count} and {old_count} purchases in "
                  f"{time.perf_counter() - started:.1f} s)")

            def cold(tenant: str) -> Any:
                return FirestoreUnitOfWork(client, tenant, read_only=True, cache=TenantCache())

            backend = FirestoreBackend(client)
            deep = cold("old-bakery").purchases_page(PAGE)
            for _ in range(98):
                assert deep.next_after is not None
                deep = cold("old-bakery").purchases_page(PAGE, deep.next_after)
            page_100 = deep.next_after
            reads: list[tuple[str, Callable[[str], object], bool]] = [
                (f"first page ({PAGE})", lambda t: cold(t).purchases_page(PAGE), True),
                (f"first page of one product ({PAGE})",
                 lambda t: cold(t).purchases_page(PAGE, product_id="product-007"), True),
                (f"page 100 ({PAGE}, after a cursor)", lambda t: cold(t).purchases_page(PAGE, page_100), False),
                ("list_purchases (the use case)", lambda t: list_purchases(BakeryContext(backend, t), limit=PAGE),
                 True),
                ("every purchase (purchases.list)", lambda t: cold(t).purchases.list(), True),
            ]
            print(f"Firestore emulator, cold read      new ms   old ms  old/new   new docs  old docs   "
                  f"({new_count} vs {old_count} purchases)")
            for label, read, both in reads:
                if both:
                    t_new, t_old = time_pair(lambda r=read: r("new-bakery"), lambda r=read: r("old-bakery"), repeat)
                    d_new = documents_read(lambda r=read: r("new-bakery"))
                    d_old = documents_read(lambda r=read: r("old-bakery"))
                    print(f"{label:<34} {t_new:7.1f} {t_old:8.1f} {t_old / t_new:8.2f} {d_new:10d} {d_old:9d}")
                else:
                    t_old = time_it(lambda r=read: r("old-bakery"), repeat)
                    d_old = documents_read(lambda r=read: r("old-bakery"))
                    print(f"{label:<34} {'':>7} {t_old:8.1f} {'':>8} {'':>10} {d_old:9d}")
            first = cold("old-bakery").purchases_page(PAGE).purchases
            newest = sorted(old.purchases.values(), key=lambda p: (p.purchased_on, p.id), reverse=True)[:PAGE]
            print(f"old bakery's first page is its {PAGE} newest purchases: {first == newest}")
        finally:
            emulator.stop()


def in_memory(old_count: int, new_count: int, repeat: int) -> None:
    stores = {"new": MemoryStore(bakery(new_count)), "old": MemoryStore(bakery(old_count))}
    t_new, t_old = time_pair(lambda: stores["new"].unit_of_work().purchases_page(PAGE),
                            lambda: stores["old"].unit_of_work().purchases_page(PAGE), repeat)
    print(f"memory store, first page ({PAGE})      {t_new:7.2f} {t_old:8.2f} {t_old / t_new:8.1f}   "
          "(the memory store holds every purchase and looks at each: tests, CLI and files only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--purchases", type=int, default=40_000, help="purchases of the old bakery")
    parser.add_argument("--new", type=int, default=120, help="purchases of the new bakery")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-emulator", action="store_true", help="the memory store only")
    args = parser.parse_args()
    if not args.no_emulator:
        on_emulator(args.purchases, args.new, args.repeat)
    in_memory(args.purchases, args.new, args.repeat)


if __name__ == "__main__":
    main()
