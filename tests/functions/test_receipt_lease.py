"""Deliveries of one receipt task at once read the receipt once (functions/receipts.py, in-memory backend).

The reader is replaced by a counting one that can be held mid-read, so a second delivery arrives while the
first is reading; on the emulator with Gemini faked, tests/integration/test_receipt_lease_on_emulator.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from core.proposals import receipt_scans
from core.proposals.model import ReceiptScan, ScanStatus
from core.receipts.lines import read_receipt_text
from core.speech.operations import ParsedInput
from functions import gateway, main
from functions import receipts as handler
from functions.receipts import receipt_uploaded
from functions.shared.memory_backend import MemoryBackend
from functions.shared.observe import LISTENERS, Observation
from functions.shared.operation import RUNTIME
from tests.functions.conftest import call, unsigned_token

QUEUE = "projects/demo/locations/us-central1/queues/receipt-extraction"
RECEIPT = "CORNER SHOP\nKA FLOUR 25LB   14.29\nTOTAL 14.29"


class RecordingQueue:
    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, dict[str, Any]]] = {}

    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        if name in self.tasks:
            return False
        self.tasks[name] = (url, payload)
        return True


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


def _task(owner: dict[str, Any]) -> dict[str, Any]:
    """A receipt uploaded, its storage event handled: the payload of the task that reads it."""
    out = io.BytesIO()
    Image.new("RGB", (320, 640), "white").save(out, "JPEG")
    request = Request(EnvironBuilder(method="POST", data=out.getvalue(), content_type="image/jpeg",
                                     query_string={"kind": "receipt"},
                                     headers={"Authorization": f"Bearer {unsigned_token(owner)}"}).get_environ())
    text, status, _ = main.upload_photo(request)
    assert status == 200, text
    uploaded = json.loads(text)
    receipt_uploaded(gateway.storage_finalized_event(uploaded["bucket"], uploaded["path"], "image/jpeg",
                                                     {"tenant_id": owner["tenant_id"], "kind": "receipt"}))
    assert RUNTIME.tasks is not None
    return next(p for _, p in RUNTIME.tasks.tasks.values() if p["photo_id"] == uploaded["photo_id"])


def _deliver(payload: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    request = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                     headers={"X-CloudTasks-QueueName": QUEUE}).get_environ())
    text, status, headers = main.extract_receipt(request)
    return status, json.loads(text), headers


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
    payload = _task(owner)
    readings_before = _ai_readings_used(owner)
    assert readings_before == 1  # the upload spent the receipt's one reading
    reader.hold()
    first: list[tuple[int, dict[str, Any], dict[str, str]]] = []
    reading = threading.Thread(target=lambda: first.append(_deliver(payload)))
    reading.start()
    assert reader.reading.wait(10)
    scan = _scan(backend, owner, payload)
    assert scan.status is ScanStatus.READING and scan.reader and scan.lease_until is not None

    status, answer, headers = _deliver(payload)  # the twin, while the first is held mid-read
    assert status == 429
    assert answer["error"]["code"] == "receipt_busy" and answer["error"]["request_id"] == headers["X-Request-Id"]
    assert 290 <= int(headers["Retry-After"]) <= 300  # when the lease (300 s) runs out
    assert reader.calls == 1

    reader.let_go()
    reading.join(10)
    assert first and first[0][0] == 200 and first[0][1]["status"] == "proposed"
    assert _deliver(payload)[:2] == (200, {"status": "proposed", "repeated": True})  # the twin, delivered again
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
    payload = _task(owner)
    crashed_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=receipt_scans.LEASE_S + 5)
    with backend.unit_of_work(owner["tenant_id"]) as uow:  # a delivery took it 305 s ago and never came back
        receipt_scans.start_reading(uow, payload["photo_id"], payload["photo_path"], reader="crashed", at=crashed_at)
    status, answer, _ = _deliver(payload)
    assert (status, answer["status"]) == (200, "proposed")
    assert reader.calls == 1
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until, scan.attempts) == (ScanStatus.PROPOSED, "", None, 2)
    assert observed_calls[-1].facts["receipt_lease"] == "taken_over"


def test_a_running_lease_is_not_taken_over_however_often_the_task_comes(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any]) -> None:
    payload = _task(owner)
    with backend.unit_of_work(owner["tenant_id"]) as uow:  # another instance reading it now
        receipt_scans.start_reading(uow, payload["photo_id"], payload["photo_path"], reader="elsewhere")
    answers = [_deliver(payload)[0] for _ in range(3)]
    assert answers == [429, 429, 429] and reader.calls == 0
    assert _scan(backend, owner, payload).attempts == 1


def test_a_finished_receipt_answers_200_without_reading(reader: CountingReader, backend: MemoryBackend,
                                                        owner: dict[str, Any]) -> None:
    payload = _task(owner)
    assert _deliver(payload)[0] == 200
    assert [_deliver(payload)[:2] for _ in range(2)] == [(200, {"status": "proposed", "repeated": True})] * 2
    assert reader.calls == 1


def test_a_failed_read_gives_the_lease_back_so_the_retry_reads_at_once(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any]) -> None:
    payload = _task(owner)
    reader.fail_next = True
    status, answer, _ = _deliver(payload)
    assert (status, answer["error"]["code"]) == (503, "retry")  # Gemini failed: a real error, retried
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.READING, "", None)
    status, answer, _ = _deliver(payload)
    assert (status, answer["status"]) == (200, "proposed")
    assert reader.calls == 2


def test_the_lease_length_comes_from_the_environment(reader: CountingReader, backend: MemoryBackend,
                                                     owner: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", "60")
    assert handler.lease_seconds() == 60
    payload = _task(owner)
    reader.hold()
    reading = threading.Thread(target=lambda: _deliver(payload))
    reading.start()
    assert reader.reading.wait(10)
    status, _, headers = _deliver(payload)
    reader.let_go()
    reading.join(10)
    assert status == 429 and 50 <= int(headers["Retry-After"]) <= 60
    for wrong in ("5", "abc", "7200", "nan"):  # out of 30-3600 s: the default
        monkeypatch.setenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", wrong)
        assert handler.lease_seconds() == receipt_scans.LEASE_S


def test_a_reader_that_fails_after_saving_the_proposal_leaves_nothing_to_read_again(
        reader: CountingReader, backend: MemoryBackend, owner: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    payload = _task(owner)
    real_finish = receipt_scans.finish

    def broken_finish(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the instance went away between the proposal and the scan")

    monkeypatch.setattr(receipt_scans, "finish", broken_finish)
    with pytest.raises(RuntimeError, match="went away"):  # a 500: Cloud Tasks delivers it again
        _deliver(payload)
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.reader, scan.lease_until) == (ScanStatus.READING, "", None)  # the lease given back
    monkeypatch.setattr(receipt_scans, "finish", real_finish)
    assert _deliver(payload)[:2] == (200, {"status": "proposed", "repeated": True})
    assert reader.calls == 1
    scan = _scan(backend, owner, payload)
    assert (scan.status, scan.proposal_id) == (ScanStatus.PROPOSED, receipt_scans.proposal_id_for(payload["photo_id"]))
    assert len(backend.stores[owner["tenant_id"]].bakery.proposals) == 1
