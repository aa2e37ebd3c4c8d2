"""The purchases' index a shopping list uses: the newest purchase per product (and supplier), as a scan of
every purchase would find it, and remembered only while the purchases are unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.planning.shopping import LastPurchases, last_purchases
from core.stock.lots import Purchase


def _purchase(n: int, product: str, supplier: str | None, day: int, price: str = "1") -> Purchase:
    return Purchase(f"p{n:03d}", product, supplier, dt.date(2026, 1, day), Decimal(1), Decimal(price))


PURCHASES = st.lists(st.tuples(st.sampled_from(["flour", "sugar"]), st.sampled_from([None, "costco", "metro"]),
                               st.integers(min_value=1, max_value=4)), max_size=12)


@given(PURCHASES)
def test_the_index_finds_what_a_scan_finds(rows: list[tuple[str, str | None, int]]) -> None:
    purchases = [_purchase(n, product, supplier, day) for n, (product, supplier, day) in enumerate(rows)]
    index = LastPurchases(purchases)
    for product in ("flour", "sugar", "salt"):
        for supplier in (None, "costco", "metro"):
            scanned = max((p for p in purchases if p.product_id == product
                           and (supplier is None or p.supplier_slug == supplier)),
                          key=lambda p: (p.purchased_on, p.id), default=None)
            assert index.last(product, supplier) == scanned


def test_the_index_is_remembered_while_the_purchases_are_unchanged_and_never_served_stale() -> None:
    purchases = {p.id: p for p in (_purchase(1, "flour", "costco", 1, "4"), _purchase(2, "flour", "costco", 2, "5"))}
    first = last_purchases(purchases)
    assert last_purchases(purchases) is first
    assert first.last("flour") == purchases["p002"]
    purchases["p002"] = replace(purchases["p002"], unit_price=Decimal(6))  # changed in place, same size
    again = last_purchases(purchases)
    assert again is not first and again.last("flour") is purchases["p002"]
    assert last_purchases(dict(purchases)) is not again  # another mapping: indexed on its own
