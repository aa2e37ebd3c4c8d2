"""Units: kitchen words map to UN/CEFACT codes; conversion is exact or a clear error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ConversionError, UnknownUnitError
from core.measures.units import ConversionBasis, Density, can_convert, convert, parse_unit, symbol_for

FLOUR = ConversionBasis("flour_all_purpose", Density.from_fields(Decimal(1), "cup", Decimal("4.25"), "oz"))


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("g", "GRM"), ("kg", "KGM"), ("oz", "ONZ"), ("lb", "LBR"), ("lbs", "LBR"), ("pounds", "LBR"),
        ("tsp", "G25"), ("t", "G25"), ("teaspoons", "G25"), ("tbsp", "G24"), ("T", "G24"), ("Tbsp", "G24"),
        ("cup", "G21"), ("cups", "G21"), ("C", "G21"), ("ml", "MLT"), ("l", "LTR"), ("fl oz", "OZA"),
        ("fl. oz.", "OZA"), ("pt", "PTL"), ("qt", "QTL"), ("gal", "GLL"), ("each", "H87"), ("count", "H87"),
        ("piece", "H87"), ("dozen", "DZN"), ("G21", "G21"), ("onz", "ONZ"), ("  Cups ", "G21"),
    ],
)
def test_kitchen_words_map_to_un_cefact_codes(word: str, code: str) -> None:
    assert parse_unit(word).code == code


def test_an_unknown_unit_names_the_word_and_where_it_came_from() -> None:
    with pytest.raises(UnknownUnitError, match=r"unknown unit 'smidgen' in recipe Jumbles"):
        parse_unit("smidgen", where="recipe Jumbles")


@pytest.mark.parametrize(
    ("quantity", "src", "dst", "expected"),
    [
        ("1", "ONZ", "GRM", "28.349523125"),
        ("1", "LBR", "ONZ", "16"),
        ("1", "G24", "G25", "3"),
        ("1", "G21", "G24", "16"),
        ("1", "OZA", "G24", "2"),
        ("1", "PTL", "G21", "2"),
        ("1", "QTL", "PTL", "2"),
        ("1", "GLL", "QTL", "4"),
        ("1", "DZN", "H87", "12"),
        ("1", "KGM", "GRM", "1000"),
        ("1", "G21", "MLT", "236.5882365"),
    ],
)
def test_conversion_within_a_dimension_is_exact(quantity: str, src: str, dst: str, expected: str) -> None:
    assert convert(Decimal(quantity), src, dst) == Decimal(expected)


def test_volume_converts_to_mass_through_the_ingredients_density() -> None:
    assert convert(Decimal(2), "G21", "ONZ", FLOUR) == Decimal("8.5")


def test_mass_converts_back_to_volume_through_the_density() -> None:
    assert convert(Decimal("8.5"), "ONZ", "G21", FLOUR) == Decimal(2)


def test_volume_to_mass_without_density_names_the_ingredient_and_both_units() -> None:
    with pytest.raises(ConversionError, match=r"caramel_bits: cannot convert cup \(G21\) to oz \(ONZ\): no density"):
        convert(Decimal(1), "G21", "ONZ", ConversionBasis("caramel_bits"))


def test_count_converts_to_weight_only_with_a_weight_per_piece() -> None:
    eggs = ConversionBasis("eggs_whole", grams_per_item=Decimal(50))
    assert convert(Decimal(3), "H87", "GRM", eggs) == Decimal(150)
    assert not can_convert("H87", "GRM", ConversionBasis("eggs_whole"))


def test_different_containers_never_convert() -> None:
    with pytest.raises(ConversionError, match="bag"):
        convert(Decimal(1), "BG", "BX")


def test_a_density_needs_a_volume_and_a_weight() -> None:
    with pytest.raises(ConversionError, match="not a volume"):
        Density.from_fields(Decimal(1), "oz", Decimal(4), "oz")


def test_codes_export_as_the_desktops_words() -> None:
    codes = ("G21", "G24", "G25", "OZA", "LBR", "H87")
    assert [symbol_for(c) for c in codes] == ["cup", "tbsp", "tsp", "fl oz", "lb", "each"]
