"""The receipt task leaves an activity record (entry "task"): its bakery, the uploader, the receipt proposal."""

from __future__ import annotations

from typing import Any

from core.activity.record import user_key
from functions.receipts import receipt_uploaded
from functions.shared import activity
from functions.shared.memory_backend import MemoryBackend
from tests.functions import test_receipt_pipeline as pipeline
from tests.support.fake_gemini import FakeResponse

stack, owner = pipeline.stack, pipeline.owner  # the same fixtures: a memory stack with a fake Gemini


def test_the_receipt_task_is_recorded_with_its_bakery_and_proposal(stack: Any, owner: dict[str, Any],
                                                                   backend: MemoryBackend) -> None:
    queue, fake = stack
    fake.enqueue(FakeResponse.from_recording("receipt_five_lines"))
    uploaded = pipeline._upload(owner, pipeline._photo())
    receipt_uploaded(pipeline._event(uploaded, owner["tenant_id"]))
    (_, payload), = queue.tasks.values()
    assert pipeline._run_task(payload)[0] == 200
    assert pipeline._run_task(payload)[0] == 200  # retried: nothing new proposed
    assert pipeline._run_task(payload, queue_header=None)[0] == 403
    activity.RECORDER.flush()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    tasks = [r for r in store.records if r.operation == "extract_receipt"]
    assert [(r.entry, r.status) for r in tasks] == [("task", 200), ("task", 200), ("task", 403)]
    read = tasks[0]
    assert (read.tenant_id, read.user, read.source) == (owner["tenant_id"], user_key("rae"), "receipt")
    assert (read.proposal_source, read.proposal_outcome, read.purchases) == ("receipt", "proposed", 0)
    assert tasks[1].proposal_outcome is None and tasks[2].error_code == "forbidden"


def test_the_scheduled_reminders_are_recorded(backend: MemoryBackend) -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import main

    for headers in ({"X-CloudScheduler": "true"}, {}):
        request = Request(EnvironBuilder(method="POST", headers=headers).get_environ())
        main.event_reminders(request)
    activity.RECORDER.flush()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    assert [(r.entry, r.status, r.tenant_id) for r in store.records if r.operation == "event_reminders"] == [
        ("task", 200, None), ("task", 403, None)]


def test_the_uptime_checks_health_probe_is_not_recorded(backend: MemoryBackend) -> None:
    from werkzeug.test import Client

    from functions import gateway

    dropped = activity.RECORDER.dropped
    for _ in range(3):
        assert Client(gateway.app).get("/api/health").status_code == 200
    assert Client(gateway.app).post("/api/get_bakery", json={}).status_code == 401  # a signed-out call is
    activity.RECORDER.flush()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    assert [r.operation for r in store.records] == ["get_bakery"]
    assert activity.RECORDER.dropped == dropped  # skipped, not dropped


def test_the_storage_event_is_recorded_with_its_bakery(stack: Any, owner: dict[str, Any],
                                                      backend: MemoryBackend) -> None:
    from functions import gateway

    uploaded = pipeline._upload(owner, pipeline._photo())
    event = pipeline._event(uploaded, owner["tenant_id"])
    receipt_uploaded(event)
    receipt_uploaded(gateway.storage_finalized_event("b", uploaded["path"], "image/jpeg", {"tenant_id": "other"}))
    receipt_uploaded(gateway.storage_finalized_event("b", f"tenants/{owner['tenant_id']}/inventory-photos/x",
                                                     "image/jpeg", {"tenant_id": owner["tenant_id"]}))
    activity.RECORDER.flush()
    store = activity.store_for(backend)
    assert isinstance(store, activity.MemoryActivityStore)
    seen = [r for r in store.records if r.operation == "receipt_uploaded"]
    assert [(r.entry, r.status, r.error_code, r.tenant_id) for r in seen] == [
        ("task", 200, None, owner["tenant_id"]), ("task", 400, "tenant_mismatch", None), ("task", 200, None, None)]
