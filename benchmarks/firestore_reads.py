"""Counting the Firestore documents a read receives: what Firestore bills, and what the time of a query served
from an index follows (the emulator has no indexes, so its wall time is not that)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def documents_read(read: Callable[[], object]) -> int:
    """Firestore documents `read` received: each snapshot the client made (a `meta/version` read included)."""
    from google.cloud.firestore_v1.base_document import DocumentSnapshot

    made = [0]
    original = DocumentSnapshot.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made[0] += 1
        original(self, *args, **kwargs)

    DocumentSnapshot.__init__ = counting  # type: ignore[method-assign]
    try:
        read()
    finally:
        DocumentSnapshot.__init__ = original  # type: ignore[method-assign]
    return made[0]
