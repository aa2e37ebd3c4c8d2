"""Exact-field accuracy of parsed operations against expected ones (corpus tests and the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

_CENT = Decimal("0.01")


@dataclass(slots=True)
class FieldScore:
    correct: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, other: FieldScore) -> None:
        self.correct += other.correct
        self.total += other.total
        self.wrong.extend(other.wrong)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


def same_value(expected: Any, actual: Any) -> bool:
    """Numbers equal to the cent; text equal ignoring case; None only equals None."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, int | float | Decimal) and not isinstance(expected, bool):
        if not isinstance(actual, int | float | Decimal) or isinstance(actual, bool):
            return False
        return Decimal(str(expected)).quantize(_CENT) == Decimal(str(actual)).quantize(_CENT)
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.strip().lower() == actual.strip().lower()
    return bool(expected == actual)


def _fields(op: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, value) for every field of an expected or actual operation, event items flattened."""
    out: list[tuple[str, Any]] = []
    for key, value in op.get("args", {}).items():
        if key == "items" and isinstance(value, list):
            for k, item in enumerate(value):
                for ikey, ivalue in item.items():
                    out.append((f"items[{k}].{ikey}", ivalue))
        else:
            out.append((key, value))
    return out


def score_operations(expected: list[dict[str, Any]], actual: list[dict[str, Any]], label: str = "") -> FieldScore:
    """Count expected fields the actual operations got exactly right; extra operations count as wrong."""
    score = FieldScore()
    for k, exp in enumerate(expected):
        got = actual[k] if k < len(actual) else None
        fields = _fields(exp)
        if got is None or got.get("op") != exp.get("op"):
            score.total += len(fields)
            score.wrong.append(f"{label} op[{k}]: expected {exp.get('op')}, got {got and got.get('op')}")
            continue
        got_fields = dict(_fields(got))
        for path, value in fields:
            score.total += 1
            if same_value(value, got_fields.get(path)):
                score.correct += 1
            else:
                score.wrong.append(f"{label} op[{k}].{path}: expected {value!r}, got {got_fields.get(path)!r}")
    for k in range(len(expected), len(actual)):
        extra = len(_fields(actual[k]))
        score.total += extra
        score.wrong.append(f"{label} op[{k}]: unexpected {actual[k].get('op')}")
    return score
