"""Receipt photos to proposals: storage event → Cloud Task → extraction → one proposal per receipt.

`upload_photo` stores a receipt under `tenants/{tenant}/receipts/{photo_id}` and records its scan.
Cloud Storage then sends the `google.cloud.storage.object.v1.finalized` CloudEvent (locally the
gateway sends the same event) to `receipt_uploaded`, which queues a Cloud Task; the task calls
`extract_receipt`, which reads the photo (Gemini when configured, else OCR and the line parser)
into a proposal whose id comes from the photo's, so a retried event or task never makes a second
one. `receipt_status` shows where a receipt is while this runs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import random
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.extractors import read_receipt
from adapters.proposal_answers import proposal_json
from core.errors import RetryableConflict
from core.proposals import receipt_scans, service
from core.proposals.drafting import draft_operations
from core.proposals.model import Proposal, ReceiptScan, Source
from core.speech.operations import ParsedInput
from functions.models import Strict
from functions.shared.activity import noted, observed_task
from functions.shared.auth import READERS
from functions.shared.errors import ApiError
from functions.shared.observe import Call, current_request_id, note, observed
from functions.shared.operation import RUNTIME, Context, operation

T = TypeVar("T")
log = logging.getLogger("baketracker.receipts")
CLASHED_RETRY_S = 10  # twins that kept clashing on the scan: one of them took it; look again soon
RECEIPT_PATH = re.compile(r"^tenants/(?P<tenant>[A-Za-z0-9_-]{1,80})/receipts/(?P<photo>[0-9a-f]{32})$")


class ExtractTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant_id: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]+$")
    photo_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    photo_path: str = Field(max_length=300)


class ReceiptStatusRequest(Strict):
    photo_id: str = Field(pattern=r"^[0-9a-f]{32}$")


def scan_json(scan: ReceiptScan) -> dict[str, Any]:
    return {"photo_id": scan.id, "photo_path": scan.photo_path, "status": scan.status.value,
            "attempts": scan.attempts, "proposal_id": scan.proposal_id or None, "error": scan.error or None,
            "uploaded_at": scan.uploaded_at.isoformat() if scan.uploaded_at else None,
            "updated_at": scan.updated_at.isoformat() if scan.updated_at else None}


def _task_url() -> str:
    url = os.environ.get("BAKETRACKER_EXTRACT_URL", "").strip()
    if not url:
        raise RuntimeError("BAKETRACKER_EXTRACT_URL is not set: where the extraction tasks are sent")
    return url


def receipt_uploaded(cloud_event: Any) -> None:
    """CloudEvent `google.cloud.storage.object.v1.finalized`: queue the reading of a new receipt photo.
    Observed like the tasks (entry "task", with its bakery once known); an exception still escapes (a 500 in
    the record) so that Eventarc delivers the event again."""
    event_id = str(_attribute(cloud_event, "id") or "")
    request_id = event_id[:64] if event_id and event_id.replace("-", "").replace("_", "").isalnum() else None
    with observed("receipt_uploaded", "task", request_id=request_id) as call:
        _queue_reading(cloud_event, call)


def _attribute(cloud_event: Any, name: str) -> Any:
    try:
        return cloud_event[name]
    except (KeyError, TypeError):
        return None


def _queue_reading(cloud_event: Any, call: Call) -> None:
    data = cloud_event.data if hasattr(cloud_event, "data") else cloud_event["data"]
    if isinstance(data, bytes | str):
        data = json.loads(data)
    name = str((data or {}).get("name", ""))
    match = RECEIPT_PATH.match(name)
    if match is None:
        log.info("ignoring object %s: not a receipt", name)
        return
    tenant, photo_id = match["tenant"], match["photo"]
    metadata = (data or {}).get("metadata") or {}
    if metadata.get("tenant_id") != tenant:  # only upload_photo writes the bucket, and it always sets this
        log.warning("ignoring object %s: its tenant_id metadata does not match its path", name)
        call.status, call.error_code = 400, "tenant_mismatch"
        return
    call.tenant_id = tenant
    url = _task_url()  # a misconfigured deployment fails here, before the scan says "queued"
    from functions.shared.task_queue import CloudTasksQueue

    queue = RUNTIME.tasks if RUNTIME.tasks is not None else CloudTasksQueue.from_environment()
    queue.enqueue(f"receipt-{tenant}-{photo_id}", url, {"tenant_id": tenant, "photo_id": photo_id, "photo_path": name})
    # The task may already be reading it: the two transactions can clash, and the loser runs again (and then
    # finds it `reading`, which it leaves alone).
    _again_on_conflict(lambda: _mark_queued(tenant, photo_id, name))


def _mark_queued(tenant: str, photo_id: str, path: str) -> None:
    with RUNTIME.backend.unit_of_work(tenant) as uow:
        receipt_scans.mark_queued(uow, photo_id, path)


def _again_on_conflict(work: Callable[[], T], attempts: int = 6) -> T:
    """`work` again when its transaction clashed with another on the same receipt (bounded, with jitter)."""
    for attempt in range(attempts):
        try:
            return work()
        except RetryableConflict:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")


def _from_task(request: Any) -> bool:
    """Cloud Tasks sets X-CloudTasks-QueueName. In production the function also sits behind IAM (no public
    invoker), which checks the task's OIDC token; the local emulator attaches none, so local mode is explicit."""
    queue = request.headers.get("X-CloudTasks-QueueName", "")
    expected = os.environ.get("BAKETRACKER_QUEUE", "receipt-extraction")
    return bool(queue) and queue.rsplit("/", 1)[-1] == expected


