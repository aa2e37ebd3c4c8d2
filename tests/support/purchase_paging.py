"""The paging contract of list_purchases, run the same on every level that serves it: core on the memory store,
the HTTP operation on the memory backend, and core on the Firestore emulator.

A `Lister` answers one page: `(tenant, limit, cursor, product) -> {purchases, next_cursor}`, raising
`Refused(field)` when the service refuses the request as bad input. A `Buyer` stores purchases directly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from core.stock.lots import Purchase


class Refused(Exception):  # the service refused the request as bad input
    def __init__(self, field: str | None, message: str = "") -> None:
        super().__init__(f"refused ({field}): {message}")
        self.field = field


Lister = Callable[[str, int | None, str | None, str | None], dict[str, Any]]
Buyer = Callable[[str, Iterable[Purchase]], None]

START = dt.date(2026, 1, 5)
PRODUCTS = ("ka-flour-5lb", "plugra-butter-1lb")


def history(prefix: str, count: int, seed: int = 14, days: int = 30) -> list[Purchase]:
    """`count` purchases over `days` days, several on most days, ids not in the order of their days."""
    rng = random.Random(seed)
    ids = rng.sample(range(10_000, 99_999), count)
    return [Purchase(f"{prefix}-{n}", PRODUCTS[i % 2], "costco" if i % 3 else None,
                     START + dt.timedelta(days=rng.randrange(days)), Decimal(1 + i % 3), Decimal("4.99"))
            for i, n in enumerate(ids)]


def newest_first(purchases: Iterable[Purchase]) -> list[str]:
    return [p.id for p in sorted(purchases, key=lambda p: (p.purchased_on, p.id), reverse=True)]


def walk(lister: Lister, tenant: str, limit: int | None, product: str | None = None,
         between: Callable[[int], None] | None = None) -> tuple[list[dict[str, Any]], list[int]]:
    """Every page from the first to the one with no next_cursor: (purchases in order, each page's size)."""
    seen: list[dict[str, Any]] = []
    sizes: list[int] = []
    cursor: str | None = None
    while True:
        page = lister(tenant, limit, cursor, product)
        assert set(page) == {"purchases", "next_cursor"}, page
        seen.extend(page["purchases"])
        sizes.append(len(page["purchases"]))
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, sizes
        assert isinstance(cursor, str) and cursor
        assert len(sizes) < 10_000, "paging does not end"
        if between is not None:
            between(len(sizes))


def key(p: dict[str, Any]) -> tuple[str, str]:
    return p["purchased_on"], p["id"]


def check_every_purchase_once_in_order(lister: Lister, buy: Buyer, tenant: str, count: int = 57,
                                        limit: int = 10) -> None:
    bought = history("pu", count)
    buy(tenant, bought)
    listed, sizes = walk(lister, tenant, limit)
    assert [p["id"] for p in listed] == newest_first(bought)
    assert sizes == [limit] * (count // limit) + ([count % limit] if count % limit else [])
    first = next(p for p in bought if p.id == listed[0]["id"])
    assert listed[0] == {"id": first.id, "product_id": first.product_id, "supplier_slug": first.supplier_slug,
                         "purchased_on": first.purchased_on.isoformat(),
                         "quantity_purchased": str(first.quantity_purchased), "unit_price": "4.99",
                         "total": float(first.quantity_purchased * Decimal("4.99")), "notes": ""}
    # an exact multiple of the limit: the last full page says there is no next one (no empty page after it)
    listed, sizes = walk(lister, tenant, count)
    assert sizes == [count] and [p["id"] for p in listed] == newest_first(bought)
    # one product's purchases only, in the same order
    flour = [p for p in bought if p.product_id == PRODUCTS[0]]
    listed, _ = walk(lister, tenant, 7, product=PRODUCTS[0])
    assert [p["id"] for p in listed] == newest_first(flour)
    # the default page size is 50
    first_page = lister(tenant, None, None, None)
    assert len(first_page["purchases"]) == min(50, count)


def check_purchases_added_between_pages(lister: Lister, buy: Buyer, tenant: str, count: int = 40,
                                        limit: int = 6) -> None:
    """Purchases bought while the baker pages (newer, older, and on the days being paged) never make a purchase
    show twice or go missing: every purchase there was at the start is listed exactly once, in order."""
    bought = history("pu", count, seed=3)
    buy(tenant, bought)
    rng = random.Random(7)
    added: list[Purchase] = []

    def buy_more(page: int) -> None:
        days = [START + dt.timedelta(days=30 + page), START - dt.timedelta(days=page),  # newer; older than all
                START + dt.timedelta(days=rng.randrange(30))]  # a day among those being paged
        more = [Purchase(f"pu-new-{page}-{n}-{rng.randrange(10**6)}", PRODUCTS[n % 2], None, day, Decimal(1),
                         Decimal(3)) for n, day in enumerate(days)]
        added.extend(more)
        buy(tenant, more)

    listed, _ = walk(lister, tenant, limit, between=buy_more)
    keys = [key(p) for p in listed]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)  # in order, none twice
    ids = [p["id"] for p in listed]
    assert [i for i in ids if not i.startswith("pu-new-")] == newest_first(bought)  # every one there was, once
    older = {p.id for p in added if p.purchased_on < START}
    assert older <= set(ids)  # bought meanwhile but older than every page read so far: on a later page
    newer = {p.id for p in added if p.purchased_on > START + dt.timedelta(days=30)}
    assert not newer & set(ids)  # newer than the first page: the next read from the top shows them
    top = lister(tenant, len(newer), None, None)
    assert {p["id"] for p in top["purchases"]} == newer


def check_limit_and_cursor_are_validated(lister: Lister, buy: Buyer, tenant: str, other_tenant: str) -> None:
    buy(tenant, history("pu", 12))
    for bad in (0, -1, 201, 10**9):
        _refused(lambda bad=bad: lister(tenant, bad, None, None), "limit")
    for bad_cursor in ("x", "!!!", "e30", "eyJ2IjoxfQ", "a" * 5000, '{"v": 1}'):
        _refused(lambda c=bad_cursor: lister(tenant, 5, c, None), "cursor")
    cursor = lister(tenant, 5, None, None)["next_cursor"]
    assert cursor is not None
    _refused(lambda: lister(tenant, 5, cursor, PRODUCTS[0]), "cursor")  # another filter's cursor
    _refused(lambda: lister(other_tenant, 5, cursor, None), "cursor")  # another bakery's cursor
    _refused(lambda: lister(tenant, 5, cursor[:-4] + ("AAAA" if not cursor.endswith("AAAA") else "BBBB"), None),
             "cursor")  # its closing brace gone
    # the same cursor is still good for its own listing, with another page size
    assert len(lister(tenant, 3, cursor, None)["purchases"]) == 3


def check_bakeries_never_see_each_other(lister: Lister, buy: Buyer, tenant_a: str, tenant_b: str) -> None:
    """B's pages hold B's purchases only, whatever cursor B sends: A's is refused, and a position taken
    from A's purchases moves only within B's."""
    a_bought, b_bought = history("a", 30, seed=1), history("b", 8, seed=2)
    buy(tenant_a, a_bought)
    buy(tenant_b, b_bought)
    a_ids = {p.id for p in a_bought}
    listed_b, _ = walk(lister, tenant_b, 3)
    assert [p["id"] for p in listed_b] == newest_first(b_bought)
    a_cursor = lister(tenant_a, 4, None, None)["next_cursor"]
    assert a_cursor is not None
    _refused(lambda: lister(tenant_b, 4, a_cursor, None), "cursor")
    from core.stock.purchase_pages import PurchasePosition, encode_cursor, listing_of

    a_newest = max(a_bought, key=lambda p: (p.purchased_on, p.id))
    forged = encode_cursor(PurchasePosition(a_newest.purchased_on, a_newest.id), listing_of(tenant_b, None))
    listed, _ = walk(lambda t, n, c, p: lister(t, n, c if c is not None else forged, p), tenant_b, 50)
    assert not {p["id"] for p in listed} & a_ids
    assert {p["id"] for p in listed} <= {p.id for p in b_bought}
    listed_a, _ = walk(lister, tenant_a, 7)
    assert [p["id"] for p in listed_a] == newest_first(a_bought)  # and A's own listing is all A's


def _refused(attempt: Callable[[], Any], field: str) -> None:
    try:
        answer = attempt()
    except Refused as exc:
        assert exc.field == field, exc
        return
    raise AssertionError(f"not refused (expected a refusal naming {field}): {answer}")
