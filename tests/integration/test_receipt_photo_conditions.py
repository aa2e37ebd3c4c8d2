"""Offline receipt OCR on receipts as phones take them: one photo per condition (at an angle, crumpled,
faded, in low light, under a shadow), from US, UK and continental shops, read end to end.

Needs the Tesseract CLI (scripts/install.sh installs it); without it this module fails loudly.
"""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.receipt_ocr import extract_receipt, tesseract_available
from tests.support.receipt_images import CONDITIONS, LOCALES, Score, harder_receipt, harder_spec, score_lines

if not tesseract_available():
    pytest.fail(
        "Tesseract OCR is not installed: run scripts/install.sh "
        "(apt-get install -y tesseract-ocr tesseract-ocr-eng); receipt OCR cannot be tested",
        pytrace=False,
    )

TODAY = dt.date(2026, 12, 31)
FIRST_SEED = 31000  # not the benchmark's range


def _seed(condition: str, locale: str) -> int:
    """The first seed from FIRST_SEED photographed in that condition, from that locale."""
    return next(seed for seed in range(FIRST_SEED, FIRST_SEED + 18)
                if harder_spec(seed).condition == condition and harder_spec(seed).locale == locale)


# each condition once, the locales taking turns
CASES = [(condition, LOCALES[k % len(LOCALES)]) for k, condition in enumerate(CONDITIONS)]
SCORES: dict[str, Score] = {}


@pytest.mark.parametrize(("condition", "locale"), CASES, ids=[f"{c}-{loc}" for c, loc in CASES])
def test_a_photo_in_each_condition_gives_most_of_its_lines(condition: str, locale: str) -> None:
    receipt = harder_receipt(_seed(condition, locale))
    assert (receipt.condition, receipt.locale) == (condition, locale)
    reading = extract_receipt(receipt.data, TODAY)
    score = score_lines(receipt.expected, reading)
    SCORES[condition] = score
    got = [(line.item_name, str(line.quantity), line.unit, str(line.price)) for line in reading.lines]
    assert score.recall > 0.5, (condition, locale, score, got, reading.notes)
    for op in reading.operations():
        assert op.args["price"] > 0 and op.args["quantity"] > 0


def test_the_conditions_together_read_at_least_0_8() -> None:
    total = Score()
    for condition, locale in CASES:
        score = SCORES.get(condition)
        if score is None:  # run alone: read it now
            receipt = harder_receipt(_seed(condition, locale))
            score = score_lines(receipt.expected, extract_receipt(receipt.data, TODAY))
        total.add(score)
    assert total.f1 >= 0.8, (total.precision, total.recall, total.f1)
