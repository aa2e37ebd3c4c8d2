"""Spoken numbers become exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.speech.numbers import merge_numbers, parse_number, tokenize


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("two", "2"), ("twenty-five", "25"), ("twenty five", "25"), ("a dozen", "12"), ("two dozen", "24"),
        ("half a", "0.5"), ("half a dozen", "6"), ("one and a half", "1.5"), ("1 1/2", "1.5"), ("½", "0.5"),
        ("1½", "1.5"), ("2-1/2", "2.5"), ("2.5", "2.5"), ("three quarters", "0.75"), ("a quarter", "0.25"),
        ("a dozen and a half", "18"), ("one hundred and twenty", "120"), ("a hundred", "100"),
        ("two thousand five hundred", "2500"), ("a couple of", "2"), ("1,000", "1000"), ("12th", "12"),
        ("two and three quarters", "2.75"), ("3/4", "0.75"), ("ten", "10"), ("nineteen", "19"),
        ("a hundred and fifty", "150"), ("a hundred twenty five", "125"), ("3,50", "3.5"), ("0,89", "0.89"),
    ],
)
def test_a_number_said_in_words_or_digits_is_exact(said: str, value: str) -> None:
    assert parse_number(said) == Decimal(value)


def test_two_thirds_is_an_exact_fraction_not_a_float() -> None:
    assert parse_number("two thirds") == Decimal(2) / 3


@pytest.mark.parametrize("said", ["flour", "two pounds", "", "and"])
def test_text_that_is_not_one_number_gives_none(said: str) -> None:
    assert parse_number(said) is None


def test_two_numbers_side_by_side_stay_apart() -> None:
    merged = merge_numbers(tokenize("two 5 lb bags"))
    assert [t.value for t in merged if t.kind == "num"] == [Decimal(2), Decimal(5)]


def test_an_article_alone_stays_a_word_for_the_grammar() -> None:
    merged = merge_numbers(tokenize("a bake sale"))
    assert [t.kind for t in merged] == ["word", "word", "word"]


def test_a_number_word_inside_a_name_is_not_glued_to_the_next_number() -> None:
    merged = merge_numbers(tokenize("twenty five pound bags"))
    assert merged[0].value == Decimal(25)
