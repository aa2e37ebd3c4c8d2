"""One entry point for any desktop file: full export or mobile file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.bakery import Bakery
from core.desktop_format.desktop_import import DesktopImport, import_into
from core.desktop_format.mobile_import import apply_mobile_file, is_mobile_file
from core.desktop_format.problems import ImportProblem


def import_file_into(
    base: Bakery, data: Mapping[str, Any], *, placeholders: bool = True, today: dt.date | None = None
) -> DesktopImport:
    """Merge a desktop export or apply a mobile file; `base` is never changed."""
    if is_mobile_file(data):
        return apply_mobile_file(base, data, today)
    return import_into(base, data, placeholders=placeholders)


def validate_file(data: Mapping[str, Any]) -> list[ImportProblem]:
    """Every problem in a file on its own (a mobile file's UPCs are only checked against a catalog)."""
    return import_file_into(Bakery(), data).problems
