"""Where a use case runs: the store of bakeries' data and the caller's bakery."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from core.bakery import Bakery
from core.errors import NotFoundError
from core.repository import UnitOfWork


class BakeryStore(Protocol):
    """What the use cases need of storage (the functions' backends provide it)."""

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> UnitOfWork: ...

    def planning_bakery(self, tenant_id: str) -> Bakery:
        """What planning reads; may be cached while the data is unchanged."""
        ...


@dataclass(frozen=True, slots=True)
class BakeryContext:
    store: BakeryStore
    tenant_id: str  # from the verified credential, never from the arguments
    uid: str = ""
    idempotency_key: str | None = None  # a retried write with the same key is answered, not repeated

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        return self.store.unit_of_work(self.tenant_id, read_only=read_only)

    def catalog(self) -> Bakery:
        """The planning collections (catalog, recipes, goods, events, stock), cached between calls."""
        return self.store.planning_bakery(self.tenant_id)

    def stable_id(self, prefix: str) -> str | None:
        """An id derived from the idempotency key (per bakery), so a retry finds what the first try wrote."""
        if self.idempotency_key is None:
            return None
        digest = hashlib.sha256(f"{self.tenant_id}\0{self.idempotency_key}".encode()).hexdigest()[:24]
        return f"{prefix}-{digest}"


def event_slug(bakery: Bakery, name_or_slug: str, field: str = "event") -> str:
    """An event by slug or name ("Winter Market", "Winter Market 2026"), or a not-found naming `field`."""
    event = bakery.find_event(name_or_slug)
    if event is None:
        raise NotFoundError(f"no event {name_or_slug!r}", field=field)
    return event.slug
