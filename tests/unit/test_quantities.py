"""Quantities stay exact where bakers expect them to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.measures.quantities import as_number, ceil_whole, to_quantity


def test_subtracting_ounces_is_exact() -> None:
    assert to_quantity(17.3) - to_quantity(5.75) == Decimal("11.55")


def test_thirds_of_a_cup_add_up_to_a_cup() -> None:
    assert as_number(to_quantity(0.3333333) * 3) == 1


@pytest.mark.parametrize(
    ("value", "expected"), [("1.25", 2), ("2", 2), ("2.0000000000001", 2), ("0.0001", 1), ("0", 0)]
)
def test_ceil_rounds_up_but_ignores_division_noise(value: str, expected: int) -> None:
    assert ceil_whole(Decimal(value)) == expected


@pytest.mark.parametrize("bad", [True, None, "abc", float("nan"), float("inf"), [1]])
def test_only_finite_numbers_are_quantities(bad: object) -> None:
    with pytest.raises(ValueError, match="expected"):
        to_quantity(bad)
