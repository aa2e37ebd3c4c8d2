"""Errors as JSON with a stable code, the field and the reason."""

from __future__ import annotations

from typing import Any

from core.errors import BakeTrackerError, ProblemsError
from core.stock.fifo import ShortOfStockError

# Core error codes → HTTP status. Anything not listed is a 400 (bad input).
STATUS_BY_CODE = {
    "not_found": 404,
    "conflict": 409,
    "insufficient_stock": 409,
    "cycle": 400,
    "unknown_unit": 400,
    "impossible_conversion": 400,
    "invalid": 400,
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or {}
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def from_core(exc: BakeTrackerError) -> ApiError:
    if isinstance(exc, ShortOfStockError):
        return short_of_stock(exc)
    if isinstance(exc, ProblemsError):  # every problem of a file or of records to save
        return ApiError(400, exc.code, exc.message, exc.field, list(exc.problems))
    return ApiError(STATUS_BY_CODE.get(exc.code, 400), exc.code, exc.message, exc.field)


def short_of_stock(exc: ShortOfStockError) -> ApiError:
    """409 insufficient_stock whose `details` list every shortage, so a client can buy what is short:
    `{ingredient, needed, on_hand, short, unit}` (assembly names its finished units, goods and packaging
    `item`), quantities in `unit` (a UN/CEFACT code, the unit asked for)."""
    from core.application.stock import shortage_details

    return ApiError(STATUS_BY_CODE[exc.code], exc.code, exc.message, exc.field, shortage_details(exc))


def from_pydantic(errors: list[dict[str, Any]]) -> ApiError:
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ())) or None, "reason": e.get("msg", "invalid")}
        for e in errors
    ]
    first = details[0] if details else {"field": None, "reason": "invalid request"}
    return ApiError(400, "invalid", f"{first['field']}: {first['reason']}" if first["field"] else first["reason"],
                    first["field"], details)


def not_found(what: str, field: str | None = None) -> ApiError:
    """Also the answer for another tenant's ids: never reveal that they exist."""
    return ApiError(404, "not_found", f"no {what}", field)


RETRY_AFTER_SECONDS = 5
# The Firestore client's "cannot reach the database" errors (google.api_core.exceptions), and gRPC's status codes.
UNREACHABLE = frozenset({"ServiceUnavailable", "DeadlineExceeded", "RetryError"})
UNREACHABLE_GRPC = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED"})


def unavailable(exc: BaseException) -> ApiError | None:
    """503 `unavailable` with a Retry-After when `exc` (or what caused it) says the database cannot be reached.

    Nothing was acknowledged: the caller may send the same request again (with its Idempotency-Key, a write that
    did reach the database before the answer was lost is answered, not repeated)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names = {cls.__name__ for cls in type(current).__mro__}
        code = getattr(current, "code", None)  # gRPC's errors: a method giving a StatusCode
        grpc_code = getattr(code(), "name", None) if "RpcError" in names and callable(code) else None
        if names & UNREACHABLE or grpc_code in UNREACHABLE_GRPC:
            return ApiError(503, "unavailable", "the bakery's data cannot be reached just now; nothing was saved "
                            "by this answer: try again in a few seconds", None,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        current = current.__cause__ or current.__context__
    return None
