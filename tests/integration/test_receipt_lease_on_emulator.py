"""On the Firestore emulator: a receipt task delivered four times at once is read once (the lease taken in the
transaction that moves the scan to `reading`), and a lease whose reader died is taken over.

Gemini is the local fake (tests/support/fake_gemini.py): every reading is one request it records, so its
request count is the number of readings; an observe listener counts them too (the handler notes
`receipt_read`). More answers are scripted than needed, so a second reading would succeed and be counted.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.receipt_tasks import KITCHEN, RecordingQueue, deliver, uploaded_task

pytestmark = pytest.mark.emulator


@pytest.fixture
def bakery(gateway: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, dict[str, Any], list[bool]]]:
    """(the fake Gemini, the owner's claims, what each delivery noted as `receipt_read`)."""
    from functions import main
    from functions.shared.observe import LISTENERS, Observation
    from functions.shared.operation import RUNTIME
    from functions.shared.photo_store import MemoryPhotoStore
    from tests.functions.conftest import call
    from tests.support.fake_gemini import FakeGemini

    previous = RUNTIME._photos, RUNTIME.tasks
    RUNTIME.use_photos(MemoryPhotoStore())
    RUNTIME.tasks = RecordingQueue()
    read: list[bool] = []

    def listener(observation: Observation) -> None:
        if observation.operation == "extract_receipt":
            read.append(observation.facts.get("receipt_read") is True)

    LISTENERS.append(listener)
    monkeypatch.setenv("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    monkeypatch.delenv("BAKETRACKER_RECEIPT_LEASE_SECONDS", raising=False)
    try:
        with FakeGemini() as fake:
            monkeypatch.setenv("GEMINI_API_KEY", "test-key")
            monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
            tenant = call(main.create_tenant, {"name": "Lease Bakery"}, claims={"uid": "rae"})[1]["tenant_id"]
            owner = {"uid": "rae", "tenant_id": tenant, "role": "owner"}
            assert call(main.import_desktop, {"data": KITCHEN}, claims=owner)[0] == 200
            yield fake, owner, read
    finally:
        LISTENERS.remove(listener)
        RUNTIME._photos, RUNTIME.tasks = previous




def _documents(firestore: Any, tenant: str, collection: str) -> dict[str, dict[str, Any]]:
    return {d.id: d.to_dict() for d in firestore.collection("tenants").document(tenant).collection(collection).stream()}


def _ai_readings_used(owner: dict[str, Any]) -> int:
    from functions import main
    from tests.functions.conftest import call

    status, answer = call(main.get_quotas, {}, claims=owner)
    assert status == 200, answer
    return int(next(q["used"] for q in answer["quotas"] if (q["what"], q["per"]) == ("ai_readings", "bakery")))


def test_four_deliveries_at_once_read_the_receipt_once(bakery: tuple[Any, dict[str, Any], list[bool]],
                                                       firestore: Any) -> None:
    from tests.support.fake_gemini import FakeResponse

    fake, owner, read = bakery
    payload = uploaded_task(owner, 250)
    for _ in range(5):  # one answer per delivery and more: a second reading would be answered, and counted
        fake.enqueue(FakeResponse.from_recording("receipt_five_lines", delay_s=1.0))
    results: list[tuple[int, dict[str, Any], dict[str, str]]] = []
    start = threading.Barrier(4)

    def deliver_at_once() -> None:
        start.wait()
        results.append(deliver(payload))

    threads = [threading.Thread(target=deliver_at_once) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    answers = sorted((status, "repeated" if body.get("repeated") else body.get("status") or body["error"]["code"])
                     for status, body, _ in results)
    print(f"\nfour deliveries at once: {answers}; Gemini asked {len(fake.requests)} time(s)")
    # one reads; the others find its lease (a delivery held up past the 1 s reading would find it proposed)
    assert answers.count((200, "proposed")) == 1 and (429, "receipt_busy") in answers
    assert set(answers) <= {(200, "proposed"), (429, "receipt_busy"), (200, "repeated")}
    assert all(0 < int(headers["Retry-After"]) <= 300 for status, _, headers in results if status == 429)
    assert len(fake.requests) == 1
    assert sorted(read) == [False, False, False, True]

    # the deliveries sent away come back: answered from the proposal, not read
    assert [deliver(payload)[:2] for _ in range(3)] == [(200, {"status": "proposed", "repeated": True})] * 3
    assert len(fake.requests) == 1 and read.count(True) == 1
    proposals = _documents(firestore, owner["tenant_id"], "proposals")
    assert [p["photo_path"] for p in proposals.values()] == [payload["photo_path"]]
    scan = _documents(firestore, owner["tenant_id"], "receipts")[payload["photo_id"]]
    assert (scan["status"], scan["reader"], scan["lease_until"], scan["attempts"]) == ("proposed", "", None, 1)
    assert _ai_readings_used(owner) == 1  # spent once, by the upload; no delivery spent another


def test_a_lease_left_by_a_dead_reader_is_taken_over(bakery: tuple[Any, dict[str, Any], list[bool]],
                                                     gateway: Any, firestore: Any) -> None:
    from core.proposals import receipt_scans
    from tests.support.fake_gemini import FakeResponse

    fake, owner, read = bakery
    payload = uploaded_task(owner, 240)
    for _ in range(3):
        fake.enqueue(FakeResponse.from_recording("receipt_five_lines"))
    with gateway.unit_of_work(owner["tenant_id"]) as uow:  # it started reading 5 min 10 s ago and died
        receipt_scans.start_reading(uow, payload["photo_id"], payload["photo_path"], reader="dead",
                                    at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=receipt_scans.LEASE_S + 10))
    status, body, _ = deliver(payload)
    assert (status, body["status"]) == (200, "proposed")
    assert len(fake.requests) == 1 and read == [True]
    scan = _documents(firestore, owner["tenant_id"], "receipts")[payload["photo_id"]]
    assert (scan["status"], scan["reader"], scan["lease_until"], scan["attempts"]) == ("proposed", "", None, 2)
    assert len(_documents(firestore, owner["tenant_id"], "proposals")) == 1
