"""Functions against the in-memory backend, with tokens shaped like the Auth emulator's."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from functions.shared.auth import TokenVerifier
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore


def unsigned_token(claims: dict[str, Any]) -> str:
    """An `alg: none` JWT, as the Auth emulator issues; only the test verifier accepts it."""
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


class UnsignedTokenVerifier(TokenVerifier):
    def claims(self, token: str) -> dict[str, Any]:
        payload = token.split(".")[1]
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if decoded.get("expired"):
            raise ValueError("token expired")
        return decoded


@pytest.fixture
def backend() -> Iterator[MemoryBackend]:
    memory = MemoryBackend()
    previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos
    RUNTIME.use(memory, UnsignedTokenVerifier())
    RUNTIME.use_photos(MemoryPhotoStore())  # never the real bucket from a unit test
    yield memory
    RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos = previous


Call = Callable[..., tuple[int, dict[str, Any]]]


def call(handler: Callable[[Request], tuple[str, int, dict[str, str]]], body: Any = None, *,
         claims: dict[str, Any] | None = None, method: str = "POST", raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    headers = dict(headers or {})
    if claims is not None:
        headers["Authorization"] = f"Bearer {unsigned_token(claims)}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    request = Request(EnvironBuilder(method=method, headers=headers, data=data,
                                     content_type="application/json").get_environ())
    text, status, _ = handler(request)
    return status, json.loads(text)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Which answer tenant B's owner got for each operation aimed at tenant A's ids."""
    from tests.functions import test_access_matrix as access
    from tests.functions import test_tenant_isolation as matrix

    if access.TABLE:
        terminalreporter.section("access matrix (functions): every operation x every caller who must be refused")
        width = max(len(op) for op in access.TABLE) + 2
        widths = [max(len(c), *(len(row.get(c, "-")) for row in access.TABLE.values())) for c in access.COLUMNS]
        terminalreporter.write_line("operation".ljust(width) + " | ".join(
            c.ljust(w) for c, w in zip(access.COLUMNS, widths, strict=True)))
        for op, row in sorted(access.TABLE.items()):
            cells = [row.get(c, "-").ljust(w) for c, w in zip(access.COLUMNS, widths, strict=True)]
            terminalreporter.write_line(op.ljust(width) + " | ".join(cells))
        denied = sum(1 for row in access.TABLE.values() for v in row.values() if v.isdigit())
        total = sum(len(row) for row in access.TABLE.values())
        terminalreporter.write_line(f"{denied} of {total} cells refused with a 4xx; the rest are allowed by design "
                                    "and act only on the caller's own bakery; bakery A unchanged in every cell")

    if matrix.RESULTS:
        terminalreporter.section("isolation matrix (functions, tenant B acting on tenant A's ids)")
        for op, status in sorted(matrix.RESULTS.items()):
            terminalreporter.write_line(f"{op:<24} HTTP {status}  (tenant A unchanged, nothing of A in the answer)")
