"""A batch's ingredient lines include nested component recipes, scaled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import CycleError, NotFoundError
from core.recipes.entities import Recipe, RecipeComponent, RecipeIngredient
from core.recipes.scaling import check_no_component_cycles, ingredient_lines_per_batch


def _recipe(slug: str, lines: list[tuple[str, str, str]], components: list[tuple[str, str]] = ()) -> Recipe:  # type: ignore[assignment]
    return Recipe(
        slug=slug,
        name=slug.title(),
        ingredients=tuple(RecipeIngredient(i, Decimal(q), u) for i, q, u in lines),
        components=tuple(RecipeComponent(r, Decimal(q)) for r, q in components),
    )


def test_a_component_recipe_is_scaled_by_its_batch_multiplier() -> None:
    recipes = {
        "fudge": _recipe("fudge", [("sugar", "2", "G21")]),
        "cake": _recipe("cake", [("flour", "3", "G21")], [("fudge", "0.25")]),
    }
    lines = ingredient_lines_per_batch("cake", recipes)
    assert [(line.ingredient_slug, line.quantity, line.path) for line in lines] == [
        ("flour", Decimal(3), ("cake",)),
        ("sugar", Decimal("0.5"), ("cake", "fudge")),
    ]


def test_nested_components_multiply_down_the_chain() -> None:
    recipes = {
        "ganache": _recipe("ganache", [("cream", "1", "G21")]),
        "truffle": _recipe("truffle", [], [("ganache", "2")]),
        "tower": _recipe("tower", [], [("truffle", "0.5")]),
    }
    assert ingredient_lines_per_batch("tower", recipes)[0].quantity == Decimal(1)


def test_a_cycle_among_components_is_an_error_naming_the_cycle() -> None:
    recipes = {
        "a": _recipe("a", [], [("b", "1")]),
        "b": _recipe("b", [], [("a", "1")]),
    }
    with pytest.raises(CycleError, match="a -> b -> a"):
        check_no_component_cycles(recipes)


def test_a_missing_component_recipe_names_its_parent() -> None:
    with pytest.raises(NotFoundError, match="unknown recipe 'ghost' \\(component of a\\)"):
        ingredient_lines_per_batch("a", {"a": _recipe("a", [], [("ghost", "1")])})