def _answer(status: int, body: dict[str, Any],
            headers: dict[str, str] | None = None) -> tuple[str, int, dict[str, str]]:
    return json.dumps(body), status, {"Content-Type": "application/json", **(headers or {})}


def lease_seconds() -> float:
    """How long a delivery holds a receipt while it reads it: BAKETRACKER_RECEIPT_LEASE_SECONDS (30–3600), else
    receipt_scans.LEASE_S (the task handler's timeout). Keep it at least that timeout: a shorter lease lets a
    twin delivery read a receipt a slow reader is still reading."""
    raw = os.environ.get("BAKETRACKER_RECEIPT_LEASE_SECONDS", "").strip()
    if not raw:
        return receipt_scans.LEASE_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 30 <= value <= 3600:
        log.warning("BAKETRACKER_RECEIPT_LEASE_SECONDS=%r is not 30-3600 seconds; using %s", raw,
                    receipt_scans.LEASE_S)
        return receipt_scans.LEASE_S
    return value


def _busy(retry_after_s: int) -> tuple[str, int, dict[str, str]]:
    """Another delivery of this task is reading the receipt: 429 with Retry-After, so Cloud Tasks delivers it again
    once that lease has run out (by then it is proposed: 200; or its reader died: this one takes over). Not a 5xx:
    nothing failed, and 5xx count in the error-rate alerts (ops/alerts); 429 is one of the two statuses whose
    Retry-After Cloud Tasks considers."""
    return _answer(429, {"error": {"code": "receipt_busy", "field": None, "request_id": current_request_id(),
                                   "message": f"another delivery is reading this receipt; retry in {retry_after_s} s"}},
                   {"Retry-After": str(retry_after_s)})


def _release(task: ExtractTask, reader: str) -> None:
    try:
        _again_on_conflict(lambda: _give_back(task, reader))
    except Exception:  # the lease then runs out by itself
        log.exception("could not give back the lease on %s", task.photo_path)


def _give_back(task: ExtractTask, reader: str) -> None:
    with RUNTIME.backend.unit_of_work(task.tenant_id) as uow:
        receipt_scans.release(uow, task.photo_id, reader)


@observed_task
def extract_receipt(request: Any) -> tuple[str, int, dict[str, str]]:
    """The task: read one receipt photo into one proposal. 2xx ends the task; 429 (another delivery of it holds
    the receipt's lease) and 5xx ask Cloud Tasks to deliver it again."""
    if not _from_task(request):
        return _answer(403, {"error": {"code": "forbidden", "message": "only the extraction queue may call this",
                                       "field": None}})
    try:
        task = ExtractTask.model_validate_json(request.get_data(cache=False) or b"{}")
    except ValidationError as exc:
        return _answer(400, {"error": {"code": "invalid", "message": str(exc.errors()[0]["msg"]), "field": None}})
    if task.photo_path != f"tenants/{task.tenant_id}/receipts/{task.photo_id}":
        return _answer(400, {"error": {"code": "invalid", "message": "photo_path does not match the tenant and photo",
                                       "field": "photo_path"}})
    backend = RUNTIME.backend
    note(tenant_id=task.tenant_id)
    reader = uuid.uuid4().hex  # this delivery, as the holder of the receipt's lease
    lease_s = lease_seconds()

    def start() -> receipt_scans.ReadingClaim:
        with backend.unit_of_work(task.tenant_id) as uow:
            return receipt_scans.start_reading(uow, task.photo_id, task.photo_path, reader=reader, lease_s=lease_s)

    try:
        claim = _again_on_conflict(start)  # the upload's event may be marking it queued at this moment
    except RetryableConflict:  # twin deliveries of this task at once kept clashing on the scan: one of them holds it
        note(receipt_lease="clashed", receipt_read=False)
        return _busy(CLASHED_RETRY_S)
    if claim.claim is receipt_scans.Claim.DONE:
        note(receipt_lease="done", receipt_read=False)
        return _answer(200, {"status": claim.scan.status.value, "repeated": True})
    if claim.claim is receipt_scans.Claim.LEASED:  # another delivery is reading it: no second reading
        note(receipt_lease="held", receipt_read=False)
        return _busy(claim.retry_after_s())
    note(receipt_lease="taken_over" if claim.took_over else "taken", receipt_read=True)
    if claim.took_over:
        log.warning("receipt %s: the lease of an earlier reading ran out; reading it again", task.photo_path)
    try:
        return _read(backend, task, claim.scan, reader)
    except BaseException:  # the retry reads again at once (had the proposal been saved, it finds it: no reading)
        _release(task, reader)
        raise


