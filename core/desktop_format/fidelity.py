"""Which values of a desktop file an export no longer carries (section, index, field).

`lost_values(original, exported)` pairs each record of the original with the record
of the export that shares the most values (slugs, ids and names first), then lists
every field whose value is missing or different. Numbers compare as numbers
(`2`, `2.0` and `"2.00"` are one value); nested records (a recipe's ingredients,
components and finished units) are paired the same way. A null or empty value in
the original is only lost when the export has another (scalar) value for it; an empty
list the import fills (a recipe's default finished unit) loses nothing. A section of
plain values (not records) must keep each of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# Header fields that describe the file, not the bakery: an export is a new file.
HEADER_FIELDS = frozenset({"version", "exported_at", "application"})
# Fields that identify a record, tried first when pairing records.
IDENTITY_FIELDS = ("slug", "uuid", "id", "name", "display_name")


@dataclass(frozen=True, slots=True)
class LostValue:
    section: str
    index: int
    field: str  # a dotted path inside the record: "finished_units[1].batch_percentage"
    value: Any
    found: Any

    def __str__(self) -> str:
        return f"{self.section}[{self.index}].{self.field}: {self.value!r} (export has {self.found!r})"


_MISSING = object()


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _empty(value: Any) -> bool:
    return value is None or value is _MISSING or value == "" or value == [] or value == {}


def same_value(a: Any, b: Any) -> bool:
    """Equal as values: numbers as numbers, records field by field, lists in order."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return not _record_losses(a, b, "")
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None and (not isinstance(a, str) or not isinstance(b, str)):
        return na == nb
    return bool(a == b)


def _score(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    score = 0
    for key, value in a.items():
        if key in b and not _empty(value) and not isinstance(value, Mapping | list) and same_value(value, b[key]):
            score += 3 if key in IDENTITY_FIELDS else 1
    return score


def _pair(originals: Sequence[Any], exported: Sequence[Any]) -> list[Any]:
    """For each original record, the exported record it corresponds to (or _MISSING)."""
    rows = [row for row in exported if isinstance(row, Mapping)]
    by_identity: dict[tuple[str, str], list[int]] = {}
    for j, row in enumerate(rows):
        for key in IDENTITY_FIELDS:
            value = row.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
                by_identity.setdefault((key, str(value)), []).append(j)
    used: set[int] = set()
    result: list[Any] = []
    for original in originals:
        if not isinstance(original, Mapping):
            result.append(_MISSING)
            continue
        candidates: list[int] = []
        for key in IDENTITY_FIELDS:
            value = original.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
                candidates = [j for j in by_identity.get((key, str(value)), []) if j not in used]
                if candidates:
                    break
        if not candidates:
            candidates = [j for j in range(len(rows)) if j not in used]
        if not candidates:
            result.append(_MISSING)
            continue
        best = max(candidates, key=lambda j: (_score(original, rows[j]), -j))
        used.add(best)
        result.append(rows[best])
    return result


def _record_losses(original: Mapping[str, Any], exported: Mapping[str, Any], prefix: str) -> list[tuple[str, Any, Any]]:
    losses: list[tuple[str, Any, Any]] = []
    for key, value in original.items():
        path = f"{prefix}{key}"
        found = exported.get(key, _MISSING)
        if _empty(value):  # a null replaced by a value is lost; an empty list filled (a default) is not
            if not isinstance(value, list | dict) and not _empty(found) and not isinstance(found, list | dict):
                losses.append((path, value, found))
            continue
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value) and isinstance(found, list):
            for j, (inner, match) in enumerate(zip(value, _pair(value, found), strict=True)):
                if match is _MISSING:
                    losses.append((f"{path}[{j}]", inner, None))
                else:
                    losses += _record_losses(inner, match, f"{path}[{j}].")
            continue
        if isinstance(value, Mapping) and isinstance(found, Mapping):
            losses += _record_losses(value, found, f"{path}.")
            continue
        if found is _MISSING or not same_value(value, found):
            losses.append((path, value, None if found is _MISSING else found))
    return losses


def lost_values(original: Mapping[str, Any], exported: Mapping[str, Any]) -> list[LostValue]:
    """Every value of `original` that `exported` does not carry, by section, record index and field."""
    lost: list[LostValue] = []
    for section, records in original.items():
        if section in HEADER_FIELDS:
            continue
        found = exported.get(section, _MISSING)
        if not isinstance(records, list):
            if found is _MISSING or not same_value(records, found):
                lost.append(LostValue(section, 0, "", records, None if found is _MISSING else found))
            continue
        if not isinstance(found, list):
            found = []
        if not all(isinstance(record, Mapping) for record in records):
            remaining = list(found)
            for i, record in enumerate(records):
                hit = next((j for j, other in enumerate(remaining) if same_value(record, other)), None)
                if hit is None:
                    lost.append(LostValue(section, i, "", record, None))
                else:
                    remaining.pop(hit)
            continue
        for i, (record, match) in enumerate(zip(records, _pair(records, found), strict=True)):
            if match is _MISSING:
                lost.append(LostValue(section, i, "", record, None))
            elif isinstance(record, Mapping):
                losses = _record_losses(record, match, "")
                lost += [LostValue(section, i, path, value, got) for path, value, got in losses]
    return lost
