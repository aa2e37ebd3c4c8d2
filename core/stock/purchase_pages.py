"""The purchase history a page at a time: newest first, so a five-year bakery's screen reads one page, not 40,000.

Order: the day bought, newest first, then the purchase id, highest first (the same "newest" as
`core.stock.purchase_summary`). A page ends at a `PurchasePosition` (the day and id of its last purchase);
the next page starts strictly after it, so every purchase is listed exactly once across pages, also when
purchases are added between pages (one added after the position shows on a later page; one added before it,
a newer day, is on the first page the next time the list is read from the top).

The position travels to the client as an opaque cursor: URL-safe base64 of a small JSON object that also
names the listing it belongs to (a digest of the bakery and the filter). A cursor from another bakery or
another filter is refused as bad input naming `cursor` (a mistake, not an attack: every store scopes the
page's query to the caller's bakery, so even a forged position only moves within that bakery's purchases).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from core.errors import ValidationError
from core.measures.quantities import as_number
from core.stock.lots import Purchase

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200
MAX_CURSOR_CHARS: Final = 600  # a cursor is ~150 characters; anything far longer is not one of ours
_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class PurchasePosition:
    """Where a page ended: its last purchase's day and id. The next page starts strictly after it."""

    purchased_on: dt.date
    purchase_id: str


@dataclass(frozen=True, slots=True)
class PurchasePage:
    purchases: list[Purchase]  # newest first
    next_after: PurchasePosition | None  # None: this page holds the oldest purchase


def newest_first(purchase: Purchase) -> tuple[dt.date, str]:
    """The sort key, ascending = oldest first (sort with reverse=True for newest first)."""
    return purchase.purchased_on, purchase.id


def position_of(purchase: Purchase) -> PurchasePosition:
    return PurchasePosition(purchase.purchased_on, purchase.id)


def is_after(purchase: Purchase, position: PurchasePosition) -> bool:
    """Whether `purchase` comes after `position` in newest-first order (older day, or same day and lower id)."""
    return newest_first(purchase) < (position.purchased_on, position.purchase_id)


def page_of(purchases: Iterable[Purchase], limit: int, after: PurchasePosition | None = None,
            product_id: str | None = None) -> PurchasePage:
    """One page from every purchase at hand (the memory store; any store that holds them all anyway)."""
    check_limit(limit)
    chosen = (p for p in purchases if (product_id is None or p.product_id == product_id)
              and (after is None or is_after(p, after)))
    top = heapq.nlargest(limit + 1, chosen, key=newest_first)  # one more: whether a next page exists
    page = top[:limit]
    return PurchasePage(page, position_of(page[-1]) if len(top) > limit else None)


def check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit")


def listing_of(tenant_id: str, product_id: str | None) -> str:
    """Names one listing (a bakery's purchases, maybe of one product): a cursor belongs to exactly one."""
    return hashlib.sha256(f"{tenant_id}\0{product_id or ''}".encode()).hexdigest()[:16]


def encode_cursor(position: PurchasePosition, listing: str) -> str:
    data = {"v": _VERSION, "on": position.purchased_on.isoformat(), "id": position.purchase_id, "of": listing}
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, listing: str) -> PurchasePosition:
    """The position a cursor names, or a ValidationError naming `cursor` (never anything else)."""
    def bad(reason: str) -> ValidationError:
        return ValidationError(f"cursor {reason}; use the next_cursor of the page before, or none for the first page",
                               field="cursor")

    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR_CHARS:
        raise bad("is empty or too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data: Any = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise bad("is not one this service gave") from exc
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise bad("is not one this service gave")
    if data.get("of") != listing:
        raise bad("belongs to another listing (another bakery or another filter)")
    on, purchase_id = data.get("on"), data.get("id")
    if not isinstance(on, str) or not isinstance(purchase_id, str) or not purchase_id:
        raise bad("is not one this service gave")
    try:
        day = dt.date.fromisoformat(on)
    except ValueError as exc:
        raise bad("is not one this service gave") from exc
    return PurchasePosition(day, purchase_id)


def purchase_json(purchase: Purchase) -> dict[str, Any]:
    """A purchase as the app shows it (the fields of its stored document; amounts as exact strings)."""
    return {"id": purchase.id, "product_id": purchase.product_id, "supplier_slug": purchase.supplier_slug,
            "purchased_on": purchase.purchased_on.isoformat(), "quantity_purchased": str(purchase.quantity_purchased),
            "unit_price": str(purchase.unit_price), "total": as_number(purchase.total_cost), "notes": purchase.notes}
