"""A file's own spelling of a value, written back while it still means the same thing.

The import reads `"count"`, `"2025-12-20T14:30:00Z"`, `"toasted_almond_sablés"` or
`num_batches` into the model's own forms (each, an aware date-time, a recipe slug,
`batches`). So that an export gives back what it read, the import keeps the file's
text in the record's `extra` under the field's own name when it differs from what
the export would write; the export writes it again only while it is equivalent to
the current value (the same unit, the same moment, a name of the same thing, the
same number), so a value changed since is never hidden by a stale spelling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.desktop_format.slugs import match_keys
from core.errors import UnknownUnitError
from core.measures.quantities import to_quantity
from core.measures.units import parse_unit


def _unit_code(text: str) -> str | None:
    try:
        return parse_unit(text).code
    except (UnknownUnitError, KeyError, ValueError):
        return None


def _moment(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return to_quantity(value)
    except (ValueError, ArithmeticError):
        return None


def equivalent(original: Any, current: Any) -> bool:
    """Whether `original` (as the file wrote it) still says what `current` (as the export writes it) says."""
    if original == current:
        return True
    if original is None or current is None or isinstance(original, bool) or isinstance(current, bool):
        return False
    if not isinstance(original, str) or not isinstance(current, str):
        a, b = _number(original), _number(current)
        return a is not None and b is not None and a == b
    a_code, b_code = _unit_code(original), _unit_code(current)
    if a_code is not None and b_code is not None:
        return a_code == b_code
    a_moment, b_moment = _moment(original), _moment(current)
    if a_moment is not None and b_moment is not None:
        if len(current.strip()) == 10 or len(original.strip()) == 10:  # a date against a date-time: the day
            return original.strip()[:10] == current.strip()[:10]
        return a_moment == b_moment
    return bool(match_keys(original) & match_keys(current))


def spelled(original: Any, current: Any, *also: Any) -> Any:
    """`original` when it is equivalent to `current` (or to another name of the same thing), else `current`."""
    if original is None:
        return current
    if any(equivalent(original, value) for value in (current, *also) if value is not None):
        return original
    return current


def keep(extra: dict[str, Any], record: Mapping[str, Any], field: str, written: Any) -> None:
    """Remember the file's `field` in `extra` when the export would write something else (`written`)."""
    value = record.get(field)
    if value is not None and value != written:
        extra[field] = value


def respell(row: dict[str, Any], extra: Mapping[str, Any], *fields: str, **aliases: str) -> dict[str, Any]:
    """Write back the file's spelling of `fields`, and refresh every alias (`num_batches="batches"`) the file used."""
    for name in fields:
        if name in extra and name in row:
            row[name] = spelled(extra[name], row[name])
    for alias, name in aliases.items():
        if alias in extra:
            row[alias] = spelled(extra[alias], row.get(name))
    return row
