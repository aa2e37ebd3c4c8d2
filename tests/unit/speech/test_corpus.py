"""The speech corpus: per-case checks on a core subset, and overall exact-field accuracy >= 95%."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from core.speech.accuracy import FieldScore, score_operations
from core.speech.parse import parse_utterance

CORPUS: list[dict[str, Any]] = json.loads((Path(__file__).parent / "corpus.json").read_text(encoding="utf-8"))["cases"]
CORE_SUBSET = [
    "I bought two pounds of flour at Costco for $8",
    "two 5 lb bags of King Arthur flour, $4.99 each",
    "two pounds of butter and a dozen eggs at Costco for $14",
    "got 3 lbs of butter at 3.49 a pound at Trader Joe's",
    "butter is half gone",
    "flour bag about 40% full",
    "we're out of sugar",
    "the brown sugar has a quarter left",
    "bake sale on December 12th: 10 dozen sugar cookies and 4 pans of brownies",
    "10 dozen sugar cookies for the church bazaar on the 5th of December",
]


def _case(text: str) -> dict[str, Any]:
    return next(c for c in CORPUS if c["text"] == text)


def _score(case: dict[str, Any]) -> FieldScore:
    parsed = parse_utterance(case["text"], dt.date.fromisoformat(case["today"]))
    return score_operations(case["operations"], parsed.to_json()["operations"], case["text"])


def test_the_corpus_has_at_least_150_phrasings_of_every_kind() -> None:
    kinds = {c["kind"] for c in CORPUS}
    assert len(CORPUS) >= 150
    assert kinds == {"purchase", "inventory", "event"}
    assert len({c["text"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("text", CORE_SUBSET)
def test_core_phrasings_are_read_exactly(text: str) -> None:
    score = _score(_case(text))
    assert score.correct == score.total, score.wrong


def test_overall_exact_field_accuracy_is_at_least_95_percent() -> None:
    total = FieldScore()
    for case in CORPUS:
        total.add(_score(case))
    assert total.accuracy >= 0.95, total.wrong[:20]


def test_every_kind_is_classified_as_the_corpus_says() -> None:
    wrong = [
        c["text"] for c in CORPUS
        if parse_utterance(c["text"], dt.date.fromisoformat(c["today"])).kind != c["kind"]
    ]
    assert len(wrong) <= len(CORPUS) * 0.03, wrong
