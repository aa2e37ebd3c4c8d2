"""Activity recording: every observed call becomes one append-only record, written off the call's path.

`RECORDER` listens to `functions.shared.observe` (installed by `install()`, which functions/main.py and the MCP
service call). It turns the Observation into an `ActivityRecord` (core/activity: no content) and queues it; a
daemon thread writes the queue in batches, each record its own document with an auto id
(tenants/{t}/activity/{id}, or activity/{id} for calls in no bakery), so no call waits for a write and no two
calls write the same document. A full queue drops records (counted in `RECORDER.dropped`): recording never
blocks or fails an operation.

`aggregate(store, days)` folds all of each day's records into tenants/{t}/metrics_days/{day} and the platform's
metrics_days/{day}, computed afresh each time (idempotent). `get_metrics` reads only those.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from core.activity.daily import DailyAggregate, FoldedDay, fold_day
from core.activity.record import ActivityRecord, record_of
from functions.shared.observe import Call, Observation, listen, note, observed

if TYPE_CHECKING:
    from core.proposals.model import Proposal

log = logging.getLogger("baketracker.activity")
BATCH = 400  # records per Firestore batch (a batch takes at most 500 writes)
QUEUE_LIMIT = 20_000
# Not recorded: the uptime check's probe (every minute from several regions: ~260 000 records a month that
# say nothing about bakeries). Its failures still reach the logs and the uptime alert.
UNRECORDED = frozenset({"health"})


class ActivityStore(Protocol):
    def write(self, records: list[ActivityRecord]) -> None: ...

    def records_of_day(self, day: str) -> list[ActivityRecord]: ...

    def save_day(self, folded: FoldedDay) -> None:
        """Replace the day's documents (every bakery active that day, and the platform's)."""
        ...

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]: ...

    def platform_days(self, days: list[str]) -> dict[str, DailyAggregate]: ...


class MemoryActivityStore:
    def __init__(self) -> None:
        self.records: list[ActivityRecord] = []
        self.bakery: dict[tuple[str, str], dict[str, Any]] = {}
        self.platform: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def write(self, records: list[ActivityRecord]) -> None:
        with self._lock:
            self.records.extend(records)

    def records_of_day(self, day: str) -> list[ActivityRecord]:
        with self._lock:
            return [r for r in self.records if r.day == day]

    def save_day(self, folded: FoldedDay) -> None:
        with self._lock:
            for tenant_id, aggregate in folded.bakeries.items():
                self.bakery[(tenant_id, folded.day)] = {**aggregate.to_dict(), "tenant_id": tenant_id}
            self.platform[folded.day] = folded.platform.to_dict()

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]:
        return {d: DailyAggregate.from_dict(self.bakery[(tenant_id, d)]) for d in days if (tenant_id, d) in self.bakery}

    def platform_days(self, days: list[str]) -> dict[str, DailyAggregate]:
        return {d: DailyAggregate.from_dict(self.platform[d]) for d in days if d in self.platform}


class FirestoreActivityStore:
    """tenants/{t}/activity/{auto id} (activity/{auto id} outside a bakery), tenants/{t}/metrics_days/{day},
    metrics_days/{day}. Records of a day are found with one collection-group query on `day`."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def _activity(self, tenant_id: str | None) -> Any:
        if tenant_id is None:
            return self.client.collection("activity")
        return self.client.collection("tenants").document(tenant_id).collection("activity")

    def write(self, records: list[ActivityRecord]) -> None:
        for start in range(0, len(records), BATCH):
            batch = self.client.batch()
            for record in records[start:start + BATCH]:
                batch.set(self._activity(record.tenant_id).document(), record.to_dict())
            batch.commit()

    def records_of_day(self, day: str) -> list[ActivityRecord]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        rows = self.client.collection_group("activity").where(filter=FieldFilter("day", "==", day)).stream()
        return [ActivityRecord.from_dict(r.to_dict()) for r in rows]

    def save_day(self, folded: FoldedDay) -> None:
        writes = [(self.client.collection("tenants").document(t).collection("metrics_days").document(folded.day),
                   {**a.to_dict(), "tenant_id": t}) for t, a in sorted(folded.bakeries.items())]
        writes.append((self.client.collection("metrics_days").document(folded.day), folded.platform.to_dict()))
        for start in range(0, len(writes), BATCH):
            batch = self.client.batch()
            for ref, data in writes[start:start + BATCH]:
                batch.set(ref, data)
            batch.commit()

    def _days(self, collection: Any, days: list[str], tenant_id: str | None) -> dict[str, DailyAggregate]:
        refs = [collection.document(d) for d in days]
        found = {}
        for snap in self.client.get_all(refs):
            data = snap.to_dict() if snap.exists else None
            if data is not None and (tenant_id is None or data.get("tenant_id") == tenant_id):
                found[snap.id] = DailyAggregate.from_dict(data)
        return found

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]:
        collection = self.client.collection("tenants").document(tenant_id).collection("metrics_days")
        return self._days(collection, days, tenant_id)

    def platform_days(self, days: list[str]) -> dict[str, DailyAggregate]:
        return self._days(self.client.collection("metrics_days"), days, None)


_MEMORY_STORES: weakref.WeakKeyDictionary[Any, MemoryActivityStore] = weakref.WeakKeyDictionary()
_FIRESTORE_STORES: dict[int, tuple[Any, FirestoreActivityStore]] = {}


