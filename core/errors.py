"""Domain errors. Each names what is wrong and where, so callers can show it as is."""

from __future__ import annotations


class BakeTrackerError(Exception):
    """Base of every error the core raises on purpose."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownUnitError(BakeTrackerError):
    code = "unknown_unit"


class ConversionError(BakeTrackerError):
    code = "impossible_conversion"


class NotFoundError(BakeTrackerError):
    code = "not_found"


class CycleError(BakeTrackerError):
    code = "cycle"


class InsufficientStockError(BakeTrackerError):
    code = "insufficient_stock"


class ConflictError(BakeTrackerError):
    code = "conflict"


class ValidationError(BakeTrackerError):
    code = "invalid"


class ProblemsError(ValidationError):
    """Bad records (a file, or records to save): every problem, each with entity, index, field and reason."""

    def __init__(self, message: str, problems: list[dict[str, object]], *, code: str = "invalid_file",
                 field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code
        self.problems = problems


class RetryableConflict(ConflictError):
    """A concurrent change got in first; running the same operation again is safe."""

    code = "conflict"
