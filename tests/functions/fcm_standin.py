"""A local stand-in for FCM's HTTP v1 send endpoint (`POST /v1/projects/{p}/messages:send`).

It records every message (with the Authorization header it came with) and answers as FCM does: the
message's name, or for a token listed in `unregistered` a 404 with the FcmError `UNREGISTERED`, for one in
`invalid` a 400 `INVALID_ARGUMENT` about the registration token. Point
adapters/push_sender.py at it with BAKETRACKER_FCM_URL=<standin.url>; no call leaves the machine.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEND = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")


class FcmStandIn:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []  # {"project", "authorization", "message"}
        self.unregistered: set[str] = set()
        self.invalid: set[str] = set()  # answered 400 INVALID_ARGUMENT, as FCM answers a malformed token
        self.failing: set[str] = set()  # answered 500 INTERNAL (FCM's trouble, not the token's)
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                match = SEND.match(self.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if match is None:
                    return self._answer(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
                message = body.get("message", {})
                with standin.lock:
                    standin.received.append({"project": match["project"], "message": message,
                                             "authorization": self.headers.get("Authorization", "")})
                if message.get("token") in standin.unregistered:
                    return self._answer(404, {"error": {
                        "code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                        "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                     "errorCode": "UNREGISTERED"}]}})
                if message.get("token") in standin.failing:
                    return self._answer(500, {"error": {"code": 500, "message": "Internal error.",
                                                        "status": "INTERNAL"}})
                if message.get("token") in standin.invalid:
                    return self._answer(400, {"error": {
                        "code": 400, "message": "The registration token is not a valid FCM registration token",
                        "status": "INVALID_ARGUMENT",
                        "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                     "errorCode": "INVALID_ARGUMENT"}]}})
                n = len(standin.received)
                return self._answer(200, {"name": f"projects/{match['project']}/messages/{n}"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def messages_to(self, token: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r["message"] for r in self.received if r["message"].get("token") == token]


@contextmanager
def fcm_standin() -> Iterator[FcmStandIn]:
    standin = FcmStandIn()
    standin.thread.start()
    try:
        yield standin
    finally:
        standin.server.shutdown()
        standin.server.server_close()
