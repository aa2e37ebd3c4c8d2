"""Extra pieces for breakage: a buffer percentage on an event (all its goods) or on a finished good.

Both are stored as fields the desktop ignores (`buffer_percentage` on an event or a finished good record,
kept in `extra`). A good's own buffer replaces the event's for that good (the more specific word wins).
The buffer is applied to the pieces each ordered good needs, before batching, rounded up to whole pieces:
10 boxes of 6 cookies with 10 % → 60 pieces + 6 = 66. Without a buffer the need is left exactly as it was
(1.5 stays 1.5), so plans without buffers are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.errors import ValidationError
from core.measures.quantities import ZERO, ceil_whole, to_quantity

BUFFER_FIELD = "buffer_percentage"
MARGIN_FIELD = "target_margin_percentage"


def percentage_field(extra: Mapping[str, Any], name: str, *, owner: str, below: int = 1000) -> Decimal:
    """A percentage kept in `extra` (0 when absent); a bad one is an error naming the field and its owner."""
    value = extra.get(name)
    if value is None:
        return ZERO
    try:
        share = to_quantity(value)
    except ValueError as exc:
        raise ValidationError(f"{owner}: {name} must be a number, found {value!r}", field=name) from exc
    if share < 0 or share >= below:
        raise ValidationError(f"{owner}: {name} must be from 0 to below {below}, found {value!r}", field=name)
    return share


def buffer_for(good_extra: Mapping[str, Any], event_extra: Mapping[str, Any], good_slug: str, event_slug: str
               ) -> Decimal:
    """The good's own buffer when it has one, else the event's."""
    if good_extra.get(BUFFER_FIELD) is not None:
        return percentage_field(good_extra, BUFFER_FIELD, owner=f"finished good {good_slug}")
    return percentage_field(event_extra, BUFFER_FIELD, owner=f"event {event_slug}")


def with_buffer(pieces: Decimal, percentage: Decimal) -> Decimal:
    """Pieces plus the buffer, rounded up to whole pieces; unchanged without a buffer."""
    if percentage <= 0 or pieces <= 0:
        return pieces
    return Decimal(ceil_whole(pieces * (100 + percentage) / 100))
