"""The receipt line parser on what Tesseract makes of phone photos in poor light or of faded print: a quantity
line whose unit price lost a digit, unit words with specks or look-alike letters, a discount's minus set apart,
an ü read as two i's; and dates and store names read as the country writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.receipts.lines import ReceiptReading, read_receipt_text
from core.speech.operations import VAGUE

TODAY = dt.date(2026, 11, 25)


def read(text: str) -> ReceiptReading:
    return read_receipt_text(text, TODAY)


def items(reading: ReceiptReading) -> list[tuple[str, Decimal, str, Decimal]]:
    return [(line.item_name, line.quantity, line.unit, line.price) for line in reading.lines]


def test_a_quantity_line_below_its_item_with_a_misread_digit_fits_by_one_digit_and_is_flagged() -> None:
    reading = read("EDEKA\nEUR\nWEIZENMEHL TYPE 550 1KG 1,77 B\n3 x 6,59\nSCHLAGSAHNE 200ML 0,89 B\n"
                   "SUMME EUR 2,66\n17.11.26 11:12\n")
    assert items(reading) == [
        ("weizenmehl type 550", Decimal(3), "KGM", Decimal("1.77")),
        ("schlagsahne", Decimal(200), "MLT", Decimal("0.89")),
    ]
    assert reading.total_checked
    assert any("unit price read as 6.59; 0.59" in note for note in reading.notes), reading.notes


def test_a_quantity_line_above_its_item_fits_the_item_below_as_read() -> None:
    reading = read("ALDI\nVAT NO GB 443 9067 67\n519883 SALTED BUTTER 250G £2.09 A\n2 x £1.35\n"
                   "791354 DOUBLE CREAM 300ML £2.70 B\nSUBTOTAL £4.79\nTOTAL £4.79\n")
    assert items(reading) == [
        ("salted butter", Decimal(250), "GRM", Decimal("2.09")),
        ("double cream", Decimal(600), "MLT", Decimal("2.70")),
    ]
    assert not any("one digit" in note for note in reading.notes)


def test_a_quantity_line_that_fits_no_item_even_with_one_digit_changed_is_noted() -> None:
    reading = read("LIDL\nVAT NO GB 1\nCASTER SUGAR 1KG 3.75 B\n3 x 7.77\nSUBTOTAL 3.75\nTOTAL 3.75\n")
    assert items(reading) == [("caster sugar", Decimal(1), "KGM", Decimal("3.75"))]
    assert any("a quantity with no item it fits" in note for note in reading.notes), reading.notes


def test_a_discount_whose_minus_is_set_apart_from_the_pound_sign_is_a_discount() -> None:
    reading = read("ALDI\n202478 LIGHT BROWN SUGAR 500G £3.45 A\nPRICE MATCH - £0.30\n"
                   "641019 PORRIDGE OATS 1KG £0.95 A\nSUBTOTAL £4.10\nTOTAL £4.10\n")
    assert items(reading) == [
        ("light brown sugar", Decimal(500), "GRM", Decimal("3.15")),
        ("porridge oats", Decimal(1), "KGM", Decimal("0.95")),
    ]
    assert reading.total_checked


def test_a_dash_before_a_price_without_a_currency_sign_is_no_minus() -> None:
    reading = read("SHOP\nBUTTER 250G - 2.09\nTOTAL 2.09\n")
    assert items(reading) == [("butter", Decimal(250), "GRM", Decimal("2.09"))]


@pytest.mark.parametrize(("line", "quantity", "unit"), [
    ("OLIVE OIL SOOML $7.99 N", Decimal(500), "MLT"),
    ("AH TARWEBLOEM 1kKG 1,09", Decimal(1), "KGM"),
    ("Weizenmehl Type 550 1lkg 0,59 B", Decimal(1), "KGM"),
    ("Weizenmehl Type 405 ikg 0,49 B", Decimal(1), "KGM"),
    ("714291 SUNFLOWER OIL iL £2.49 A", Decimal(1), "LTR"),
    ("TESCO LIGHT BROWN SUGAR 5006 £1.15", Decimal(500), "GRM"),
    ("FRISCHHEFE 426 0,15 A", Decimal(42), "GRM"),
    ("662985 Haselnüsse gemahlen 2009 4,98 B", Decimal(200), "GRM"),
    ("EGGS LARGE D0Z 3.99 F", Decimal(12), "H87"),
])
def test_unit_words_garbled_by_ocr_are_read_as_printed(line: str, quantity: Decimal, unit: str) -> None:
    reading = read(f"SHOP\n{line}\n")
    assert len(reading.lines) == 1, reading.notes
    got = reading.lines[0]
    assert (got.quantity, got.unit) == (quantity, unit), got
    assert not any(ch.isdigit() for ch in got.item_name.replace("550", "").replace("405", "")), got.item_name


def test_specks_after_a_price_are_not_read() -> None:
    reading = read("SHOP\nOLIVE OIL 5OOML 7.99N >\nZartbitter Schokolade 100g 1,98 B |\n")
    assert items(reading) == [
        ("olive oil", Decimal(500), "MLT", Decimal("7.99")),
        ("zartbitter schokolade", Decimal(100), "GRM", Decimal("1.98")),
    ]


def test_a_weight_in_tb_is_pounds() -> None:
    reading = read("SHOP\nAPPLES GALA 0.76 tb @ 1.99/1b $1.51 T\n")
    assert items(reading) == [("apples gala", Decimal("0.76"), "LBR", Decimal("1.51"))]


def test_a_number_ending_in_6_inside_a_name_or_a_price_is_left_alone() -> None:
    reading = read("SHOP\nCHOC CHIPS 2 x 3.26 6.52\nFLOUR TYPE 1150 1KG 0.89\n")
    assert items(reading) == [
        ("chocolate chips", Decimal(2), "H87", Decimal("6.52")),
        ("flour type 1150", Decimal(1), "KGM", Decimal("0.89")),
    ]
    assert reading.lines[0].confidence["unit"] == VAGUE


def test_an_u_umlaut_read_as_two_i_is_an_u_umlaut() -> None:
    reading = read("LIDL\nHaselniisse gemahlen 200g 2,49 A\n")
    assert items(reading) == [("haselnüsse gemahlen", Decimal(200), "GRM", Decimal("2.49"))]


@pytest.mark.parametrize(("text", "date"), [
    ("SAINSBURY'S\nJS FLOUR 1.5KG £1.40\nBALANCE DUE £1.40\n05/04/26 16:13 7023\n", dt.date(2026, 4, 5)),
    ("CARREFOUR\nFARINE T55 1KG 0,79 €\nTOTAL 0,79 €\n11/05/2026 08:02\n", dt.date(2026, 5, 11)),
    ("LIDL\nVAT NO GB 535 4619 20\nCAKE CASES 1.00 B\nTOTAL 1.00\n04/07/26 07:13\n", dt.date(2026, 7, 4)),
    ("SAFEWAY\nFLOUR 5LB 4.99\nTOTAL 4.99\n05/04/26 16:13\n", dt.date(2026, 5, 4)),
])
def test_dates_are_read_day_first_on_british_and_continental_receipts(text: str, date: dt.date) -> None:
    assert read(text).purchased_on == date


def test_a_known_chain_after_other_words_is_part_of_another_shops_name() -> None:
    assert read("GREEN VALLEY CO-OP\n827 MAIN ST\nFLOUR 5LB 4.99\nTOTAL 4.99\n").store == "Green Valley Co-op"
    assert read("WELCOME TO SAFEWAY\nFLOUR 5LB 4.99\nTOTAL 4.99\n").store == "Safeway"


def test_a_price_misread_as_mixed_case_letters_is_not_part_of_the_name() -> None:
    reading = read("SHOP\nSUGAR 4LB 3.00\nEGGS LARGE DOZ eWmeSe)\nFLOUR 5LB 4.99\nSUBTOTAL 11.98\nTOTAL 11.98\n")
    assert items(reading)[1] == ("eggs large", Decimal(12), "H87", Decimal("3.99"))
    assert reading.lines[1].confidence["price"] == VAGUE
