"""What the speech grammar produces: operations in the CLI's shape, with per-field confidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.measures.quantities import as_number

# Confidence levels: said outright, worked out from what was said (arithmetic),
# read from a vague word ("almost empty") or guessed, not said at all. Below 0.6 the review screen flags it.
SAID = 1.0
DERIVED = 0.9
VAGUE = 0.5
GUESSED = 0.5  # a reading the grammar had to guess ("three forty nine" as $3.49, "for bags" as 4 bags)
UNPLACED = 0.3  # a name holding words the grammar could not place in a name
MISSING = 0.0


@dataclass(frozen=True, slots=True)
class Operation:
    """One proposed operation: `add_purchase`, `adjust_inventory` or `create_event`."""

    op: str
    args: dict[str, Any]  # Decimals for numbers; None where a field was not said
    confidence: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "args": _jsonable(self.args)}


@dataclass(frozen=True, slots=True)
class ParsedInput:
    """The operations read from one utterance, and what the baker must still settle."""

    text: str
    kind: str  # "purchase", "inventory", "event" or "unknown"
    operations: list[Operation] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "operations": [op.to_json() for op in self.operations],
            "unresolved": list(self.unresolved),
            "confidence": [dict(op.confidence) for op in self.operations],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return as_number(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
