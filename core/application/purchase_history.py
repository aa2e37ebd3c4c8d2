"""Listing a bakery's purchases a page at a time (the app's purchases screen, agents): see core.stock.purchase_pages."""

from __future__ import annotations

from typing import Any

from core.application.context import BakeryContext
from core.errors import NotFoundError
from core.stock.purchase_pages import (
    DEFAULT_LIMIT,
    check_limit,
    decode_cursor,
    encode_cursor,
    listing_of,
    purchase_json,
)


def list_purchases(ctx: BakeryContext, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None,
                   product: str | None = None) -> dict[str, Any]:
    """`{purchases: [...], next_cursor}`: newest first (day, then id), `limit` of them, after `cursor` (the
    `next_cursor` of the page before; none for the first page), only `product`'s if given. `next_cursor` is
    None on the page holding the oldest purchase. A bad limit or cursor is a ValidationError naming it; a
    product the bakery does not have is a NotFoundError naming `product`."""
    check_limit(limit)
    listing = listing_of(ctx.tenant_id, product)
    after = decode_cursor(cursor, listing) if cursor is not None else None
    with ctx.unit_of_work(read_only=True) as uow:
        if product is not None and uow.products.get(product) is None:
            raise NotFoundError(f"no product {product!r}", field="product")
        page = uow.purchases_page(limit, after, product_id=product)
    return {"purchases": [purchase_json(p) for p in page.purchases],
            "next_cursor": encode_cursor(page.next_after, listing) if page.next_after is not None else None}
