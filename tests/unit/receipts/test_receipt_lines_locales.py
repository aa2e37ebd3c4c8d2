"""The receipt line parser on UK and continental receipts: £ and €, decimal commas, VAT lines and codes,
weight and multiple lines, multibuy savings, tills' total words, and unit words inside item names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.receipts.lines import ReceiptReading, read_receipt_text
from core.speech.operations import SAID

TODAY = dt.date(2026, 11, 25)


def read(text: str) -> ReceiptReading:
    return read_receipt_text(text, TODAY)


def items(reading: ReceiptReading) -> list[tuple[str, Decimal, str, Decimal]]:
    return [(line.item_name, line.quantity, line.unit, line.price) for line in reading.lines]


TESCO = """\
TESCO
62 MILL LANE
NORWICH NR2 1SH
VAT NO GB 268 6520 51
TESCO PLAIN FLOUR 1.5KG   £0.85
TESCO UNSALTED BUTTER 250G   £2.15
TESCO UNSALTED BUTTER 250G   £2.15
  MULTIBUY SAVING   -£0.50
LOOSE BANANAS
  1.448 kg @ £0.94/kg   £1.36
------------
SUBTOTAL   £6.01
BALANCE DUE   £6.01
VISA DEBIT   £6.01
VAT  RATE  VAT   NET
A 0%  0.00   6.01
B 20%  0.00   0.00
15/10/26  19:33   3962
THANK YOU FOR SHOPPING
"""


def test_a_uk_receipt_in_pounds_with_a_multibuy_saving_and_a_vat_summary() -> None:
    reading = read(TESCO)
    assert reading.store == "Tesco"
    assert reading.purchased_on == dt.date(2026, 10, 15)
    assert items(reading) == [
        ("tesco plain flour", Decimal("1.5"), "KGM", Decimal("0.85")),
        ("tesco unsalted butter", 250, "GRM", Decimal("2.15")),
        ("tesco unsalted butter", 250, "GRM", Decimal("1.65")),
        ("loose bananas", Decimal("1.448"), "KGM", Decimal("1.36")),
    ]
    assert reading.total == Decimal("6.01") and reading.total_checked, reading.notes


@pytest.mark.parametrize("words", ["BALANCE DUE", "TOTAL TO PAY", "TOTAL", "zu zahlen", "SUMME EUR", "TOTAL A PAYER",
                                   "TOTAAL", "Gesamtbetrag"])
def test_the_total_words_of_uk_and_continental_tills(words: str) -> None:
    reading = read(f"SHOP\nPLAIN FLOUR 1.5KG   1,25\n{words}   1,25\nCASH   5,00\nFLOUR   9,99")
    assert items(reading) == [("plain flour", Decimal("1.5"), "KGM", Decimal("1.25"))]
    assert reading.total == Decimal("1.25") and reading.total_checked


LIDL = """\
LIDL
Hauptstr. 13
80331 München
   EUR
Weizenmehl Type 405 1kg   0,49 A
Deutsche Markenbutter 250g   4,38 A
  2 x 2,19
  Preisvorteil   0,30-
Bananen
  0,512 kg x 1,29 EUR/kg   0,66 A
Eier Freiland 10St   2,79 A
------------
zu zahlen   8,02
Bar   10,00
Rückgeld   1,98
MwSt-Satz  MwSt  Netto  Brutto
A 7%  0,52   7,50   8,02
24.11.2026  09:41   4479
Vielen Dank für Ihren Einkauf
"""


def test_a_german_receipt_with_decimal_commas_weights_multiples_and_mwst() -> None:
    reading = read(LIDL)
    assert reading.purchased_on == dt.date(2026, 11, 24)
    assert items(reading) == [
        ("weizenmehl type 405", 1, "KGM", Decimal("0.49")),
        ("deutsche markenbutter", 500, "GRM", Decimal("4.08")),
        ("bananen", Decimal("0.512"), "KGM", Decimal("0.66")),
        ("eier freiland", 10, "H87", Decimal("2.79")),
    ]
    butter = reading.lines[1]
    assert (butter.packages, butter.package_size) == (2, 250)
    assert reading.total == Decimal("8.02") and reading.total_checked, reading.notes


def test_a_french_receipt_with_euro_signs_after_prices_and_a_tva_line() -> None:
    reading = read("""\
CARREFOUR
Avenue Jean Jaurès 77
75011 Paris
FARINE DE BLÉ T45 1KG   0,89 €
BEURRE DOUX 250G   4,30 €
  2 x 2,15 €
  REMISE   -0,50 €