def store_for(backend: Any) -> ActivityStore:
    """The activity store beside a backend: Firestore's for a FirestoreBackend, else one in memory per backend."""
    client = getattr(backend, "client", None)
    if client is not None:
        kept = _FIRESTORE_STORES.get(id(client))
        if kept is None or kept[0] is not client:
            kept = (client, FirestoreActivityStore(client))
            _FIRESTORE_STORES[id(client)] = kept
        return kept[1]
    store = _MEMORY_STORES.get(backend)
    if store is None:
        store = _MEMORY_STORES[backend] = MemoryActivityStore()
    return store


class Recorder:
    """The listener: an Observation → a record on the queue; a daemon thread writes the queue in batches."""

    def __init__(self) -> None:
        self.store: ActivityStore | None = None  # set by use(); else the store beside the functions' backend
        self.fallback_backend: Any = None  # the MCP service's backend, when no function has one
        self.dropped = 0
        self._queue: queue.Queue[tuple[ActivityStore, ActivityRecord]] = queue.Queue(QUEUE_LIMIT)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def use(self, store: ActivityStore | None) -> None:
        self.store = store

    def _current_store(self) -> ActivityStore | None:
        if self.store is not None:
            return self.store
        from functions.shared.operation import RUNTIME

        backend = getattr(RUNTIME, "_backend", None) or self.fallback_backend
        if backend is None and os.environ.get("K_SERVICE"):  # deployed: a call refused before it needed one
            backend = RUNTIME.backend
        return store_for(backend) if backend is not None else None

    def __call__(self, observation: Observation) -> None:
        if observation.operation in UNRECORDED:
            return
        store = self._current_store()
        if store is None:  # no backend in this process yet (nothing was stored either)
            self.dropped += 1
            return
        record = record_of(operation=observation.operation, entry=observation.entry, status=observation.status,
                           latency_ms=observation.latency_ms, started_at=observation.started_at,
                           tenant_id=observation.tenant_id, uid=observation.uid, role=observation.role,
                           client=observation.client, error_code=observation.error_code, facts=observation.facts)
        try:
            self._queue.put_nowait((store, record))
        except queue.Full:
            self.dropped += 1
            return
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._drain, name="activity-writer", daemon=True)
                self._thread.start()

    def _drain(self) -> None:
        while True:
            first = self._queue.get()
            taken = [first]
            while len(taken) < BATCH:
                try:
                    taken.append(self._queue.get(timeout=0.05))
                except queue.Empty:
                    break
            by_store: dict[int, tuple[ActivityStore, list[ActivityRecord]]] = {}
            for store, record in taken:
                by_store.setdefault(id(store), (store, []))[1].append(record)
            for store, records in by_store.values():
                try:
                    store.write(records)
                except Exception:
                    self.dropped += len(records)
                    log.exception("could not write %d activity records", len(records))
            for _ in taken:
                self._queue.task_done()

    def flush(self) -> None:
        """Wait until every queued record is written (tests, the aggregation, the end of a CLI run)."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.join()


RECORDER = Recorder()


def install(backend: Any = None) -> None:
    """Record every observed call (idempotent). `backend`: where to record when no function set one (MCP)."""
    if backend is not None:
        RECORDER.fallback_backend = backend
    listen(RECORDER)


def aggregate(store: ActivityStore, days: Iterable[str]) -> dict[str, Any]:
    """Fold each day's records into its daily documents, afresh: running it twice gives the same documents."""
    RECORDER.flush()
    folded_days = []
    records = 0
    for day in sorted(set(days)):
        found = store.records_of_day(day)
        records += len(found)
        folded = fold_day(day, found)
        store.save_day(folded)
        folded_days.append({"day": day, "records": len(found), "bakeries": len(folded.bakeries)})
    return {"days": folded_days, "records": records}


def observed_task(run: Callable[[Any], tuple[str, int, dict[str, str]]]) -> Callable[[Any], tuple[str, int,
                                                                                                  dict[str, str]]]:
    """A Cloud Tasks / Scheduler handler, observed (entry "task"); it may note(tenant_id=…, uid=…) once known."""

    def handler(request: Any) -> tuple[str, int, dict[str, str]]:
        headers = getattr(request, "headers", {}) or {}
        name = (headers.get("X-CloudTasks-TaskName") or "").rsplit("/", 1)[-1]
        request_id = name[:64] if name and name.replace("-", "").replace("_", "").isalnum() else None
        with observed(run.__name__, "task", request_id=request_id) as call:
            text, status, answer_headers = run(request)
            _settle(call, status, text)
            return text, status, {**answer_headers, "X-Request-Id": call.request_id}

    handler.__name__ = run.__name__
    handler.__doc__ = run.__doc__
    return handler


def _settle(call: Call, status: int, text: str) -> None:
    """The answer's status and error code, and who it was for when the handler noted it."""
    call.status = status
    if status >= 400:
        import json

        try:
            call.error_code = str(json.loads(text)["error"]["code"])
        except (ValueError, KeyError, TypeError):
            call.error_code = "error"
    tenant = call.facts.pop("tenant_id", None)
    uid = call.facts.pop("uid", None)
    if call.tenant_id is None and isinstance(tenant, str) and tenant:
        call.tenant_id = tenant
    if call.uid is None and isinstance(uid, str) and uid:
        call.uid = uid


P = TypeVar("P", bound="Proposal")


def noted(proposal: P, *, made_here: bool = False) -> P:
    """Note what a call did with `proposal` (its source and outcome; the purchases a confirmation entered).
    `made_here`: the same call also made it (an agent's key that applies at once), so it counts as proposed too."""
    from core.activity.proposal_facts import proposal_facts

    note(**proposal_facts(proposal), **({"proposal_made": True} if made_here else {}))
    return proposal
