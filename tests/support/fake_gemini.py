"""A local stand-in for Gemini's REST API (`POST /v1beta/models/<model>:generateContent`).

It answers from a script of responses (recorded ones in `tests/support/gemini_recordings/`, or made up in a
test), in order, and records every request it receives so tests can check what was sent: the API key header,
the prompt, the response schema, inline image data.

    with FakeGemini() as fake:
        fake.enqueue(FakeResponse.from_recording("voice_purchase"))
        extractor = GeminiExtractor("test-key", base_url=fake.base_url)
        ...
        assert fake.requests[0].headers["x-goog-api-key"] == "test-key"
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

RECORDINGS_DIR = Path(__file__).resolve().parent / "gemini_recordings"
_PATH = re.compile(r"^/(?P<version>v1(?:beta|alpha)?)/models/(?P<model>[^/:]+):generateContent$")


@dataclass(frozen=True, slots=True)
class FakeResponse:
    """One scripted answer: a status, a body (bytes, sent as is), and how long to wait before answering."""

    status: int = 200
    body: bytes = b""
    delay_s: float = 0.0
    content_type: str = "application/json; charset=UTF-8"

    @staticmethod
    def json(payload: Any, status: int = 200, delay_s: float = 0.0) -> FakeResponse:
        return FakeResponse(status, json.dumps(payload).encode("utf-8"), delay_s)

    @staticmethod
    def model_text(text: str, finish_reason: str = "STOP", delay_s: float = 0.0,
                   model_version: str = "gemini-2.5-flash") -> FakeResponse:
        """Gemini's envelope around one text part (what structured output answers look like)."""
        return FakeResponse.json(envelope(text, finish_reason, model_version), delay_s=delay_s)

    @staticmethod
    def model_json(answer: Any, finish_reason: str = "STOP", delay_s: float = 0.0) -> FakeResponse:
        return FakeResponse.model_text(json.dumps(answer), finish_reason, delay_s)

    @staticmethod
    def from_recording(name: str, delay_s: float | None = None) -> FakeResponse:
        """A recording: `{"status", "body"}` (a JSON body), `{"status", "raw_body"}` (sent as is), or
        `{"repeat": {"count", "operation"}}` (an answer of `count` copies of one operation, built here so a
        huge answer need not be stored)."""
        data = load_recording(name)
        status = int(data.get("status", 200))
        wait = float(data.get("delay_s", 0.0)) if delay_s is None else delay_s
        if "raw_body" in data:
            return FakeResponse(status, str(data["raw_body"]).encode("utf-8"), wait,
                                str(data.get("content_type", "text/plain; charset=UTF-8")))
        if "repeat" in data:
            repeat = data["repeat"]
            answer = {"operations": [repeat["operation"]] * int(repeat["count"]), "unresolved": []}
            return FakeResponse.model_json(answer, delay_s=wait)
        return FakeResponse.json(data["body"], status, wait)


def envelope(text: str, finish_reason: str = "STOP", model_version: str = "gemini-2.5-flash") -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": finish_reason, "index": 0}
        ],
        "usageMetadata": {"promptTokenCount": 212, "candidatesTokenCount": max(1, len(text) // 4),
                          "totalTokenCount": 212 + max(1, len(text) // 4)},
        "modelVersion": model_version,
        "responseId": "fake-response",
    }


def load_recording(name: str) -> dict[str, Any]:
    path = RECORDINGS_DIR / (name if name.endswith(".json") else f"{name}.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def recorded_answer(name: str) -> Any:
    """The model's JSON answer inside a recording (the first candidate's text, parsed)."""
    body = load_recording(name)["body"]
    return json.loads(body["candidates"][0]["content"]["parts"][0]["text"])


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    model: str | None

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def texts(self) -> list[str]:
        """Every text part of the request's contents."""
        return [part["text"] for content in self.json.get("contents", []) for part in content.get("parts", [])
                if "text" in part]

    def inline_data(self) -> list[dict[str, str]]:
        return [part["inlineData"] for content in self.json.get("contents", []) for part in content.get("parts", [])
                if "inlineData" in part]

    def system_instruction(self) -> str:
        parts = (self.json.get("systemInstruction") or {}).get("parts", [])
        return "".join(str(part.get("text", "")) for part in parts)


@dataclass
class _State:
    script: deque[FakeResponse] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closing: threading.Event = field(default_factory=threading.Event)


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet tests

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            match = _PATH.match(path)
            with state.lock:
                state.requests.append(RecordedRequest(
                    "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                    match.group("model") if match else None,
                ))
                scripted = state.script.popleft() if state.script and match else None
            if match is None:
                self._send(FakeResponse.json({"error": {"code": 404, "message": f"no route {path}",
                                                        "status": "NOT_FOUND"}}, status=404))
                return
            if scripted is None:
                self._send(FakeResponse.json({"error": {"code": 500, "message": "fake Gemini: nothing scripted",
                                                        "status": "INTERNAL"}}, status=500))
                return
            if scripted.delay_s > 0 and state.closing.wait(scripted.delay_s):
                return  # shutting down: drop the connection
            self._send(scripted)

        def do_GET(self) -> None:
            self._send(FakeResponse.json({"error": {"code": 404, "message": "fake Gemini answers POST only",
                                                    "status": "NOT_FOUND"}}, status=404))

        def _send(self, response: FakeResponse) -> None:
            try:
                self.send_response(response.status, HTTPStatus(response.status).phrase
                                   if response.status in HTTPStatus._value2member_map_ else "")
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


class FakeGemini:
    """The fake server, on 127.0.0.1 and a free port, in a background thread. Use as a context manager."""

    def __init__(self) -> None:
        self._state = _State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self._state))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-gemini", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def pending(self) -> int:
        with self._state.lock:
            return len(self._state.script)

    def enqueue(self, *responses: FakeResponse) -> FakeGemini:
        with self._state.lock:
            self._state.script.extend(responses)
        return self

    def start(self) -> FakeGemini:
        self._thread.start()
        return self

    def close(self) -> None:
        self._state.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
