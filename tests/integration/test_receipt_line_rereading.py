"""How the offline receipt reader settles a line it may have misread: several line pictures read by one Tesseract
process, the better reading of each line taken from two pictures, and the reading kept for the receipt.

Needs the Tesseract CLI (scripts/install.sh installs it); without it this module fails loudly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw, ImageFont

from adapters.receipt_ocr import _Line, _merged, _tesseract_pages, _text_of, best_reading, tesseract_available
from tests.support.receipt_images import FONT_DIR, FONTS

if not tesseract_available():
    pytest.fail(
        "Tesseract OCR is not installed: run scripts/install.sh "
        "(apt-get install -y tesseract-ocr tesseract-ocr-eng); receipt OCR cannot be tested",
        pytrace=False,
    )

TODAY = dt.date(2026, 12, 31)


def _line_picture(text: str) -> Image.Image:
    font = ImageFont.truetype(FONT_DIR + FONTS["mono"], 28)
    picture = Image.new("L", (40 + 18 * max(1, len(text)), 70), 255)
    ImageDraw.Draw(picture).text((20, 18), text, font=font, fill=20)
    return picture


def test_several_line_pictures_are_read_by_one_process_each_on_its_own_in_order() -> None:
    texts = ["2 x 1.35", "FLOUR 5LB 4.99", "SUGAR 4LB 3.00", "3 @ 0.89"]
    readings = _tesseract_pages([_line_picture(text) for text in texts], "--psm", "7")
    assert len(readings) == len(texts)
    read = ["".join("".join(line.words) for line in lines) for lines in readings]
    assert read == [text.replace(" ", "") for text in texts]  # Tesseract may drop the space around an x


def _line(words: str, confidence: float, top: int) -> _Line:
    parts = words.split()
    return _Line(parts, [confidence] * len(parts), [10, top, 400, top + 30])


def test_the_merged_reading_takes_the_well_formed_reading_of_each_line_then_the_surer() -> None:
    first = _text_of([_line("JS DOUBLE CREAM 300ML £2.70", 95, 100), _line("32x; £1535", 90, 150),
                      _line("JS GOLDEN SYRUP 454G £2.70", 80, 200)])
    second = _text_of([_line("JS DOUBLE CREAM 300ML £2.70", 93, 102), _line("2 x £1.35", 60, 151),
                       _line("JS GOLDEN SYRUP 4546 £2.70", 85, 199), _line("SUBTOTAL £5.40", 90, 250)])
    merged = _merged(first, second)
    assert merged.text.splitlines() == [
        "JS DOUBLE CREAM 300ML £2.70",  # both well formed: the surer (95)
        "2 x £1.35",  # the only well-formed one, though less sure
        "JS GOLDEN SYRUP 4546 £2.70",  # both well formed: the surer (85)
        "SUBTOTAL £5.40",  # read in one picture only: kept
    ]


def test_the_reading_kept_is_the_one_whose_total_checks_before_the_more_confident() -> None:
    adds_up = "SHOP\nFLOUR 5LB 4.99\nSUGAR 4LB 3.00\nTOTAL 7.99\n"
    does_not = "SHOP\nFLOUR 5LB 4.99\nSUGAR 4LB 8.00\nTOTAL 7.99\n"
    reading = best_reading([does_not, adds_up], [95.0, 80.0], TODAY)
    assert reading.total_checked and [line.price for line in reading.lines] == [Decimal("4.99"), Decimal("3.00")]


def test_of_two_readings_that_do_not_add_up_the_one_with_fewer_notes_is_kept() -> None:
    garbled = "SHOP\nFLOUR 5LB 4.99\n2 x 6.59\nSUGAR 4LB 3.00\n"
    clean = "SHOP\nFLOUR 5LB 4.99\nSUGAR 4LB 3.00\n"
    reading = best_reading([garbled, clean], [95.0, 80.0], TODAY)
    assert [line.quantity for line in reading.lines] == [5, 4]
