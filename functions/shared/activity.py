"""Activity recording: every observed call becomes one append-only record, written off the call's path.

`RECORDER` listens to `functions.shared.observe` (installed by `install()`, which functions/main.py and the MCP
service call). It turns the Observation into an `ActivityRecord` (core/activity: no content) and queues it; a
daemon thread writes the queue in batches, each record its own document with a random id chosen by the writer
(tenants/{t}/activity/{id}, or activity/{id} for calls in no bakery), so no call waits for a write and no two
calls write the same document. The queue is bounded: a full queue drops records (counted in `RECORDER.drops`
by reason, logged as a structured WARNING): recording never blocks or fails an operation. For instances whose
CPU is throttled between requests or that are stopped (Cloud Run), see `Recorder`: failed writes retried under
the same ids, a request's start wakes a writer waiting to retry, pending records written on SIGTERM and at exit
(functions/shared/shutdown.py).

The writer also marks each bakery active on a day (activity_days/{day}/bakeries/{t}, once per process and day).
`aggregate(store, days)` folds each marked bakery's records of the day into tenants/{t}/metrics_days/{day}, then
the platform's day from those documents (never from the records) into metrics_days/{day} and its id shards;
everything computed afresh each time (idempotent). `get_metrics` reads only the daily documents.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from core.activity.daily import DailyAggregate, fold_bakery, fold_platform
from core.activity.platform_day import PlatformDay, shards_listed, split
from core.activity.record import ActivityRecord, record_of
from functions.shared import shutdown
from functions.shared.errors import unavailable
from functions.shared.logs import STRUCTURED
from functions.shared.observe import Call, Observation, listen, note, observed, on_start

if TYPE_CHECKING:
    from core.proposals.model import Proposal

log = logging.getLogger("baketracker.activity")
BATCH = 400  # records per Firestore batch (a batch takes at most 500 writes)
QUEUE_LIMIT = 20_000  # records held at most (about 10 MB); beyond it new records are dropped and counted
DROP_REASONS = ("queue_full", "write_failed", "no_store")
DROP_LOG_SECONDS = 60.0  # at most one drop WARNING a minute (and one at exit)
RETRY_FIRST, RETRY_MAX, RETRY_SLICE = 0.5, 30.0, 0.25  # seconds: the writer's back-off after a failed write
# besides unavailable() (unreachable, deadline): errors worth writing the same records again for
RETRIED = frozenset({"InternalServerError", "Aborted", "TooManyRequests", "ResourceExhausted", "GatewayTimeout",
                     "ConnectionError", "TimeoutError"})
CHUNK = 200  # bakeries folded per unit of aggregation
# Not recorded: the uptime check's probe (every minute from several regions: ~260 000 records a month that
# say nothing about bakeries). Its failures still reach the logs and the uptime alert.
UNRECORDED = frozenset({"health"})


class ActivityStore(Protocol):
    def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
        """The records, and for each bakery and day among them the marker that it was active that day.
        `ids`: each record's document id (writing the same record again with its id changes nothing); without
        them each record gets a new id."""
        ...

    def bakeries_of_day(self, day: str) -> list[str]:
        """The bakeries with a marker for `day` (tenant ids, sorted)."""
        ...

    def bakery_records(self, tenant_id: str, day: str) -> list[ActivityRecord]: ...

    def unowned_records(self, day: str) -> list[ActivityRecord]:
        """The day's records of calls in no bakery."""
        ...

    def save_bakery_days(self, day: str, aggregates: Mapping[str, DailyAggregate]) -> None: ...

    def bakery_day_documents(self, day: str, tenant_ids: list[str]) -> Iterator[tuple[str, DailyAggregate]]: ...

    def save_platform_day(self, parted: PlatformDay) -> None:
        """Replace the platform's day: its main document and its shards (a shard it does not list is unread)."""
        ...

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]: ...

    def platform_days(self, days: list[str]) -> tuple[dict[str, DailyAggregate], dict[str, list[str]]]:
        """The platform's main documents by day, and the shards each lists (a day folded before the split,
        whose main document holds its ids, lists none and is left out of the second mapping)."""
        ...

    def platform_shards(self, listed: Mapping[str, list[str]]) -> Iterator[dict[str, DailyAggregate]]:
        """The shards `listed` (day → shard ids), one shard (all its days) at a time."""
        ...


