"""A receipt photo's way to one proposal: uploaded → queued → reading → proposed (or failed).

Every step is idempotent: the storage event and the task may both arrive more than once, and
one receipt still yields exactly one proposal (its id is derived from the photo's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from core.proposals.model import ReceiptScan, ScanStatus
from core.repository import UnitOfWork

MAX_ATTEMPTS = 5


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


def start_reading(uow: UnitOfWork, photo_id: str, photo_path: str, *,
                  at: dt.datetime | None = None) -> ReceiptScan | None:
    """The scan, now `reading`; None when it was read already (a repeated task does nothing)."""
    with uow:
        scan = uow.receipts.get(photo_id) or ReceiptScan(photo_id, photo_path, uploaded_at=_now(at))
        if scan.status is ScanStatus.PROPOSED:
            return None
        scan = replace(scan, status=ScanStatus.READING, attempts=scan.attempts + 1, updated_at=_now(at))
        uow.receipts.put(scan)
        uow.commit()
    return scan


def finish(uow: UnitOfWork, photo_id: str, proposal_id: str, *, at: dt.datetime | None = None) -> ReceiptScan:
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None:
            raise LookupError(f"no receipt scan {photo_id}")
        scan = replace(scan, status=ScanStatus.PROPOSED, proposal_id=proposal_id, error="", updated_at=_now(at))
        uow.receipts.put(scan)
        uow.commit()
    return scan


def fail(uow: UnitOfWork, photo_id: str, error: str, *, at: dt.datetime | None = None) -> ReceiptScan:
    with uow:
        scan = uow.receipts.get(photo_id)
        if scan is None:
            raise LookupError(f"no receipt scan {photo_id}")
        if scan.status is not ScanStatus.PROPOSED:
            scan = replace(scan, status=ScanStatus.FAILED, error=error[:500], updated_at=_now(at))
            uow.receipts.put(scan)
            uow.commit()
    return scan
