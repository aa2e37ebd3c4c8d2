"""The lease on a receipt being read (core/proposals/receipt_scans.py): one delivery reads at a time, a lease
that ran out can be taken over, and a read that ends gives it back."""

from __future__ import annotations

import datetime as dt

import pytest

from core.memory_repository import MemoryStore
from core.proposals import receipt_scans
from core.proposals.model import Proposal, ScanStatus, Source
from core.proposals.receipt_scans import Claim

PHOTO = "0123456789abcdef0123456789abcdef"
PATH = f"tenants/t1/receipts/{PHOTO}"
T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def _after(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    receipt_scans.record_upload(store.unit_of_work(), PHOTO, PATH, by="rae", at=T0)
    receipt_scans.mark_queued(store.unit_of_work(), PHOTO, PATH, at=T0)
    return store


def _start(store: MemoryStore, reader: str, seconds: float = 0, lease_s: float = 300) -> receipt_scans.ReadingClaim:
    return receipt_scans.start_reading(store.unit_of_work(), PHOTO, PATH, reader=reader, lease_s=lease_s,
                                       at=_after(seconds))


def _scan(store: MemoryStore) -> receipt_scans.ReceiptScan:
    scan = store.unit_of_work().receipts.get(PHOTO)
    assert scan is not None
    return scan


class TestTakingTheLease:
    def test_the_first_delivery_takes_it_in_the_move_to_reading(self, store: MemoryStore) -> None:
        claim = _start(store, "first")
        assert claim.claim is Claim.TAKEN and not claim.took_over
        scan = _scan(store)
        assert (scan.status, scan.reader, scan.lease_until, scan.attempts) == \
            (ScanStatus.READING, "first", _after(300), 1)

    def test_a_second_delivery_during_the_lease_does_not_take_it_and_is_told_when_it_ends(
            self, store: MemoryStore) -> None:
        _start(store, "first")
        claim = _start(store, "twin", seconds=20)
        assert claim.claim is Claim.LEASED
        assert claim.retry_after_s(_after(20)) == 280
        assert claim.retry_after_s(_after(299.5)) == 1
        assert claim.retry_after_s(_after(400)) == 1
        scan = _scan(store)
        assert (scan.reader, scan.attempts) == ("first", 1)  # untouched: no reading counted for the twin

    def test_a_lease_that_ran_out_is_taken_over(self, store: MemoryStore) -> None:
        _start(store, "crashed")
        claim = _start(store, "later", seconds=301)
        assert claim.claim is Claim.TAKEN and claim.took_over
        scan = _scan(store)
        assert (scan.reader, scan.lease_until, scan.attempts) == ("later", _after(601), 2)

    def test_the_lease_ends_at_its_instant(self, store: MemoryStore) -> None:
        _start(store, "first")
        assert _start(store, "twin", seconds=299.999).claim is Claim.LEASED
        assert _start(store, "twin", seconds=300).claim is Claim.TAKEN

    def test_the_same_reader_run_again_keeps_its_lease_without_counting_another_attempt(
            self, store: MemoryStore) -> None:
        _start(store, "first")
        assert _start(store, "first", seconds=1).claim is Claim.TAKEN
        assert _scan(store).attempts == 1

    def test_a_shorter_lease_is_honoured(self, store: MemoryStore) -> None:
        _start(store, "first", lease_s=60)
        assert _start(store, "twin", seconds=59).claim is Claim.LEASED
        assert _start(store, "twin", seconds=61).claim is Claim.TAKEN

    def test_a_lease_must_last(self, store: MemoryStore) -> None:
        with pytest.raises(ValueError, match="lease_s"):
            _start(store, "first", lease_s=0)

    def test_a_reading_scan_without_a_lease_is_free(self, store: MemoryStore) -> None:
        _start(store, "first")
        receipt_scans.release(store.unit_of_work(), PHOTO, "first", at=_after(5))
        claim = _start(store, "retry", seconds=6)
        assert claim.claim is Claim.TAKEN and not claim.took_over


class TestEndingTheRead:
    def test_a_finished_read_clears_the_lease_and_later_deliveries_find_it_done(self, store: MemoryStore) -> None:
        _start(store, "first")
        receipt_scans.finish(store.unit_of_work(), PHOTO, receipt_scans.proposal_id_for(PHOTO), at=_after(4))
        scan = _scan(store)
        assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.PROPOSED, "", None)
        assert _start(store, "twin", seconds=5).claim is Claim.DONE
        assert _scan(store).attempts == 1

    def test_a_failed_read_clears_the_lease_and_is_not_read_again_by_the_task(self, store: MemoryStore) -> None:
        _start(store, "first")
        receipt_scans.fail(store.unit_of_work(), PHOTO, "not a receipt", at=_after(3))
        scan = _scan(store)
        assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.FAILED, "", None)
        assert _start(store, "twin", seconds=4).claim is Claim.DONE
        # queued again by a new upload event, it is read again
        receipt_scans.mark_queued(store.unit_of_work(), PHOTO, PATH, at=_after(10))
        assert _start(store, "again", seconds=11).claim is Claim.TAKEN

    def test_release_gives_back_only_the_readers_own_lease(self, store: MemoryStore) -> None:
        _start(store, "crashed")
        _start(store, "later", seconds=301)
        receipt_scans.release(store.unit_of_work(), PHOTO, "crashed", at=_after(302))
        assert _scan(store).reader == "later"
        receipt_scans.release(store.unit_of_work(), PHOTO, "later", at=_after(303))
        scan = _scan(store)
        assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.READING, "", None)

    def test_a_proposal_saved_by_a_reader_that_stopped_before_finishing_ends_the_reading(
            self, store: MemoryStore) -> None:
        _start(store, "stopped")
        uow = store.unit_of_work()
        pid = receipt_scans.proposal_id_for(PHOTO)
        uow.proposals.put(Proposal(pid, Source.RECEIPT, (), photo_path=PATH))
        uow.commit()
        claim = _start(store, "later", seconds=400)
        assert claim.claim is Claim.DONE
        scan = _scan(store)
        assert (scan.status, scan.proposal_id, scan.reader, scan.lease_until, scan.attempts) == \
            (ScanStatus.PROPOSED, pid, "", None, 1)
