"""Offline receipt OCR end to end: synthetic receipt photos -> Tesseract -> purchase lines.

Needs the Tesseract CLI (scripts/install.sh installs it); without it this module fails loudly.
"""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from PIL import Image

from adapters.receipt_ocr import ReceiptImageError, extract_receipt, ocr_image, tesseract_available
from tests.support.receipt_images import Score, Style, SyntheticReceipt, random_spec, render, same_store, score_lines

if not tesseract_available():
    pytest.fail(
        "Tesseract OCR is not installed: run scripts/install.sh "
        "(apt-get install -y tesseract-ocr tesseract-ocr-eng); receipt OCR cannot be tested",
        pytrace=False,
    )

TODAY = dt.date(2026, 12, 31)

CLEAN = [
    Style("thermal", "mono", 26),
    Style("wide", "sans", 26, dollar=True, tax_flags=False),
    Style("two-column", "serif", 28),
    Style("qty-first", "condensed", 26, tax_flags=False),
    Style("thermal", "mono-bold", 24, dollar=True),
    Style("two-column", "sans-bold", 26, tax_flags=False),
]
DEGRADED = [
    Style("thermal", "mono", 26, noise=16, blur=0.6, jpeg_quality=70),
    Style("wide", "condensed", 26, speckle=0.004, angle=2.5),
    Style("two-column", "sans", 26, quarter_turns=1, jpeg_quality=80),
    Style("qty-first", "serif", 28, angle=-2.0, quarter_turns=2),
    Style("thermal", "mono-bold", 28, noise=24, quarter_turns=3),
    Style("two-column", "serif-condensed", 28, noise=8, blur=0.6, angle=1.2, jpeg_quality=60),
]
CASES = [(f"clean-{k}", style, True) for k, style in enumerate(CLEAN)] + [
    (f"degraded-{k}", style, False) for k, style in enumerate(DEGRADED)
]
SCORES: dict[str, Score] = {}


def _receipt(name: str, style: Style) -> SyntheticReceipt:
    seed = 5000 + sum(map(ord, name))
    return render(random_spec(seed), style, seed)


@pytest.mark.parametrize(("name", "style", "clean"), CASES, ids=[case[0] for case in CASES])
def test_a_synthetic_receipt_photo_is_read_line_by_line(name: str, style: Style, clean: bool) -> None:
    receipt = _receipt(name, style)
    start = time.perf_counter()
    reading = extract_receipt(receipt.data, TODAY)
    seconds = time.perf_counter() - start
    score = score_lines(receipt.expected, reading)
    SCORES[name] = score
    got = [(line.item_name, str(line.quantity), line.unit, str(line.price)) for line in reading.lines]
    assert score.f1 >= 0.8, (name, score, got, reading.notes)
    assert seconds < 6, f"{name}: {seconds:.1f}s"
    for op in reading.operations():
        assert op.op == "add_purchase" and op.args["price"] > 0 and op.args["quantity"] > 0
    if clean:
        assert reading.total == receipt.spec.total
        assert reading.total_checked, reading.notes
        assert reading.purchased_on == receipt.spec.date
        assert same_store(receipt.spec, reading.store), reading.store


def test_aggregate_line_item_f1_is_at_least_0_9() -> None:
    total = Score()
    for name, style, _clean in CASES:
        score = SCORES.get(name)
        if score is None:  # run alone: read it now
            receipt = _receipt(name, style)
            score = score_lines(receipt.expected, extract_receipt(receipt.data, TODAY))
        total.add(score)
    assert total.f1 >= 0.9, (total.precision, total.recall, total.f1)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.4 receipt"],
    ids=["empty", "text", "truncated-png", "pdf"],
)
def test_bytes_that_are_not_a_picture_raise_a_clear_error(data: bytes) -> None:
    with pytest.raises(ReceiptImageError) as error:
        ocr_image(data)
    assert "picture" in str(error.value) or "empty" in str(error.value)


def test_a_tiny_picture_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("L", (20, 20), 255).save(buffer, "PNG")
    with pytest.raises(ReceiptImageError, match="too small"):
        ocr_image(buffer.getvalue())


def test_a_blank_picture_reads_no_lines_and_says_so() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 900), (250, 250, 250)).save(buffer, "JPEG")
    reading = extract_receipt(buffer.getvalue(), TODAY)
    assert reading.lines == []
    assert "no item lines were read from the receipt" in reading.notes