def _read(backend: Any, task: ExtractTask, scan: ReceiptScan, reader: str) -> tuple[str, int, dict[str, str]]:
    """Read the receipt this delivery holds the lease of, into its proposal; every way out clears the lease."""
    photo = RUNTIME.photos.get(task.photo_path)
    if photo is None or photo.metadata.get("tenant_id") != task.tenant_id:
        with backend.unit_of_work(task.tenant_id) as uow:
            receipt_scans.fail(uow, task.photo_id, "the photo is gone")
        return _answer(200, {"status": "failed"})
    today = (scan.uploaded_at or dt.datetime.now(dt.UTC)).date()
    from adapters.receipt_ocr import ReceiptImageError

    try:
        parsed, model, read_notes = read_receipt(photo.data, photo.content_type, today, raise_transient=True,
                                                 hints=_hints(backend, task.tenant_id))
    except ReceiptImageError as exc:  # the photo itself cannot be read: retrying will not help
        with backend.unit_of_work(task.tenant_id) as uow:
            receipt_scans.fail(uow, task.photo_id, str(exc) or "the receipt could not be read")
        return _answer(200, {"status": "failed"})
    except Exception as exc:
        if scan.attempts >= receipt_scans.MAX_ATTEMPTS:
            with backend.unit_of_work(task.tenant_id) as uow:
                receipt_scans.fail(uow, task.photo_id, f"reading failed {scan.attempts} times ({type(exc).__name__})")
            return _answer(200, {"status": "failed"})
        log.exception("reading receipt %s failed; the task will be retried", task.photo_path)
        _release(task, reader)  # the retry reads at once instead of waiting for the lease to run out
        return _answer(503, {"error": {"code": "retry", "message": "reading failed; retrying", "field": None}})
    proposal = _propose(backend, task, scan, parsed, model, read_notes)
    noted(proposal)
    note(uid=scan.uploaded_by or None)
    if scan.uploaded_by:  # "Receipt read — N items to review" on the uploader's devices that opted in
        from functions.push import notify_receipt_read

        notify_receipt_read(backend, task.tenant_id, scan.uploaded_by, len(proposal.operations), proposal.id)
    return _answer(200, {"status": "proposed", "proposal_id": proposal.id})


def _propose(backend: Any, task: ExtractTask, scan: ReceiptScan, parsed: ParsedInput, model: str,
             read_notes: list[str]) -> Proposal:
    """The reading drafted against the catalog and saved as the receipt's one proposal; the scan then `proposed`."""
    catalog = backend.planning_bakery(task.tenant_id)
    operations, notes = draft_operations(parsed, catalog)
    notes = [*read_notes, *notes]
    if not operations:
        notes = ["no line items were read from this receipt: add them by hand or retake the photo", *notes]
    pid = receipt_scans.proposal_id_for(task.photo_id)

    def submit() -> Proposal:
        with backend.unit_of_work(task.tenant_id) as uow:
            return service.submit(uow, source=Source.RECEIPT, operations=operations, by=scan.uploaded_by or "receipt",
                                  model=model, photo_path=task.photo_path, notes=notes, proposal_id=pid)

    def finish() -> None:
        with backend.unit_of_work(task.tenant_id) as uow:
            receipt_scans.finish(uow, task.photo_id, proposal.id)

    # The same task delivered again meanwhile reads the scan in its own transaction: the loser runs again.
    proposal = _again_on_conflict(submit)  # by the photo's proposal id: a second submit returns the first
    _again_on_conflict(finish)
    return proposal


def _hints(backend: Any, tenant_id: str) -> Any:
    """The bakery's currency for the AI model, when one reads receipts here (the offline reader needs none)."""
    from adapters.extractors import gemini_configured
    from adapters.gemini import ReadingHints

    if not gemini_configured():
        return None
    tenant = backend.tenant(tenant_id)
    return ReadingHints(currency=tenant.settings.currency if tenant else None)


@operation(READERS, ReceiptStatusRequest)
def receipt_status(ctx: Context, body: ReceiptStatusRequest) -> dict[str, Any]:
    """Where a receipt photo is on its way to a proposal; the proposal itself once it is there."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        scan = uow.receipts.get(body.photo_id)
        if scan is None:
            raise ApiError(404, "not_found", f"no receipt {body.photo_id}", "photo_id")
        proposal = uow.proposals.get(scan.proposal_id) if scan.proposal_id else None
    answer = scan_json(scan)
    answer["proposal"] = proposal_json(proposal) if proposal is not None else None
    return answer
