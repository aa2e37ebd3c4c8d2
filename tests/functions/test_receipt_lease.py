"""Deliveries of one receipt task at once read the receipt once (functions/receipts.py, in-memory backend).

The reader is replaced by a counting one that can be held mid-read, so a second delivery arrives while the
first is reading; on the emulator with Gemini faked, tests/integration/test_receipt_lease_on_emulator.py.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from core.proposals import receipt_scans
from core.proposals.model import ReceiptScan, ScanStatus
from core.receipts.lines import read_receipt_text
from core.speech.operations import ParsedInput
from functions import main
from functions import receipts as handler
from functions.shared.memory_backend import MemoryBackend
from functions.shared.observe import LISTENERS, Observation
from functions.shared.operation import RUNTIME
from tests.functions.conftest import call
from tests.support.receipt_tasks import RecordingQueue, deliver, uploaded_task

RECEIPT = "CORNER SHOP\nKA FLOUR 25LB   14.29\nTOTAL 14.29"


class CountingReader:
    """Stands in for adapters.extractors.read_receipt: counts its calls; `hold()` keeps the next read waiting
    until `let_go()`; `fail_next` makes the next read fail as Gemini's timeouts do."""

    def __init__(self) -> None:
        self.calls = 0
        self.reading = threading.Event()
        self._go = threading.Event()
        self._go.set()
        self.fail_next = False
        self._lock = threading.Lock()

    def hold(self) -> None:
        self._go.clear()

    def let_go(self) -> None:
        self._go.set()

    def __call__(self, image: bytes, mime_type: str, today: dt.date, *, raise_transient: bool = False,
                 hints: Any = None) -> tuple[ParsedInput, str, list[str]]:
        with self._lock:
            self.calls += 1
            fail, self.fail_next = self.fail_next, False
        self.reading.set()
        assert self._go.wait(10), "the held read was never let go"
        if fail:
            from adapters.gemini import GeminiError

            raise GeminiError("Gemini did not answer within 30 s; try again", reason="timeout")
        reading = read_receipt_text(RECEIPT, today)
        return ParsedInput("", "receipt", reading.operations(), list(reading.notes)), "counting-reader", []


@pytest.fixture
def reader(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingReader]:
    counting = CountingReader()
    monkeypatch.setattr(handler, "read_receipt", counting)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", raising=False)
    monkeypatch.setenv("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    previous = RUNTIME.tasks
    RUNTIME.tasks = RecordingQueue()
    yield counting
    counting.let_go()
    RUNTIME.tasks = previous


@pytest.fixture
def observed_calls() -> Iterator[list[Observation]]:
    seen: list[Observation] = []

    def listener(observation: Observation) -> None:
        if observation.operation == "extract_receipt":
            seen.append(observation)

    LISTENERS.append(listener)
    yield seen
    LISTENERS.remove(listener)


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Lease Bakery"}, claims={"uid": "rae"})[1]["tenant_id"]
    return {"uid": "rae", "tenant_id": tenant, "role": "owner"}




def _scan(backend: MemoryBackend, owner: dict[str, Any], payload: dict[str, Any]) -> ReceiptScan:
    scan = backend.unit_of_work(owner["tenant_id"]).receipts.get(payload["photo_id"])
    assert scan is not None
    return scan


def _ai_readings_used(owner: dict[str, Any]) -> int:
    status, answer = call(main.get_quotas, {}, claims=owner)
    assert status == 200, answer
    return int(next(q["used"] for q in answer["quotas"] if (q["what"], q["per"]) == ("ai_readings", "bakery")))


def test_a_delivery_arriving_while_another_reads_does_not_read_and_asks_to_come_back(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any],
        observed_calls: list[Observation]) -> None:
    payload = uploaded_task(owner)
    readings_before = _ai_readings_used(owner)
    assert readings_before == 1  # the upload spent the receipt's one reading
    reader.hold()
    first: list[tuple[int, dict[str, Any], dict[str, str]]] = []
    reading = threading.Thread(target=lambda: first.append(deliver(payload)))
    reading.start()
    assert reader.reading.wait(10)
    scan = _scan(backend, owner, payload)
    assert scan.status is ScanStatus.READING and scan.reader and scan.lease_until is not None

    status, answer, headers = deliver(payload)  # the twin, while the first is held mid-read
    assert status == 429
    assert answer["error"]["code"] == "receipt_busy" and answer["error"]["request_id"] == headers["X-Request-Id"]
    assert 290 <= int(headers["Retry-After"]) <= 300  # when the lease (300 s) runs out
    assert reader.calls == 1

    reader.let_go()
    reading.join(10)
    assert first and first[0][0] == 200 and first[0][1]["status"] == "proposed"
    assert deliver(payload)[:2] == (200, {"status": "proposed", "repeated": True})  # the twin, delivered again
    assert reader.calls == 1
    assert len(backend.stores[owner["tenant_id"]].bakery.proposals) == 1
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until, scan.attempts) == (ScanStatus.PROPOSED, "", None, 1)
    assert _ai_readings_used(owner) == readings_before  # no delivery spends the bakery's AI readings again

    outcomes = [(o.status, o.outcome, o.error_code, o.facts.get("receipt_read")) for o in observed_calls]
    assert sorted(outcomes, key=str) == sorted([(200, "ok", None, True), (429, "rate_limited", "receipt_busy", False),
                                                (200, "ok", None, False)], key=str)
    assert all(o.outcome != "server_error" for o in observed_calls)  # no 5xx: the error alerts stay quiet


