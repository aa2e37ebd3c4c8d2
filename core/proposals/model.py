"""A proposal: what an extractor read, what the baker changed, what was applied, and how to reverse it.

The proposed arguments are never overwritten: edits go to `args`, and on confirmation the
applied values are kept in `confirmed`, so "AI suggested" and "you confirmed" stay apart.
Arguments are JSON values (numbers as int/float/str), the same in memory and in Firestore.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.catalog.entities import Extra
from core.planning.events import Event

OPERATIONS = ("add_purchase", "adjust_inventory", "create_event", "record_production", "set_event_quantities")


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNDONE = "undone"


class Source(StrEnum):
    VOICE = "voice"  # a spoken purchase or inventory level (transcript)
    TEXT = "text"  # typed
    RECEIPT = "receipt"  # a receipt photo
    INVENTORY_PHOTO = "inventory_photo"
    EVENT_VOICE = "event_voice"
    AGENT = "agent"  # an MCP client


@dataclass(frozen=True, slots=True)
class ProposedOperation:
    op: str  # one of OPERATIONS
    proposed: dict[str, Any]  # as the extractor proposed it; never changed
    args: dict[str, Any]  # as it stands now (the baker's edits applied)
    confidence: dict[str, float] = field(default_factory=dict)  # per field, 0..1, of the proposed values
    flags: tuple[str, ...] = ()  # what the baker must settle ("price: not said", "item: matches nothing")
    removed: bool = False  # the baker struck this line out
    derived: tuple[str, ...] = ()  # fields the last edit set because of the baker's change (core/proposals/consistency)

    @property
    def edited_fields(self) -> tuple[str, ...]:
        keys = sorted(set(self.proposed) | set(self.args))
        return tuple(k for k in keys if self.proposed.get(k) != self.args.get(k))


@dataclass(frozen=True, slots=True)
class Created:
    """A record a confirmation created, with the fingerprint it had then."""

    collection: str
    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class LotChange:
    """A lot whose remaining quantity a confirmation changed (level check, loss)."""

    lot_id: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True, slots=True)
class EventChange:
    """An event a confirmation changed: the event as it was, and the fingerprint it had after."""

    before: Event
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Effect:
    """What confirming one operation did: enough to check that nothing depends on it, and to reverse it."""

    op_index: int
    summary: str
    created: tuple[Created, ...] = ()
    lot_changes: tuple[LotChange, ...] = ()
    event_changes: tuple[EventChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    source: Source
    operations: tuple[ProposedOperation, ...]
    status: ProposalStatus = ProposalStatus.PROPOSED
    model: str = ""  # "offline-grammar", "offline-receipt-ocr", "gemini-2.5-flash", "agent"
    input_text: str = ""
    photo_path: str = ""
    notes: tuple[str, ...] = ()  # what the extractor could not settle
    created_by: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    undone_by: str = ""
    undone_at: dt.datetime | None = None
    confirmed: tuple[dict[str, Any], ...] = ()  # per applied operation: the arguments as confirmed
    effects: tuple[Effect, ...] = ()
    reason: str = ""  # why it was rejected
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id

    @property
    def live_operations(self) -> list[tuple[int, ProposedOperation]]:
        return [(i, op) for i, op in enumerate(self.operations) if not op.removed]


class ScanStatus(StrEnum):
    UPLOADED = "uploaded"  # stored; the storage event has not been handled yet
    QUEUED = "queued"  # a task will read it
    READING = "reading"  # the task is extracting it
    PROPOSED = "proposed"  # read: see `proposal_id`
    FAILED = "failed"  # could not be read: see `error`


@dataclass(frozen=True, slots=True)
class ReceiptScan:
    """A receipt photo on its way to a proposal; its status is what the app shows while it is read."""

    id: str  # the photo's content hash: one receipt, one scan, one proposal
    photo_path: str
    status: ScanStatus = ScanStatus.UPLOADED
    uploaded_by: str = ""
    uploaded_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    attempts: int = 0
    proposal_id: str = ""
    error: str = ""
    # The lease of the delivery reading it now (core/proposals/receipt_scans.py): while `lease_until` is ahead,
    # another delivery of the task does not read it; once past, one may take it over. Cleared when a read ends.
    reader: str = ""
    lease_until: dt.datetime | None = None
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id
