"""What happened in one call, for whoever listens: structured logs, activity records, metrics.

Every entry point (the HTTP wrapper in `functions.shared.operation`, the MCP tools, the Cloud Tasks handlers)
times its call and, when it ends, hands one `Observation` to every listener in `LISTENERS`. Listeners never
see what was bought or said: only who, which bakery, which operation, how it was entered, how it ended and
how long it took. A listener that fails is logged and ignored: observing never fails an operation.

During a call, code that knows more about it (that a purchase came from a receipt, that a proposal was
confirmed after an edit) adds plain facts with `note(key=value)`; they arrive in `Observation.facts`.
"""

from __future__ import annotations

import contextvars
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("baketracker.observe")

# How the call came in: through the HTTP API (the app or the CLI), the MCP service, or a task / scheduler.
ENTRIES = ("http", "mcp", "task")


@dataclass(frozen=True, slots=True)
class Observation:
    operation: str
    entry: str  # one of ENTRIES
    request_id: str
    trace: str | None  # the X-Cloud-Trace-Context trace id, when the front end sent one
    tenant_id: str | None
    uid: str | None
    role: str | None
    status: int  # the HTTP status answered (MCP and tasks: 200 ok, else the error's status)
    error_code: str | None  # the stable code of the error answered, None on success
    latency_ms: float
    client: str | None  # what the caller says it is (X-BakeTracker-Client: pwa, cli, …), None if unsaid
    started_at: float  # seconds since the epoch
    facts: dict[str, Any] = field(default_factory=dict)  # added during the call with note()

    @property
    def outcome(self) -> str:
        """ok, client_error (4xx but 429), rate_limited (429) or server_error (5xx)."""
        if self.status < 400:
            return "ok"
        if self.status == 429:
            return "rate_limited"
        return "client_error" if self.status < 500 else "server_error"


Listener = Callable[[Observation], None]
LISTENERS: list[Listener] = []
# Called when a call starts (no argument; must be quick and never raise): the instance has CPU again, so work
# that waited for it may go on (the activity writer's retry) on its own thread.
STARTERS: list[Callable[[], None]] = []
_facts: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("baketracker_facts", default=None)
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("baketracker_request_id", default=None)


def listen(listener: Listener) -> None:
    """Add a listener once (adding the same one again does nothing)."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def on_start(hook: Callable[[], None]) -> None:
    """Call `hook` when any observed call starts (adding the same one again does nothing)."""
    if hook not in STARTERS:
        STARTERS.append(hook)


def note(**facts: Any) -> None:
    """Add facts about the current call (no content: sources, outcomes, counts, ids). Outside a call: ignored."""
    current = _facts.get()
    if current is not None:
        current.update(facts)


def current_request_id() -> str | None:
    """The id of the call being served (also answered as X-Request-Id and in error bodies), None outside one."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(slots=True)
class Call:
    """A call being observed; fill in who and how it ended, then `finish()` (done by `observed`)."""

    operation: str
    entry: str
    request_id: str
    trace: str | None = None
    client: str | None = None
    tenant_id: str | None = None
    uid: str | None = None
    role: str | None = None
    status: int = 200
    error_code: str | None = None
    started_at: float = field(default_factory=time.time)
    _start: float = field(default_factory=time.perf_counter)
    facts: dict[str, Any] = field(default_factory=dict)

    def observation(self) -> Observation:
        return Observation(self.operation, self.entry, self.request_id, self.trace, self.tenant_id, self.uid,
                           self.role, self.status, self.error_code, (time.perf_counter() - self._start) * 1000,
                           self.client, self.started_at, dict(self.facts))


@contextmanager
def observed(operation: str, entry: str, *, request_id: str | None = None, trace: str | None = None,
             client: str | None = None) -> Iterator[Call]:
    """Time a call and tell every listener how it ended. An exception escaping the block counts as a 500
    unless the block set `status` itself."""
    for hook in STARTERS:
        try:
            hook()
        except Exception:
            log.exception("start hook %r failed", hook)
    call = Call(operation, entry, request_id or new_request_id(), trace, client)
    facts_token = _facts.set(call.facts)
    id_token = _request_id.set(call.request_id)
    try:
        yield call
    except BaseException:
        if call.status < 400:
            call.status, call.error_code = 500, "internal"
        raise
    finally:
        _facts.reset(facts_token)
        _request_id.reset(id_token)
        tell(call.observation())


def tell(observation: Observation) -> None:
    for listener in list(LISTENERS):
        try:
            listener(observation)
        except Exception:
            log.exception("observation listener %r failed", listener)


def trace_of(header: str | None) -> str | None:
    """The trace id of an X-Cloud-Trace-Context header ("TRACE_ID/SPAN_ID;o=1"), or of a W3C traceparent."""
    if not header:
        return None
    value = header.strip()
    if value.startswith("00-") and value.count("-") >= 3:  # traceparent: 00-<trace>-<span>-<flags>
        return value.split("-")[1] or None
    return value.split("/")[0].split(";")[0] or None