POMMES GOLDEN
  1,250 kg x 2,29 €/kg   2,86 €
TOTAL A PAYER   7,55 €
CB   7,55 €
TVA 5,5%   0,39   7,16
14/05/2026 13:12
""")
    assert items(reading) == [
        ("farine de blé t45", 1, "KGM", Decimal("0.89")),
        ("beurre doux", 500, "GRM", Decimal("3.80")),
        ("pommes golden", Decimal("1.25"), "KGM", Decimal("2.86")),
    ]
    assert reading.total_checked, reading.notes


def test_a_dutch_receipt_with_count_unit_price_and_total_columns() -> None:
    reading = read("""\
Albert Heijn
Kerkstraat 36
AANTAL OMSCHRIJVING   BEDRAG
1 AH TARWEBLOEM 1KG   1,09
2 AH ROOMBOTER ONGEZOUTEN 250G  2,69   5,38
  BONUS AH ROOMBOTER ONGEZOUTEN   -1,00
SUBTOTAAL   5,47
TOTAAL   5,47
PINNEN   5,47
BTW  OVER  EUR
9%  5,02  0,45
""")
    assert items(reading) == [
        ("ah tarwebloem", 1, "KGM", Decimal("1.09")),
        ("ah roomboter ongezouten", 500, "GRM", Decimal("4.38")),
    ]
    assert reading.total_checked, reading.notes


@pytest.mark.parametrize(
    "line",
    ["MwSt 7% 0,52", "VAT A 20% 0.33", "TVA 20,00% 1,12", "BTW 9% 0,45", "Geg. BAR 20,00", "Rückgeld BAR 1,98",
     "EC-Karte 8,02", "CB 7,55 €", "ESPECES 10,00", "RENDU MONNAIE 2,45", "PINNEN 5,47", "CONTACTLESS £6.01"],
)
def test_vat_and_payment_lines_are_never_items(line: str) -> None:
    reading = read(f"SHOP\nFLOUR 1KG   1,25\n{line}\nSUMME   1,25")
    assert items(reading) == [("flour", 1, "KGM", Decimal("1.25"))]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("WHOLE MILK GAL   3.89", ("whole milk", 1, "GLL", Decimal("3.89"))),
        ("HEAVY WHIP CREAM QT   5.79 N", ("heavy whip cream", 1, "QTL", Decimal("5.79"))),
        ("HALF & HALF PT   2.19", ("half half", 1, "PTL", Decimal("2.19"))),
        ("FLOUR 5LB   4.99", ("flour", 5, "LBR", Decimal("4.99"))),
        ("Weizenmehl 1kg   0,49 A", ("weizenmehl", 1, "KGM", Decimal("0.49"))),
        ("Mehl 1,5kg   0,99", ("mehl", Decimal("1.5"), "KGM", Decimal("0.99"))),
        ("Bloem 1kg   1,09", ("bloem", 1, "KGM", Decimal("1.09"))),
        ("Eier Freiland 10St   2,79", ("eier freiland", 10, "H87", Decimal("2.79"))),
        ("Oeufs plein air 12pcs   3,25 €", ("oeufs plein air", 12, "H87", Decimal("3.25"))),
        ("SEMI SKIMMED MILK 4 PINTS   £1.45", ("semi skimmed milk", 4, "PTL", Decimal("1.45"))),
    ],
)
def test_unit_words_inside_item_names_give_quantity_and_unit(
    printed: str, expected: tuple[str, Decimal, str, Decimal]
) -> None:
    assert items(read(f"SHOP\n{printed}\nTOTAL   {expected[3]}")) == [expected]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("Zitronen   1,17 B\n  3 x 0,39", ("zitronen", 3, "H87", Decimal("1.17"))),
        ("  3 x 0,39\nZitronen   1,17 B", ("zitronen", 3, "H87", Decimal("1.17"))),
        ("LEMONS   £1.05\n  3 x £0.35", ("lemons", 3, "H87", Decimal("1.05"))),
        ("Bananen\n  0,512 kg x 2,99 EUR/kg   1,53 A", ("bananen", Decimal("0.512"), "KGM", Decimal("1.53"))),
        ("Bananen\n  0,512 kg x 2,99 €/kg   1,53", ("bananen", Decimal("0.512"), "KGM", Decimal("1.53"))),
        ("LOOSE BANANAS\n  0.862 kg @ £0.94/kg   £0.81", ("loose bananas", Decimal("0.862"), "KGM", Decimal("0.81"))),
    ],
)
def test_multiple_and_weight_lines_in_uk_and_continental_formats(
    lines: str, expected: tuple[str, Decimal, str, Decimal]
) -> None:
    reading = read(f"SHOP\n{lines}\nTOTAL   {expected[3]}")
    assert items(reading) == [expected]
    assert reading.notes == [] or all("store" in note or "date" in note for note in reading.notes), reading.notes


@pytest.mark.parametrize("saving", ["MULTIBUY SAVING   -£0.50", "CLUBCARD PRICE   -£0.50", "Rabatt   0,50-",
                                    "REMISE   -0,50 €", "Preisvorteil   -0,50"])
def test_savings_lines_come_off_the_item_above(saving: str) -> None:
    reading = read(f"SHOP\nBUTTER 250G   2,15\n  {saving}\nTOTAL   1,65")
    assert items(reading) == [("butter", 250, "GRM", Decimal("1.65"))]


def test_prices_in_pounds_and_euros_with_signs_and_codes() -> None:
    reading = read("SHOP\nFLOUR   £1.45\nSUGAR   1,19 €\nBUTTER   € 2,19 B\nMILK   £0.95 A\nTOTAL   £5.78")
    assert [line.price for line in reading.lines] == [Decimal("1.45"), Decimal("1.19"), Decimal("2.19"),
                                                       Decimal("0.95")]
    assert reading.total_checked


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Frische Vollmilch 11   2,18 B", ("frische vollmilch", 1, "LTR", Decimal("2.18"))),
        ("Roggenmehl Type 1150 lkg   0,89 B", ("roggenmehl type 1150", 1, "KGM", Decimal("0.89"))),
    ],
)
def test_a_lower_case_l_read_as_a_one_in_a_continental_size_is_repaired(
    printed: str, expected: tuple[str, Decimal, str, Decimal]
) -> None:
    assert items(read(f"SHOP\n{printed}\nTOTAL   {expected[3]}")) == [expected]


def test_one_digit_misread_is_repaired_from_the_total_and_flagged() -> None:
    reading = read("SHOP\nHaferflocken 500g   6,69 B\nFrischhefe 42g   0,15 A\nSchlagsahne 200m1   0,89 B\n"
                   "zu zahlen   1,73")
    assert items(reading) == [("haferflocken", 500, "GRM", Decimal("0.69")),
                              ("frischhefe", 42, "GRM", Decimal("0.15")), ("schlagsahne", 200, "MLT", Decimal("0.89"))]
    assert reading.lines[0].confidence["price"] < SAID
    assert not reading.total_checked
    assert any("6.69" in note and "0.69" in note and "Check it" in note for note in reading.notes)


def test_no_repair_when_two_digits_could_be_the_misread_one() -> None:
    reading = read("SHOP\nMEHL 1KG   6,69\nZUCKER 1KG   6,69\nSUMME   7,38")
    assert [line.price for line in reading.lines] == [Decimal("6.69"), Decimal("6.69")]
    assert any("add up" in note for note in reading.notes)


def test_a_speck_between_the_count_and_the_x_is_ignored() -> None:
    reading = read("SHOP\n  3.x £2.49\nSUNFLOWER OIL 1L   £7.47 B\nTOTAL   £7.47")
    assert items(reading) == [("sunflower oil", 3, "LTR", Decimal("7.47"))]


@pytest.mark.parametrize("line", ["2° x. 2.95", "2.x.2.95", "2 x. £2.95"])
def test_specks_around_the_x_of_a_multiple_line_are_ignored(line: str) -> None:
    reading = read(f"SHOP\nFREE RANGE EGGS 12PK   5.90 B\n  {line}\nTOTAL   5.90")
    assert items(reading) == [("free range eggs", 24, "H87", Decimal("5.90"))]


def test_a_weight_with_one_misread_digit_is_repaired_from_its_line_price_and_flagged() -> None:
    reading = read("SHOP\nBANANAS\n  3.63 lb @ 0.59/lb   1.79\nTOTAL   1.79")
    assert items(reading) == [("bananas", Decimal("3.03"), "LBR", Decimal("1.79"))]
    assert any("3.63" in note and "3.03" in note for note in reading.notes)


def test_a_speck_between_a_price_and_its_euro_sign_is_no_minus() -> None:
    reading = read("SHOP\nSUCRE EN POUDRE 1KG   1,15-€\nBEURRE DOUX 250G   2,15 €\n  REMISE   -0,50 €\nTOTAL   2,80 €")
    assert items(reading) == [("sucre en poudre", 1, "KGM", Decimal("1.15")),
                              ("beurre doux", 250, "GRM", Decimal("1.65"))]
