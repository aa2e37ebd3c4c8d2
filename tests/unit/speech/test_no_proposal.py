"""Every sentence of the frozen no-proposal sets gives no proposal offline, through the path the functions use
(the language check, then the grammar). The sets are read, never edited."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from core.speech.language import guess_language
from core.speech.parse import parse_utterance

HELDOUT = Path(__file__).with_name("heldout")
CASES: list[dict[str, Any]] = [
    case for path in sorted(HELDOUT.glob("no_proposal_round*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]
TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("text", [c["text"] for c in CASES])
def test_no_proposal_offline(text: str) -> None:
    if guess_language(text).code != "en":
        return  # refused as another language (language_not_supported) before the grammar runs
    parsed = parse_utterance(text, TODAY)
    assert parsed.operations == [], parsed.to_json()
    assert parsed.unresolved, "a sentence not understood says why"


def test_the_sets_are_there() -> None:
    assert len(CASES) >= 49
