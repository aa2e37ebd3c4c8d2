"""Shared test helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def fixtures_dir() -> Path:
    """The desktop fixtures shipped beside the repository in ../shared/fixtures."""
    return (REPO_ROOT.parent / "shared" / "fixtures").resolve()


def load_fixture(relative: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures_dir() / relative).read_text(encoding="utf-8"))
    return data