class MemoryActivityStore:
    def __init__(self) -> None:
        self.records: list[ActivityRecord] = []
        self.marked: dict[str, set[str]] = {}  # day → bakeries active that day
        self.bakery: dict[tuple[str, str], dict[str, Any]] = {}
        self.platform: dict[str, dict[str, Any]] = {}
        self.shards: dict[tuple[str, str], dict[str, Any]] = {}  # (day, shard) → its document
        self._ids: set[str] = set()  # the document ids written
        self._lock = threading.Lock()

    def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
        with self._lock:
            if ids is not None:  # as Firestore does: a record written again under its id is the same document
                fresh = [(i, r) for i, r in zip(ids, records, strict=True) if i not in self._ids]
                self._ids.update(i for i, _ in fresh)
                records = [r for _, r in fresh]
            for record in records:
                if record.tenant_id is not None:
                    self.marked.setdefault(record.day, set()).add(record.tenant_id)
            self.records.extend(records)

    def bakeries_of_day(self, day: str) -> list[str]:
        with self._lock:
            return sorted(self.marked.get(day, ()))

    def bakery_records(self, tenant_id: str, day: str) -> list[ActivityRecord]:
        with self._lock:
            return [r for r in self.records if r.day == day and r.tenant_id == tenant_id]

    def unowned_records(self, day: str) -> list[ActivityRecord]:
        with self._lock:
            return [r for r in self.records if r.day == day and r.tenant_id is None]

    def save_bakery_days(self, day: str, aggregates: Mapping[str, DailyAggregate]) -> None:
        with self._lock:
            for tenant_id, aggregate in aggregates.items():
                self.bakery[(tenant_id, day)] = {**aggregate.to_dict(), "tenant_id": tenant_id}

    def bakery_day_documents(self, day: str, tenant_ids: list[str]) -> Iterator[tuple[str, DailyAggregate]]:
        for tenant_id in tenant_ids:
            found = self.bakery.get((tenant_id, day))
            if found is not None:
                yield tenant_id, DailyAggregate.from_dict(found)

    def save_platform_day(self, parted: PlatformDay) -> None:
        with self._lock:
            self.platform[parted.day] = parted.main_document()
            for shard, document in parted.shard_documents().items():
                self.shards[(parted.day, shard)] = document

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]:
        return {d: DailyAggregate.from_dict(self.bakery[(tenant_id, d)]) for d in days if (tenant_id, d) in self.bakery}

    def platform_days(self, days: list[str]) -> tuple[dict[str, DailyAggregate], dict[str, list[str]]]:
        found = {d: self.platform[d] for d in days if d in self.platform}
        listed = {d: shards_listed(m) for d, m in found.items()}
        return ({d: DailyAggregate.from_dict(m) for d, m in found.items()},
                {d: shards for d, shards in listed.items() if shards is not None})

    def platform_shards(self, listed: Mapping[str, list[str]]) -> Iterator[dict[str, DailyAggregate]]:
        for shard in sorted({s for shards in listed.values() for s in shards}):
            yield {d: DailyAggregate.from_dict(self.shards[(d, shard)]) for d, shards in listed.items()
                   if shard in shards and (d, shard) in self.shards}


