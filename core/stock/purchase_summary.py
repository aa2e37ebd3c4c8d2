"""What a bakery has bought of each product, summed up: what planning needs of its purchase history.

Planning and shopping need only the newest purchase of each product (its price, supplier and package), and
the newest at each supplier; the speech fitting needs how often and when last each product was bought. A
`PurchaseSummary` per product holds exactly that, so planning never reads five years of purchases.

Stores keep one summary per product, changed in the same commit as the purchases (`revised`); anything
without stored summaries (a bakery read from a file, the memory store) derives them from its purchases
(`summaries_of`, remembered while the purchases are the same). A summary is exact: it equals
`summarize_product` over the product's purchases after every write, add or removal (an undo, a delete,
a restore), which is what the tests check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from core.stock.lots import Purchase

if TYPE_CHECKING:
    from core.bakery import Bakery  # which holds summaries: imported for types only

MAX_SUPPLIERS: Final = 100  # newest purchase kept for this many suppliers per product (the newest of them)


@dataclass(frozen=True, slots=True)
class PurchaseSummary:
    product_id: str
    times: int  # how many purchases of the product
    first_on: dt.date  # the day of the oldest
    last: Purchase  # the newest (latest day, then highest id)
    by_supplier: tuple[Purchase, ...]  # the newest at each supplier (None: no supplier), newest first, bounded

    @property
    def key(self) -> str:
        return self.product_id

    @property
    def last_on(self) -> dt.date:
        return self.last.purchased_on

    def at(self, supplier_slug: str | None) -> Purchase | None:
        """The newest purchase of the product at one supplier (None: those bought with no supplier)."""
        for purchase in self.by_supplier:
            if purchase.supplier_slug == supplier_slug:
                return purchase
        return None


def newer(a: Purchase, b: Purchase) -> bool:
    return (a.purchased_on, a.id) > (b.purchased_on, b.id)


def _order(p: Purchase) -> tuple[dt.date, str]:
    return p.purchased_on, p.id


def summarize_product(product_id: str, purchases: Iterable[Purchase]) -> PurchaseSummary | None:
    """The summary of a product's purchases (those of other products are ignored); None when there are none."""
    times = 0
    first: dt.date | None = None
    last: Purchase | None = None
    at: dict[str | None, Purchase] = {}
    for purchase in purchases:
        if purchase.product_id != product_id:
            continue
        times += 1
        first = purchase.purchased_on if first is None or purchase.purchased_on < first else first
        if last is None or newer(purchase, last):
            last = purchase
        best = at.get(purchase.supplier_slug)
        if best is None or newer(purchase, best):
            at[purchase.supplier_slug] = purchase
    if last is None or first is None:
        return None
    ranked = tuple(sorted(at.values(), key=_order, reverse=True)[:MAX_SUPPLIERS])
    return PurchaseSummary(product_id, times, first, last, ranked)


def summarize(purchases: Iterable[Purchase]) -> dict[str, PurchaseSummary]:
    """Every product's summary, by product id (one pass to group, one per product)."""
    grouped: dict[str, list[Purchase]] = {}
    for purchase in purchases:
        grouped.setdefault(purchase.product_id, []).append(purchase)
    found = {pid: summarize_product(pid, group) for pid, group in grouped.items()}
    return {pid: summary for pid, summary in found.items() if summary is not None}


class Rescan:
    """`revised` cannot tell from the summary alone: summarize the product's purchases again."""


RESCAN: Final = Rescan()


def _with(summary: PurchaseSummary | None, purchase: Purchase) -> PurchaseSummary:
    if summary is None:
        return PurchaseSummary(purchase.product_id, 1, purchase.purchased_on, purchase, (purchase,))
    at = [p for p in summary.by_supplier if p.supplier_slug != purchase.supplier_slug]
    held = summary.at(purchase.supplier_slug)
    if held is not None and newer(held, purchase):
        at.append(held)
    elif held is not None or len(summary.by_supplier) < MAX_SUPPLIERS or newer(purchase, summary.by_supplier[-1]):
        # A supplier left out of a full summary had its newest purchase older than every one kept (kept ones
        # only get newer while purchases are added; a removal rescans), so this one is that supplier's newest.
        # Older than all kept, it stays left out, as a scan would leave it.
        at.append(purchase)
    ranked = tuple(sorted(at, key=_order, reverse=True)[:MAX_SUPPLIERS])
    last = purchase if newer(purchase, summary.last) else summary.last
    return PurchaseSummary(summary.product_id, summary.times + 1, min(summary.first_on, purchase.purchased_on),
                           last, ranked)


def _without(summary: PurchaseSummary, purchase: Purchase) -> PurchaseSummary | Rescan | None:
    if summary.times <= 1:
        return None
    if purchase.id == summary.last.id or any(p.id == purchase.id for p in summary.by_supplier) \
            or purchase.purchased_on <= summary.first_on:
        return RESCAN  # it was the newest somewhere, or maybe the oldest: what replaces it is not in the summary
    if len(summary.by_supplier) >= MAX_SUPPLIERS and summary.at(purchase.supplier_slug) is None:
        return RESCAN
    return PurchaseSummary(summary.product_id, summary.times - 1, summary.first_on, summary.last, summary.by_supplier)


def revised(summary: PurchaseSummary | None, removed: Sequence[Purchase],
            added: Sequence[Purchase]) -> PurchaseSummary | Rescan | None:
    """A product's summary after a commit removed (or replaced) `removed` and stored `added`; `RESCAN` when only
    the product's purchases can tell (the newest or oldest of them was removed)."""
    current: PurchaseSummary | None = summary
    for purchase in removed:
        if current is None:
            return RESCAN  # the summary did not hold what is removed: never guess
        after = _without(current, purchase)
        if isinstance(after, Rescan):
            return RESCAN
        current = after
    for purchase in added:
        current = _with(current, purchase)
    return current


_REMEMBERED: dict[int, tuple[Mapping[str, Purchase], list[Purchase], dict[str, PurchaseSummary]]] = {}
_REMEMBER = 8  # bakeries


def summaries_of(bakery: Bakery) -> Mapping[str, PurchaseSummary]:
    """The bakery's purchase summaries: as stored (a planning read), else derived from its purchases.

    Derived ones are remembered while the purchases are the same, unchanged mapping: checked on the purchases
    themselves, in order, compared in C (the same objects compare by identity), so a mapping changed in
    place is summed up again, never served stale."""
    if bakery.purchase_summaries is not None:
        return bakery.purchase_summaries
    purchases = bakery.purchases
    remembered = _REMEMBERED.get(id(purchases))
    if remembered is not None and remembered[0] is purchases and list(purchases.values()) == remembered[1]:
        return remembered[2]
    found = summarize(purchases.values())
    if len(_REMEMBERED) >= _REMEMBER:
        _REMEMBERED.pop(next(iter(_REMEMBERED)), None)
    _REMEMBERED[id(purchases)] = (purchases, list(purchases.values()), found)
    return found
