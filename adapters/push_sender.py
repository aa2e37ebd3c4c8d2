"""Web push through Firebase Cloud Messaging, sent with firebase-admin (`messaging.send_each`).

Which sender the functions get (`sender_from_environment`):

- `BAKETRACKER_FCM_URL` set (tests, a local stand-in): firebase-admin's own messaging client, with the
  FCM v1 endpoint's origin replaced by that URL (`<url>/v1/projects/<project>/messages:send`) and a
  credential that hands out a fixed access token, so nothing ever calls Google (no token exchange either).
- otherwise, on the emulators (`FIRESTORE_EMULATOR_HOST` set) or with `BAKETRACKER_PUSH=off`: no push is
  configured, and sending is a logged no-op;
- otherwise (deployed): firebase-admin with the function's default credentials and the real endpoint.

A token FCM answers as unregistered (404 `UNREGISTERED`) or invalid (400 `INVALID_ARGUMENT` naming the
token) is reported in `PushResult.gone`, and the caller removes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.notifications import Notice

log = logging.getLogger("baketracker.push")
FCM_SEND_PATH = "/v1/projects/{project}/messages:send"
FIXED_TOKEN = "local-stand-in-token"  # what the stand-in credential hands out: never a Google token


@dataclass(frozen=True, slots=True)
class PushMessage:
    token: str
    notice: Notice


@dataclass(slots=True)
class PushResult:
    sent: list[str] = field(default_factory=list)  # tokens FCM accepted
    gone: list[str] = field(default_factory=list)  # tokens FCM no longer knows: remove them
    failed: list[str] = field(default_factory=list)  # other errors (kept; logged)


class PushSender(Protocol):
    def send(self, messages: list[PushMessage]) -> PushResult: ...


class NoPush:
    """No FCM configured (the local stack): what would have been sent is logged, nothing else."""

    def send(self, messages: list[PushMessage]) -> PushResult:
        for m in messages:
            log.info("push not configured; not sending %r to a device", m.notice.title)
        return PushResult()


def _fixed_credential() -> Any:
    """A firebase-admin credential whose access token is fixed and never refreshed (no Google call)."""
    import google.auth.credentials
    from firebase_admin import credentials

    class FixedToken(google.auth.credentials.Credentials):
        def __init__(self) -> None:
            super().__init__()
            self.token = FIXED_TOKEN
            self.expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=3650)

        def refresh(self, request: Any) -> None:
            self.token = FIXED_TOKEN

    class FixedTokenCredential(credentials.Base):  # type: ignore[misc]
        def get_credential(self) -> Any:
            return FixedToken()

    return FixedTokenCredential()


def _message(m: PushMessage) -> Any:
    from firebase_admin import messaging

    n = m.notice
    with warnings.catch_warnings():
        # firebase-admin 7.7 prefers installation ids (`fid`); the web SDK's getToken gives a registration
        # token, which FCM's v1 API still takes as `token`.
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        return _built(m, n, messaging)


def _built(m: PushMessage, n: Notice, messaging: Any) -> Any:
    return messaging.Message(
        token=m.token,
        notification=messaging.Notification(title=n.title, body=n.body),
        data={"link": n.link, "tag": n.tag},
        webpush=messaging.WebpushConfig(
            notification=messaging.WebpushNotification(title=n.title, body=n.body, tag=n.tag,
                                                       icon="/icons/icon-192.png"),
            fcm_options=messaging.WebpushFCMOptions(link=n.link) if n.link.startswith("https://") else None,
        ),
    )


def _is_gone(exc: BaseException | None) -> bool:
    from firebase_admin import exceptions, messaging

    if isinstance(exc, messaging.UnregisteredError):
        return True
    # An invalid token: 400 INVALID_ARGUMENT about the token (other invalid arguments are our bug, kept).
    return isinstance(exc, exceptions.InvalidArgumentError) and "token" in str(exc).lower()


class FcmSender:
    """firebase-admin's messaging client; with `url`, its endpoint is that stand-in and its credential fixed."""

    def __init__(self, project: str, url: str | None = None) -> None:
        import firebase_admin

        self.project = project
        self.url = url.rstrip("/") if url else None
        name = f"baketracker-push-{'stand-in' if url else 'fcm'}"
        try:
            self.app = firebase_admin.get_app(name)
        except ValueError:
            credential = _fixed_credential() if url else None
            self.app = firebase_admin.initialize_app(credential, options={"projectId": project}, name=name)

    def _service(self) -> Any:
        from firebase_admin import messaging

        service = messaging._get_messaging_service(self.app)
        if self.url:
            # firebase-admin builds the v1 URL from a constant; a stand-in replaces its origin.
            path = FCM_SEND_PATH.format(project=self.project)
            service._fcm_url = self.url if self.url.endswith(":send") else self.url + path
        return service

    def send(self, messages: list[PushMessage]) -> PushResult:
        from firebase_admin import messaging

        result = PushResult()
        for start in range(0, len(messages), 500):  # send_each takes at most 500
            chunk = messages[start:start + 500]
            self._service()
            batch = messaging.send_each([_message(m) for m in chunk], app=self.app)
            for m, answer in zip(chunk, batch.responses, strict=True):
                if answer.success:
                    result.sent.append(m.token)
                elif _is_gone(answer.exception):
                    result.gone.append(m.token)
                else:
                    result.failed.append(m.token)
                    log.warning("push to a device failed: %s", answer.exception)
        return result


def sender_from_environment() -> PushSender:
    project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-baketracker"
    url = os.environ.get("BAKETRACKER_FCM_URL", "").strip()
    if url:
        return FcmSender(project, url)
    if os.environ.get("BAKETRACKER_PUSH", "").lower() == "off" or os.environ.get("FIRESTORE_EMULATOR_HOST"):
        return NoPush()
    return FcmSender(project)
