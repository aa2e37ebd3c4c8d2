"""A receipt photo's way to one proposal: uploaded → queued → reading → proposed (or failed).

Every step is idempotent: the storage event and the task may both arrive more than once, and
one receipt still yields exactly one proposal (its id is derived from the photo's).

Reading costs (OCR time, or a Gemini call counted against quotas), so one delivery at a time reads: the
transaction that moves a scan to `reading` also gives the delivery a lease (`reader`, `lease_until`). Another
delivery finding a lease still running does not read (`LEASED`: it asks to be delivered again after the lease);
one finding it past may take it over (the reader crashed or was stopped), so a receipt is never stuck; a read
that ends (proposed, failed, or given up for a retry) clears it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from enum import StrEnum

from core.proposals.model import ReceiptScan, ScanStatus
from core.repository import UnitOfWork

MAX_ATTEMPTS = 5
# Longer than any read: the task handler's timeout (scripts/deploy.py, --timeout=300s), so a reader that is still
# running never loses its lease; a reader that crashed holds the receipt up this long at most.
LEASE_S = 300.0


class Claim(StrEnum):
    """What a delivery found when it came to read a receipt."""

    TAKEN = "taken"  # free (or its lease ran out): this delivery holds the lease and reads it
    LEASED = "leased"  # another delivery holds a running lease: do not read; come back after it
    DONE = "done"  # proposed or failed already: nothing to read


@dataclass(frozen=True, slots=True)
class ReadingClaim:
    claim: Claim
    scan: ReceiptScan
    took_over: bool = False  # TAKEN from a reader whose lease had run out

    def retry_after_s(self, at: dt.datetime | None = None) -> int:
        """Whole seconds until the lease runs out (at least 1): when a delivery sent away should come back."""
        until = self.scan.lease_until
        if until is None:
            return 1
        return max(1, math.ceil((until - _now(at)).total_seconds()))


def proposal_id_for(photo_id: str) -> str:
    return f"receipt-{photo_id}"


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or dt.datetime.now(dt.UTC)


def record_upload(uow: UnitOfWork, photo_id: str, photo_path: str, *, by: str,
                  at: dt.datetime | None = None) -> ReceiptScan:
    """The scan of a newly stored photo; the same photo sent again keeps its scan."""
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None:
            scan = ReceiptScan(photo_id, photo_path, uploaded_by=by, uploaded_at=_now(at), updated_at=_now(at))
            uow.receipts.put(scan)
            uow.commit()
    return scan


def mark_queued(uow: UnitOfWork, photo_id: str, photo_path: str, *, at: dt.datetime | None = None) -> ReceiptScan:
    with uow:
        scan = uow.receipts.get(photo_id) or ReceiptScan(photo_id, photo_path, uploaded_at=_now(at))
        if scan.status in (ScanStatus.UPLOADED, ScanStatus.FAILED):
            scan = replace(scan, status=ScanStatus.QUEUED, updated_at=_now(at), error="")
            uow.receipts.put(scan)
            uow.commit()
    return scan


def lease_running(scan: ReceiptScan, at: dt.datetime | None = None) -> bool:
    return scan.status is ScanStatus.READING and scan.lease_until is not None and scan.lease_until > _now(at)


def start_reading(uow: UnitOfWork, photo_id: str, photo_path: str, *, reader: str = "", lease_s: float = LEASE_S,
                  at: dt.datetime | None = None) -> ReadingClaim:
    """Take the lease to read the receipt, in the transaction that marks it `reading` (see `Claim`).
    The same `reader` finding its own running lease (its transaction was run again) still holds it."""
    if not lease_s > 0:
        raise ValueError("lease_s must be greater than 0")
    now = _now(at)
    with uow:
        scan = uow.receipts.get(photo_id) or ReceiptScan(photo_id, photo_path, uploaded_at=now)
        if scan.status in (ScanStatus.PROPOSED, ScanStatus.FAILED):
            return ReadingClaim(Claim.DONE, scan)
        if uow.proposals.get(proposal_id_for(photo_id)) is not None:  # read, but its reader stopped before `finish`
            scan = replace(scan, status=ScanStatus.PROPOSED, proposal_id=proposal_id_for(photo_id), error="",
                           updated_at=now, reader="", lease_until=None)
            uow.receipts.put(scan)
            uow.commit()
            return ReadingClaim(Claim.DONE, scan)
        if lease_running(scan, now):
            mine = bool(reader) and scan.reader == reader  # its first try committed after all
            return ReadingClaim(Claim.TAKEN if mine else Claim.LEASED, scan)
        took_over = scan.status is ScanStatus.READING and scan.lease_until is not None and scan.reader != reader
        scan = replace(scan, status=ScanStatus.READING, attempts=scan.attempts + 1, updated_at=now, reader=reader,
                       lease_until=now + dt.timedelta(seconds=lease_s))
        uow.receipts.put(scan)
        uow.commit()
    return ReadingClaim(Claim.TAKEN, scan, took_over)


def release(uow: UnitOfWork, photo_id: str, reader: str, *, at: dt.datetime | None = None) -> ReceiptScan | None:
    """`reader` gives its lease back without a result (a failure worth retrying): the next delivery reads at once.
    A lease another delivery took over meanwhile is left alone."""
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None or scan.status is not ScanStatus.READING or scan.reader != reader:
            return scan
        scan = replace(scan, reader="", lease_until=None, updated_at=_now(at))
        uow.receipts.put(scan)
        uow.commit()
    return scan


def finish(uow: UnitOfWork, photo_id: str, proposal_id: str, *, at: dt.datetime | None = None) -> ReceiptScan:
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None:
            raise LookupError(f"no receipt scan {photo_id}")
        scan = replace(scan, status=ScanStatus.PROPOSED, proposal_id=proposal_id, error="", updated_at=_now(at),
                       reader="", lease_until=None)
        uow.receipts.put(scan)
        uow.commit()
    return scan


def fail(uow: UnitOfWork, photo_id: str, error: str, *, at: dt.datetime | None = None) -> ReceiptScan:
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None:
            raise LookupError(f"no receipt scan {photo_id}")
        if scan.status is not ScanStatus.PROPOSED:
            scan = replace(scan, status=ScanStatus.FAILED, error=error[:500], updated_at=_now(at), reader="",
                           lease_until=None)
            uow.receipts.put(scan)
            uow.commit()
    return scan