def test_a_lease_whose_reader_died_is_taken_over(reader: CountingReader, backend: MemoryBackend,
                                                 owner: dict[str, Any], observed_calls: list[Observation]) -> None:
    payload = uploaded_task(owner)
    crashed_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=receipt_scans.LEASE_S + 5)
    with backend.unit_of_work(owner["tenant_id"]) as uow:  # a delivery took it 305 s ago and never came back
        receipt_scans.start_reading(uow, payload["photo_id"], payload["photo_path"], reader="crashed", at=crashed_at)
    status, answer, _ = deliver(payload)
    assert (status, answer["status"]) == (200, "proposed")
    assert reader.calls == 1
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until, scan.attempts) == (ScanStatus.PROPOSED, "", None, 2)
    assert observed_calls[-1].facts["receipt_lease"] == "taken_over"


def test_a_running_lease_is_not_taken_over_however_often_the_task_comes(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any]) -> None:
    payload = uploaded_task(owner)
    with backend.unit_of_work(owner["tenant_id"]) as uow:  # another instance reading it now
        receipt_scans.start_reading(uow, payload["photo_id"], payload["photo_path"], reader="elsewhere")
    answers = [deliver(payload)[0] for _ in range(3)]
    assert answers == [429, 429, 429] and reader.calls == 0
    assert _scan(backend, owner, payload).attempts == 1


def test_a_finished_receipt_answers_200_without_reading(reader: CountingReader, backend: MemoryBackend,
                                                        owner: dict[str, Any]) -> None:
    payload = uploaded_task(owner)
    assert deliver(payload)[0] == 200
    assert [deliver(payload)[:2] for _ in range(2)] == [(200, {"status": "proposed", "repeated": True})] * 2
    assert reader.calls == 1


def test_a_failed_read_gives_the_lease_back_so_the_retry_reads_at_once(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any]) -> None:
    payload = uploaded_task(owner)
    reader.fail_next = True
    status, answer, _ = deliver(payload)
    assert (status, answer["error"]["code"]) == (503, "retry")  # Gemini failed: a real error, retried
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.READING, "", None)
    status, answer, _ = deliver(payload)
    assert (status, answer["status"]) == (200, "proposed")
    assert reader.calls == 2


def test_the_lease_length_comes_from_the_environment(reader: CountingReader, backend: MemoryBackend,
                                                     owner: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", "60")
    assert handler.lease_seconds() == 60
    payload = uploaded_task(owner)
    reader.hold()
    reading = threading.Thread(target=lambda: deliver(payload))
    reading.start()
    assert reader.reading.wait(10)
    status, _, headers = deliver(payload)
    reader.let_go()
    reading.join(10)
    assert status == 429 and 50 <= int(headers["Retry-After"]) <= 60
    for wrong in ("5", "abc", "7200", "nan"):  # out of 30-3600 s: the default
        monkeypatch.setenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", wrong)
        assert handler.lease_seconds() == receipt_scans.LEASE_S


def test_a_reader_that_fails_after_saving_the_proposal_leaves_nothing_to_read_again(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    payload = uploaded_task(owner)
    real_finish = receipt_scans.finish

    def broken_finish(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the instance went away between the proposal and the scan")

    monkeypatch.setattr(receipt_scans, "finish", broken_finish)
    with pytest.raises(RuntimeError, match="went away"):  # a 500: Cloud Tasks delivers it again
        deliver(payload)
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.READING, "", None)  # the lease given back
    monkeypatch.setattr(receipt_scans, "finish", real_finish)
    assert deliver(payload)[:2] == (200, {"status": "proposed", "repeated": True})
    assert reader.calls == 1
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.proposal_id) == (ScanStatus.PROPOSED, receipt_scans.proposal_id_for(payload["photo_id"]))
    assert len(backend.stores[owner["tenant_id"]].bakery.proposals) == 1
