"""Web push: members' devices opt in (`register_push_token`) and out (`unregister_push_token`); the
notifications themselves (core/notifications.py) are sent through adapters/push_sender.py.

- `receipt_read`: called by `extract_receipt` once a receipt became a proposal, to the uploader's devices;
- `event_reminders`: an HTTP function Cloud Scheduler calls once a day (locally: `/tasks/event_reminders`
  on the gateway, or `send_event_reminders()` from Python), to every opted-in device of each bakery with
  an event three days ahead that is still short of something.

Tokens are stored per member under `tenants/{t}/push_tokens` (server-only in firestore.rules), removed on
unregister (the app calls it before signing out), when the owner removes the member, and when FCM answers
that a token is gone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Literal

from pydantic import Field

from adapters.push_sender import PushMessage, PushResult, PushSender, sender_from_environment
from core.notifications import PushToken, event_reminder, locale_of, receipt_read, reminders_due
from functions.models import Strict
from functions.shared.activity import observed_task
from functions.shared.auth import READERS
from functions.shared.backend import Backend
from functions.shared.operation import RUNTIME, Context, operation

log = logging.getLogger("baketracker.push")
TOKEN_PATTERN = r"^[A-Za-z0-9_:.\-]{16,4096}$"  # FCM registration tokens: URL-safe base64 with ':' and '-'


class RegisterPushTokenRequest(Strict):
    token: str = Field(min_length=16, max_length=4096, pattern=TOKEN_PATTERN, description="the device's FCM token")
    locale: Literal["en", "de"] | None = Field(None, description="the language the device's notifications use")


class UnregisterPushTokenRequest(Strict):
    token: str = Field(min_length=16, max_length=4096, pattern=TOKEN_PATTERN)


_sender: PushSender | None = None


def sender() -> PushSender:
    """The sender for this instance (from the environment, on first use; tests may replace it)."""
    global _sender
    if _sender is None:
        _sender = sender_from_environment()
    return _sender


def use_sender(replacement: PushSender | None) -> None:
    """Tests: another sender, or None to read the environment again."""
    global _sender
    _sender = replacement


@operation(READERS, RegisterPushTokenRequest)
def register_push_token(ctx: Context, body: RegisterPushTokenRequest) -> dict[str, Any]:
    """This device opts in: its FCM token is kept for the caller (any member), server-only."""
    token = PushToken(ctx.caller.uid, body.token, locale_of(body.locale), dt.datetime.now(dt.UTC))
    ctx.backend.save_push_token(ctx.tenant_id, token)
    return {"registered": True, "token_id": token.id}


@operation(READERS, UnregisterPushTokenRequest)
def unregister_push_token(ctx: Context, body: UnregisterPushTokenRequest) -> dict[str, Any]:
    """This device opts out (or signs out): the caller's token is removed; someone else's is left alone."""
    removed = ctx.backend.delete_push_tokens(ctx.tenant_id, ctx.caller.uid, body.token)
    return {"removed": removed > 0}


def deliver(backend: Backend, tenant_id: str, tokens: list[PushToken], notices: dict[str, Any]) -> PushResult:
    """Send each token its notice (by the token's language); drop the tokens FCM says are gone."""
    if not tokens:
        return PushResult()
    messages = [PushMessage(t.token, notices[t.locale] if t.locale in notices else notices["en"]) for t in tokens]
    result = sender().send(messages)
    owners = {t.token: t.uid for t in tokens}
    for gone in result.gone:
        backend.delete_push_tokens(tenant_id, owners[gone], gone)
    if result.gone:
        log.info("removed %d push token(s) FCM no longer knows in %s", len(result.gone), tenant_id)
    return result


def notify_receipt_read(backend: Backend, tenant_id: str, uid: str, count: int, proposal_id: str) -> PushResult:
    """"Receipt read — N items to review" to the devices of the member who uploaded it. Never raises."""
    try:
        tokens = backend.push_tokens(tenant_id, uid)
        notices = {loc: receipt_read(count, proposal_id, loc) for loc in ("en", "de")}
        return deliver(backend, tenant_id, tokens, notices)
    except Exception:
        log.exception("could not push 'receipt read' for %s", proposal_id)
        return PushResult()


def send_event_reminders(backend: Backend, today: dt.date | None = None) -> dict[str, Any]:
    """Every bakery with opted-in devices: its events three days ahead that are still short of something."""
    today = today or dt.datetime.now(dt.UTC).date()
    sent: list[dict[str, Any]] = []
    for tenant_id in backend.push_tenants():
        try:
            due = reminders_due(backend.planning_bakery(tenant_id), today)
            tokens = backend.push_tokens(tenant_id) if due else []
            for event, short in due:
                notices = {loc: event_reminder(event.name, event.slug, short, locale=loc) for loc in ("en", "de")}
                result = deliver(backend, tenant_id, tokens, notices)
                tokens = [t for t in tokens if t.token not in result.gone]
                sent.append({"tenant_id": tenant_id, "event": event.slug, "short": short, "devices": len(result.sent)})
        except Exception:  # one bakery's trouble never stops the others' reminders
            log.exception("event reminders failed for %s", tenant_id)
    return {"date": today.isoformat(), "reminders": sent}


def _from_scheduler(request: Any) -> bool:
    """Cloud Scheduler sets X-CloudScheduler: true. In production the function also sits behind IAM (no public
    invoker; the job's OIDC token is checked there), as extract_receipt does."""
    return bool(request.headers.get("X-CloudScheduler", "").lower() == "true")


@observed_task
def event_reminders(request: Any) -> tuple[str, int, dict[str, str]]:
    """Cloud Scheduler, once a day: push the reminders for events three days ahead. `?date=YYYY-MM-DD` (tests)
    counts from another day."""
    headers = {"Content-Type": "application/json"}
    if not _from_scheduler(request):
        return json.dumps({"error": {"code": "forbidden", "message": "only Cloud Scheduler may call this",
                                     "field": None}}), 403, headers
    day = request.args.get("date") if hasattr(request, "args") else None
    try:
        today = dt.date.fromisoformat(day) if day else None
    except ValueError:
        return json.dumps({"error": {"code": "invalid", "message": "date must be YYYY-MM-DD", "field": "date"}}), \
            400, headers
    return json.dumps(send_event_reminders(RUNTIME.backend, today), ensure_ascii=False), 200, headers