class FirestoreActivityStore:
    """tenants/{t}/activity/{auto id} (activity/{auto id} outside a bakery); the marker that a bakery was active
    on a day, activity_days/{day}/bakeries/{t}; tenants/{t}/metrics_days/{day}; the platform's
    metrics_days/{day} and its shards metrics_days/{day}/metrics_shards/{00..3f} (core/activity/platform_day).
    Records are only ever queried within one bakery (or outside any), by `day`."""

    MARKED_DAYS = 3  # days whose markers this process remembers having written

    def __init__(self, client: Any) -> None:
        self.client = client
        self._marked: dict[str, set[str]] = {}  # day → bakeries whose marker this process wrote
        self._lock = threading.Lock()

    def _activity(self, tenant_id: str | None) -> Any:
        if tenant_id is None:
            return self.client.collection("activity")
        return self.client.collection("tenants").document(tenant_id).collection("activity")

    def _marker(self, day: str, tenant_id: str) -> Any:
        return self.client.collection("activity_days").document(day).collection("bakeries").document(tenant_id)

    def write(self, records: list[ActivityRecord], ids: list[str] | None = None) -> None:
        with self._lock:
            fresh = sorted({(r.day, r.tenant_id) for r in records if r.tenant_id is not None
                            and r.tenant_id not in self._marked.get(r.day, ())})
        # the markers first: a record is never left without its bakery's marker (a marker without records
        # folds to nothing). Each is written once per process and day, so none is hot.
        for start in range(0, len(fresh), BATCH):
            batch = self.client.batch()
            for day, tenant_id in fresh[start:start + BATCH]:
                batch.set(self._marker(day, tenant_id), {"day": day, "tenant_id": tenant_id})
            batch.commit()
        with self._lock:
            for day, tenant_id in fresh:
                self._marked.setdefault(day, set()).add(tenant_id)
            for day in sorted(self._marked)[:-self.MARKED_DAYS]:
                del self._marked[day]
        named = list(zip(ids, records, strict=True)) if ids is not None else [(None, r) for r in records]
        for start in range(0, len(named), BATCH):
            batch = self.client.batch()
            for doc_id, record in named[start:start + BATCH]:
                batch.set(self._activity(record.tenant_id).document(doc_id), record.to_dict())
            batch.commit()

    def bakeries_of_day(self, day: str) -> list[str]:
        listed = self.client.collection("activity_days").document(day).collection("bakeries")
        return sorted(ref.id for ref in listed.list_documents(page_size=1000))

    def _records(self, collection: Any, day: str) -> list[ActivityRecord]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        return [ActivityRecord.from_dict(r.to_dict())
                for r in collection.where(filter=FieldFilter("day", "==", day)).stream()]

    def bakery_records(self, tenant_id: str, day: str) -> list[ActivityRecord]:
        return self._records(self._activity(tenant_id), day)

    def unowned_records(self, day: str) -> list[ActivityRecord]:
        return self._records(self._activity(None), day)

    def _bakery_day(self, tenant_id: str, day: str) -> Any:
        return self.client.collection("tenants").document(tenant_id).collection("metrics_days").document(day)

    def _commit(self, writes: list[tuple[Any, dict[str, Any]]]) -> None:
        for start in range(0, len(writes), BATCH):
            batch = self.client.batch()
            for ref, data in writes[start:start + BATCH]:
                batch.set(ref, data)
            batch.commit()

    def save_bakery_days(self, day: str, aggregates: Mapping[str, DailyAggregate]) -> None:
        self._commit([(self._bakery_day(t, day), {**a.to_dict(), "tenant_id": t})
                      for t, a in sorted(aggregates.items())])

    def bakery_day_documents(self, day: str, tenant_ids: list[str]) -> Iterator[tuple[str, DailyAggregate]]:
        for start in range(0, len(tenant_ids), BATCH):
            refs = [self._bakery_day(t, day) for t in tenant_ids[start:start + BATCH]]
            for snap in self.client.get_all(refs):
                data = snap.to_dict() if snap.exists else None
                if data is not None and isinstance(data.get("tenant_id"), str):
                    yield data["tenant_id"], DailyAggregate.from_dict(data)

    def _platform_day(self, day: str) -> Any:
        return self.client.collection("metrics_days").document(day)

    def save_platform_day(self, parted: PlatformDay) -> None:
        day = self._platform_day(parted.day)
        writes = [(day, parted.main_document())]
        writes += [(day.collection("metrics_shards").document(s), d) for s, d in parted.shard_documents().items()]
        self._commit(writes)  # 65 writes at most: one batch, so the main document and its shards change at once

    def bakery_days(self, tenant_id: str, days: list[str]) -> dict[str, DailyAggregate]:
        found = {}
        for snap in self.client.get_all([self._bakery_day(tenant_id, d) for d in days]):
            data = snap.to_dict() if snap.exists else None
            if data is not None and data.get("tenant_id") == tenant_id:
                found[snap.id] = DailyAggregate.from_dict(data)
        return found

    def platform_days(self, days: list[str]) -> tuple[dict[str, DailyAggregate], dict[str, list[str]]]:
        mains: dict[str, DailyAggregate] = {}
        listed: dict[str, list[str]] = {}
        for snap in self.client.get_all([self._platform_day(d) for d in days]):
            data = snap.to_dict() if snap.exists else None
            if data is not None:
                mains[snap.id] = DailyAggregate.from_dict(data)
                if (shards := shards_listed(data)) is not None:
                    listed[snap.id] = shards
        return mains, listed

    def platform_shards(self, listed: Mapping[str, list[str]]) -> Iterator[dict[str, DailyAggregate]]:
        """Read in get_all calls of up to BATCH documents, handed out one shard at a time."""
        wanted = sorted({s for shards in listed.values() for s in shards})
        group: list[str] = []
        for n, shard in enumerate(wanted):
            group.append(shard)
            refs = [(shard, d) for shard in group for d, shards in listed.items() if shard in shards]
            if len(refs) < BATCH and n + 1 < len(wanted):
                continue
            found: dict[str, dict[str, DailyAggregate]] = {s: {} for s in group}
            docs = [self._platform_day(d).collection("metrics_shards").document(s) for s, d in refs]
            for snap in self.client.get_all(docs):
                data = snap.to_dict() if snap.exists else None
                if data is not None:
                    found[snap.id][str(data["day"])] = DailyAggregate.from_dict(data)
            yield from found.values()
            group = []


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
    """The listener: an Observation → a record on a bounded queue; a daemon thread writes the queue in batches.

    Built for instances whose CPU is throttled between requests (Cloud Run's request-based billing):
    - the call only builds the record and queues it (never waits, never fails: a full queue drops the record
      and counts it);
    - the writer takes what is queued at once (no waiting for a batch to fill), so a call's record is usually
      written while the instance still has CPU for it;
    - each record gets its document id when the writer first takes it and keeps it through retries, so a
      write that failed (Firestore unreachable, a deadline that ran out while the CPU was throttled) is retried
      without writing the record twice; errors that say nothing about reachability drop the batch (counted);
    - a request's start nudges a writer that is waiting to retry (`nudge`, an observe start hook): with CPU
      back it retries at once, on its own thread (the request waits for nothing);
    - on SIGTERM and at exit the pending records are written within `shutdown.SECONDS` (functions/shared/
      shutdown.py);
    - drops are logged as one structured WARNING (event `activity_dropped`, counts by reason) at most every
      `DROP_LOG_SECONDS`, and at exit."""

    def __init__(self, limit: int = QUEUE_LIMIT) -> None:
        self.store: ActivityStore | None = None  # set by use(); else the store beside the functions' backend
        self.fallback_backend: Any = None  # the MCP service's backend, when no function has one
        self.drops = dict.fromkeys(DROP_REASONS, 0)  # records dropped, by reason
        self.written = 0  # records written by this process
        self.retrying = False  # the writer holds records it could not write and waits to try again
        self._closing = False  # the process is stopping: retry quickly, wait for nothing
        self._queue: queue.Queue[tuple[ActivityStore, ActivityRecord]] = queue.Queue(limit)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._wake = threading.Event()
        self._logged_drops = 0
        self._drops_logged_at = -DROP_LOG_SECONDS
        self._retry_logged_at = -DROP_LOG_SECONDS

    @property
    def dropped(self) -> int:
        """Records dropped so far, whatever the reason."""
        return sum(self.drops.values())

    @property
    def pending(self) -> int:
        """Records queued or being written (read without a lock: a signal handler may ask)."""
        return self._queue.unfinished_tasks

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
            self._drop("no_store")
            return
        record = record_of(operation=observation.operation, entry=observation.entry, status=observation.status,
                           latency_ms=observation.latency_ms, started_at=observation.started_at,
                           tenant_id=observation.tenant_id, uid=observation.uid, role=observation.role,
                           client=observation.client, error_code=observation.error_code, facts=observation.facts)
        try:
            self._queue.put_nowait((store, record))
        except queue.Full:
            self._drop("queue_full")
            return
        self._ensure_thread()

    def nudge(self) -> None:
        """A request starts (the instance has CPU again): a writer waiting to retry tries now. Costs a few
        attribute reads when nothing waits."""
        if self.retrying:
            self._wake.set()
        elif self._queue.unfinished_tasks and (self._thread is None or not self._thread.is_alive()):
            self._ensure_thread()  # records queued before a fork (gunicorn) or a writer that died

    def _drop(self, reason: str, count: int = 1) -> None:
        with self._count_lock:
            self.drops[reason] += count

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._drain, name="activity-writer", daemon=True)
                self._thread.start()

    def _drain(self) -> None:
        held: list[tuple[ActivityStore, str, ActivityRecord]] = []  # taken, not yet written
        attempt = 0
        while True:
            if not held:
                held.append(self._take(self._queue.get()))
            while len(held) < BATCH:
                try:
                    held.append(self._take(self._queue.get_nowait()))
                except queue.Empty:
                    break
            try:
                kept = self._write(held)
                for _ in range(len(held) - len(kept)):
                    self._queue.task_done()
                held = kept
                self.retrying = bool(held)
                attempt = attempt + 1 if held else 0
                self._log_drops()
            except Exception:  # never let the writer die with records in hand
                log.exception("the activity writer failed; trying again")
                attempt += 1
                self.retrying = bool(held)
            if held:
                self._wait_to_retry(attempt)

    @staticmethod
    def _take(item: tuple[ActivityStore, ActivityRecord]) -> tuple[ActivityStore, str, ActivityRecord]:
        """A record's document id, chosen once: writing it again after a failure overwrites, never doubles."""
        return item[0], secrets.token_hex(10), item[1]

    def _write(self, held: list[tuple[ActivityStore, str, ActivityRecord]]
               ) -> list[tuple[ActivityStore, str, ActivityRecord]]:
        """Write `held`, store by store; answers what is to be tried again."""
        by_store: dict[int, list[tuple[ActivityStore, str, ActivityRecord]]] = {}
        for entry in held:
            by_store.setdefault(id(entry[0]), []).append(entry)
        kept: list[tuple[ActivityStore, str, ActivityRecord]] = []
        for entries in by_store.values():
            store = entries[0][0]
            try:
                store.write([r for _, _, r in entries], [i for _, i, _ in entries])
            except Exception as exc:
                if worth_retrying(exc):
                    kept.extend(entries)
                    if time.monotonic() - self._retry_logged_at >= DROP_LOG_SECONDS:  # not on every attempt
                        self._retry_logged_at = time.monotonic()
                        log.warning("could not write %d activity records (%s); trying again", len(entries),
                                    type(exc).__name__)
                else:
                    self._drop("write_failed", len(entries))
                    log.exception("could not write %d activity records", len(entries))
            else:
                self.written += len(entries)
        return kept

    def _wait_to_retry(self, attempt: int) -> None:
        """Back off (0.5 s doubling to 30 s), in slices so that a stop (set by a signal handler, which may not
        touch the event's lock) is noticed within RETRY_SLICE; a nudge ends the wait at once."""
        until = time.monotonic() + min(RETRY_MAX, RETRY_FIRST * 2 ** (attempt - 1))
        while not self._closing and (left := until - time.monotonic()) > 0:
            if self._wake.wait(min(left, RETRY_SLICE)):
                break
        self._wake.clear()
        if self._closing:
            time.sleep(RETRY_SLICE / 2)  # stopping: try again soon, but do not spin

    def _log_drops(self, *, now: bool = False) -> None:
        dropped = self.dropped
        if dropped == self._logged_drops:
            return
        if not now and time.monotonic() - self._drops_logged_at < DROP_LOG_SECONDS:
            return
        fresh, self._logged_drops, self._drops_logged_at = dropped - self._logged_drops, dropped, time.monotonic()
        log.warning("%d activity records dropped (%d in all since the process started)", fresh, dropped,
                    extra={STRUCTURED: {"event": "activity_dropped", "dropped": fresh, "dropped_total": dropped,
                                        "by_reason": dict(self.drops), "pending": self.pending}})

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued record is written or dropped (tests, the aggregation, the end of a CLI run);
        with `timeout`, at most that long. Answers whether nothing is left."""
        if self._queue.unfinished_tasks:
            self._ensure_thread()
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    # -- shutdown.Finisher: called from a signal handler too, so no lock is taken (see functions/shared/shutdown)

    def stopping(self) -> None:
        self._closing = True

    def finish_within(self, seconds: float, reason: str) -> None:
        """Write what is pending, waiting `seconds` at most; log what was written and what was not."""
        self._closing = True
        pending = self.pending
        started = time.monotonic()
        alive = self._thread is not None and self._thread.is_alive()
        while alive and self._queue.unfinished_tasks and time.monotonic() - started < seconds:
            time.sleep(0.002)
        left = self._queue.unfinished_tasks
        if pending or left:
            fields = {"event": "activity_flushed", "reason": reason, "pending": pending, "written": pending - left,
                      "unwritten": left, "ms": round((time.monotonic() - started) * 1000, 1)}
            log.log(logging.WARNING if left else logging.INFO,
                    "%s: %d pending activity records, %d written in %.0f ms, %d not written", reason, pending,
                    pending - left, fields["ms"], left, extra={STRUCTURED: fields})
        self._log_drops(now=True)


def worth_retrying(exc: BaseException) -> bool:
    """Firestore unreachable or slow (a deadline, a throttled CPU), overloaded or aborted: try again later."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return unavailable(exc) is not None or bool(names & RETRIED)


