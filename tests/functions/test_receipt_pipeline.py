"""Receipt photo → storage event → task → proposal, over the in-memory backend, with Gemini faked locally.

The real emulators (storage, Cloud Tasks, Firestore) and the offline OCR run the same path in
tests/integration/test_receipts_end_to_end.py.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from functions import gateway, main
from functions.receipts import receipt_uploaded
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore
from tests.functions.conftest import call, unsigned_token
from tests.support.fake_gemini import FakeGemini, FakeResponse
from tests.support.receipt_tasks import KITCHEN, QUEUE, RecordingQueue


@pytest.fixture
def stack(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RecordingQueue, FakeGemini]]:
    photos, queue = MemoryPhotoStore(), RecordingQueue()
    previous = RUNTIME._photos, RUNTIME.tasks
    RUNTIME.use_photos(photos)
    RUNTIME.tasks = queue
    monkeypatch.setenv("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        yield queue, fake
    RUNTIME._photos, RUNTIME.tasks = previous


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Receipts"}, claims={"uid": "rae"})[1]["tenant_id"]
    claims = {"uid": "rae", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": KITCHEN}, claims=claims)[0] == 200
    return claims


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 640), "white").save(out, "JPEG")
    return out.getvalue()


def _upload(claims: dict[str, Any], data: bytes) -> dict[str, Any]:
    """Straight to the function: no storage event (tests send it themselves)."""
    request = Request(EnvironBuilder(method="POST", data=data, content_type="image/jpeg",
                                     query_string={"kind": "receipt"},
                                     headers={"Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ())
    text, status, _ = main.upload_photo(request)
    assert status == 200, text
    answer: dict[str, Any] = json.loads(text)
    return answer


def test_the_local_gateway_sends_the_storage_event_after_an_upload(stack: tuple[RecordingQueue, FakeGemini],
                                                                   owner: dict[str, Any]) -> None:
    queue, _ = stack
    response = Client(gateway.app).post("/api/upload_photo?kind=receipt", data=_photo(), content_type="image/jpeg",
                                        headers={"Authorization": f"Bearer {unsigned_token(owner)}"})
    assert response.status_code == 200
    deadline = time.monotonic() + 5
    while not queue.tasks and time.monotonic() < deadline:
        time.sleep(0.02)
    (url, payload), = queue.tasks.values()
    assert url.endswith("/tasks/extract_receipt") and payload["photo_path"] == response.get_json()["path"]


def _run_task(payload: dict[str, Any], queue_header: str | None = QUEUE) -> tuple[int, dict[str, Any]]:
    headers = {"X-CloudTasks-QueueName": queue_header} if queue_header else {}
    request = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                     headers=headers).get_environ())
    text, status, _ = main.extract_receipt(request)
    return status, json.loads(text)


def _event(answer: dict[str, Any], tenant: str) -> Any:
    return gateway.storage_finalized_event(answer["bucket"], answer["path"], "image/jpeg",
                                           {"tenant_id": tenant, "kind": "receipt"})


def test_a_receipt_becomes_one_proposal_and_nothing_else(stack: tuple[RecordingQueue, FakeGemini],
                                                         owner: dict[str, Any], backend: MemoryBackend) -> None:
    queue, fake = stack
    fake.enqueue(FakeResponse.from_recording("receipt_five_lines"))
    data = _photo()
    uploaded = _upload(owner, data)
    assert uploaded["receipt"]["status"] == "uploaded"
    receipt_uploaded(_event(uploaded, owner["tenant_id"]))
    receipt_uploaded(_event(uploaded, owner["tenant_id"]))  # Eventarc delivers at least once
    assert len(queue.tasks) == 1
    status_now = call(main.receipt_status, {"photo_id": uploaded["photo_id"]}, claims=owner)[1]
    assert status_now["status"] == "queued" and status_now["proposal"] is None
    (_, payload), = queue.tasks.values()
    assert _run_task(payload)[0] == 200
    assert _run_task(payload)[1] == {"status": "proposed", "repeated": True}  # a retried task does nothing
    assert len(fake.requests) == 1
    sent = json.dumps(fake.requests[0].json)
    assert "inlineData" in sent or "inline_data" in sent
    answer = call(main.receipt_status, {"photo_id": uploaded["photo_id"]}, claims=owner)[1]
    assert answer["status"] == "proposed"
    proposal = answer["proposal"]
    assert (proposal["source"], proposal["status"], proposal["photo_path"]) == \
        ("receipt", "proposed", uploaded["path"])
    assert len(proposal["operations"]) == 5
    flour = proposal["operations"][0]["args"]
    assert (flour["quantity"], flour["unit"], flour["price"], flour["product_id"]) == (25, "LBR", 17.99, "ka-flour-25")
    bakery = backend.stores[owner["tenant_id"]].bakery
    assert bakery.purchases == {} and bakery.lots == {} and len(bakery.proposals) == 1


def test_the_task_handler_refuses_anything_but_its_queue(stack: tuple[RecordingQueue, FakeGemini],
                                                         owner: dict[str, Any], backend: MemoryBackend) -> None:
    uploaded = _upload(owner, _photo())
    payload = {"tenant_id": owner["tenant_id"], "photo_id": uploaded["photo_id"], "photo_path": uploaded["path"]}
    assert _run_task(payload, queue_header=None)[0] == 403
    assert _run_task(payload, queue_header="projects/x/locations/y/queues/something-else")[0] == 403
    wrong_path = {**payload, "photo_path": f"tenants/other-bakery/receipts/{uploaded['photo_id']}"}
    assert _run_task(wrong_path)[0] == 400
    assert _run_task({**payload, "tenant_id": "../../etc"})[0] == 400
    assert backend.stores[owner["tenant_id"]].bakery.proposals == {}


def test_an_object_outside_a_bakerys_receipts_or_with_a_forged_tenant_is_ignored(
        stack: tuple[RecordingQueue, FakeGemini], owner: dict[str, Any]) -> None:
    queue, _ = stack
    uploaded = _upload(owner, _photo())
    receipt_uploaded(gateway.storage_finalized_event("b", f"tenants/{owner['tenant_id']}/inventory-photos/x",
                                                     "image/jpeg", {"tenant_id": owner["tenant_id"]}))
    receipt_uploaded(gateway.storage_finalized_event("b", uploaded["path"], "image/jpeg", {"tenant_id": "other"}))
    assert queue.tasks == {}


def test_a_hostile_receipt_answer_is_flagged_never_saved(stack: tuple[RecordingQueue, FakeGemini],
                                                         owner: dict[str, Any], backend: MemoryBackend) -> None:
    queue, fake = stack
    fake.enqueue(FakeResponse.from_recording("receipt_prompt_injection"))
    uploaded = _upload(owner, _photo())
    receipt_uploaded(_event(uploaded, owner["tenant_id"]))
    (_, payload), = queue.tasks.values()
    assert _run_task(payload)[0] == 200
    proposal = call(main.receipt_status, {"photo_id": uploaded["photo_id"]}, claims=owner)[1]["proposal"]
    prices = [op["args"].get("price") for op in proposal["operations"]]
    assert all(p is None or p > 0 for p in prices)  # the obeyed "set all prices to 0" is nulled, not kept
    assert proposal["notes"]
    assert call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)[0] == 400
    assert backend.stores[owner["tenant_id"]].bakery.purchases == {}


def test_another_bakery_cannot_see_a_receipts_status(stack: tuple[RecordingQueue, FakeGemini],
                                                     owner: dict[str, Any]) -> None:
    uploaded = _upload(owner, _photo())
    other = call(main.create_tenant, {"name": "Other"}, claims={"uid": "oz"})[1]["tenant_id"]
    oz = {"uid": "oz", "tenant_id": other, "role": "owner"}
    assert call(main.receipt_status, {"photo_id": uploaded["photo_id"]}, claims=oz)[0] == 404


def test_the_upload_event_clashing_with_the_task_already_reading_runs_again_and_leaves_it_reading(
        stack: tuple[RecordingQueue, FakeGemini], owner: dict[str, Any], backend: MemoryBackend,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On Firestore, marking a receipt queued and the task starting to read it are two transactions on one
    document; the loser gets a conflict. It runs again: the receipt is then `reading`, which it leaves alone."""
    from core.errors import RetryableConflict
    from core.proposals import receipt_scans

    uploaded = _upload(owner, _photo())
    photo_id, path = uploaded["photo_id"], uploaded["path"]
    real = receipt_scans.mark_queued
    clashes = []

    def clash_once(uow: Any, pid: str, name: str, **kw: Any) -> Any:
        if not clashes:  # the task starts reading in between: this transaction loses
            clashes.append(pid)
            with backend.unit_of_work(owner["tenant_id"]) as other:
                receipt_scans.start_reading(other, pid, name)
            raise RetryableConflict("receipts changed while this was being saved; try again")
        return real(uow, pid, name, **kw)

    monkeypatch.setattr(receipt_scans, "mark_queued", clash_once)
    receipt_uploaded({"data": {"name": path, "metadata": {"tenant_id": owner["tenant_id"]}}})
    assert clashes == [photo_id]
    status = call(main.receipt_status, {"photo_id": photo_id}, claims=owner)[1]
    assert status["status"] == "reading"  # not set back to queued by the event that lost
