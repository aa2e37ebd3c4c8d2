"""The one wrapper every HTTP function uses: authenticate, check the role, parse, call, answer JSON."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.application.context import BakeryContext
from core.errors import BakeTrackerError, RetryableConflict
from functions.shared.auth import Caller, TokenVerifier, caller_from_header, require_role
from functions.shared.backend import Backend
from functions.shared.errors import ApiError, from_core, from_pydantic, unavailable
from functions.shared.limits import spend_on_write
from functions.shared.observe import Call, observed, trace_of
from functions.shared.photo_store import PhotoStore
from functions.shared.task_queue import TaskQueue

Body = TypeVar("Body", bound=BaseModel)
MAX_BODY_BYTES = 10 * 1024 * 1024
RETRIES = 8  # a write that lost a race with another is run again, from its reads
log = logging.getLogger("baketracker.functions")


@dataclass(frozen=True, slots=True)
class Context:
    caller: Caller
    tenant_id: str  # from the verified token, never from the request
    backend: Backend
    idempotency_key: str | None = None  # a retried write with the same key is answered, not repeated
    request: Any = None  # the raw request, for the few operations that read more than a JSON body (uploads)

    @property
    def bakery(self) -> BakeryContext:
        """The caller's bakery, as the application layer (`core.application`) takes it."""
        return BakeryContext(self.backend, self.tenant_id, self.caller.uid, self.idempotency_key)


class Runtime:
    """Lazily created, reused clients (one per function instance)."""

    def __init__(self) -> None:
        self.verifier = TokenVerifier()
        self._backend: Backend | None = None
        self.backend_factory: Callable[[], Backend] | None = None
        self._photos: PhotoStore | None = None
        self.tasks: TaskQueue | None = None  # None: Cloud Tasks (or its emulator) from the environment

    @property
    def photos(self) -> PhotoStore:
        if self._photos is None:
            from functions.shared.photo_store import CloudStoragePhotoStore

            self._photos = CloudStoragePhotoStore.from_environment()
        return self._photos

    def use_photos(self, store: PhotoStore) -> None:
        self._photos = store

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            if self.backend_factory is None:
                from functions.shared.firestore_backend import FirestoreBackend

                self._backend = FirestoreBackend.from_environment()
            else:
                self._backend = self.backend_factory()
        return self._backend

    def use(self, backend: Backend, verifier: TokenVerifier | None = None) -> None:
        """Point every function at another backend (tests, local tools)."""
        self._backend = backend
        if verifier is not None:
            self.verifier = verifier


RUNTIME = Runtime()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> tuple[str, int, dict[str, str]]:
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json", **(headers or {})}


def _parse(request: Any, model: type[Body] | None) -> Body | None:
    if model is None:
        return None
    raw = request.get_data(cache=False)[: MAX_BODY_BYTES + 1]
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", "the request body is over 10 MiB")
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from exc
    except RecursionError as exc:  # a few thousand nested brackets exhaust the parser's stack
        raise ApiError(400, "invalid_json", "the body is nested too deeply") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic([dict(e) for e in exc.errors()]) from exc


def operation(
    roles: frozenset[str], body: type[Body] | None = None, methods: tuple[str, ...] = ("POST",),
    needs_tenant: bool = True,
) -> Callable[[Callable[[Context, Any], Any]], Callable[[Any], tuple[str, int, dict[str, str]]]]:
    def wrap(run: Callable[[Context, Any], Any]) -> Callable[[Any], tuple[str, int, dict[str, str]]]:
        def answer(request: Any, call: Call) -> tuple[str, int, dict[str, str]]:
            try:
                if request.method not in methods:
                    raise ApiError(405, "method_not_allowed", f"use {' or '.join(methods)}")
                caller = caller_from_header(request.headers.get("Authorization"), RUNTIME.verifier)
                call.uid, call.role = caller.uid, caller.role
                tenant_id = require_role(caller, roles) if needs_tenant else (caller.tenant_id or "")
                call.tenant_id = tenant_id or None
                backend = RUNTIME.backend
                if needs_tenant:
                    _check_membership(backend, tenant_id, caller)
                payload = _parse(request, body)
                key = (request.headers.get("Idempotency-Key") or "").strip() or None
                if key is not None and len(key) > 200:
                    raise ApiError(400, "invalid", "Idempotency-Key is longer than 200 characters", "Idempotency-Key")
                context = Context(caller, tenant_id, backend, key, request)
                spend_on_write(backend, run.__name__, caller.uid)  # before any work: a refused call changes nothing
                for attempt in range(RETRIES):
                    try:
                        return _json(200, run(context, payload))
                    except RetryableConflict:
                        if attempt == RETRIES - 1:
                            raise
                        time.sleep(random.uniform(0, 0.02 * 2**attempt))
                raise AssertionError("unreachable")
            except ApiError as exc:
                return _failed(call, exc)
            except BakeTrackerError as exc:
                return _failed(call, from_core(exc))
            except Exception as exc:  # never leak internals; log them with the request id
                down = unavailable(exc)  # the database cannot be reached: 503 with Retry-After, not 500
                if down is not None:
                    log.warning("operation %s: database unavailable (request %s): %s", run.__name__,
                                call.request_id, exc)
                    return _failed(call, down)
                log.exception("operation %s failed (request %s)", run.__name__, call.request_id)
                return _failed(call, ApiError(500, "internal", "something went wrong on our side"))

        def handler(request: Any) -> tuple[str, int, dict[str, str]]:
            headers = request.headers
            with observed(run.__name__, "http", request_id=_request_id_of(headers),
                          trace=trace_of(headers.get("X-Cloud-Trace-Context") or headers.get("traceparent")),
                          client=(headers.get("X-BakeTracker-Client") or "").strip()[:40] or None) as call:
                text, status, answer_headers = answer(request, call)
                call.status = status
                answer_headers["X-Request-Id"] = call.request_id
                return text, status, answer_headers

        handler.__name__ = run.__name__
        handler.__doc__ = run.__doc__
        return handler

    return wrap


def _request_id_of(headers: Any) -> str | None:
    """A caller's own X-Request-Id is kept when it is a short token (so a client can quote it); else a new one."""
    given = (headers.get("X-Request-Id") or "").strip()
    return given if given and len(given) <= 64 and given.replace("-", "").isalnum() else None


def _failed(call: Call, error: ApiError) -> tuple[str, int, dict[str, str]]:
    """The error as JSON, with the request id to quote (and to find in the logs)."""
    call.error_code = error.code
    body = error.body()
    body["error"]["request_id"] = call.request_id
    return _json(error.status, body, dict(error.headers))


def _check_membership(backend: Backend, tenant_id: str, caller: Caller) -> None:
    """Claims live in the token for up to an hour: a removed member is refused at once anyway."""
    member = backend.member(tenant_id, caller.uid)
    if member is None or not member.active or member.role.value != caller.role:
        raise ApiError(403, "not_a_member", "this account is no longer a member of this bakery in that role")