RECORDER = Recorder()


def install(backend: Any = None) -> None:
    """Record every observed call (idempotent). `backend`: where to record when no function set one (MCP).
    A request's start nudges the writer; the pending records are written on SIGTERM and at exit."""
    if backend is not None:
        RECORDER.fallback_backend = backend
    listen(RECORDER)
    on_start(RECORDER.nudge)
    shutdown.register(RECORDER)


FanOut = Callable[[str, int, list[str]], None]  # (day, chunk number, tenant ids): fold them elsewhere (a task)


def aggregate(store: ActivityStore, days: Iterable[str], fan_out: FanOut | None = None) -> dict[str, Any]:
    """Fold each day afresh: running it twice gives the same documents. This process's own pending records
    are written first (waiting 30 s at most: a record written later is counted at the next run)."""
    RECORDER.flush(timeout=30)
    folded_days = [aggregate_day(store, day, fan_out) for day in sorted(set(days))]
    return {"days": folded_days, "records": sum(d["records"] for d in folded_days)}


def aggregate_day(store: ActivityStore, day: str, fan_out: FanOut | None = None) -> dict[str, Any]:
    """One day: each bakery marked active that day folds its own records into its day document (its own unit:
    `fold_bakeries`, in chunks), then the platform's day is folded from those documents and the day's records
    in no bakery, and saved split into its main document and shards.

    `fan_out`: when the day has more than one chunk of bakeries, each chunk is handed to it (a Cloud Task per
    chunk) instead of folded here, and the platform is folded from the bakery documents as they are now: the
    chunks' fresh documents reach it at the next run."""
    mains, listed = store.platform_days([day])
    if day in mains and day not in listed:  # folded before the day markers existed: refolding would lose it
        return {"day": day, "records": 0, "bakeries": 0, "shards": 0, "kept": "folded before the day markers"}
    tenants = store.bakeries_of_day(day)
    records = 0
    chunks = [tenants[start:start + CHUNK] for start in range(0, len(tenants), CHUNK)]
    handed = fan_out is not None and len(chunks) > 1
    for n, chunk in enumerate(chunks):
        if handed and fan_out is not None:
            fan_out(day, n, chunk)
        else:
            records += fold_bakeries(store, day, chunk)
    unowned = store.unowned_records(day)
    platform = fold_platform(day, store.bakery_day_documents(day, tenants), unowned)
    parted = split(platform)
    store.save_platform_day(parted)
    return {"day": day, "records": records + len(unowned), "bakeries": len(tenants), "shards": len(parted.shards),
            "chunks_queued": len(chunks) if handed else 0}


def fold_bakeries(store: ActivityStore, day: str, tenants: list[str]) -> int:
    """Fold these bakeries' records of `day` into their day documents (afresh); how many records were read."""
    folded: dict[str, DailyAggregate] = {}
    records = 0
    for tenant_id in tenants:
        found = store.bakery_records(tenant_id, day)
        records += len(found)
        aggregate = fold_bakery(day, found)
        if aggregate.operations:
            folded[tenant_id] = aggregate
    store.save_bakery_days(day, folded)
    return records


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
