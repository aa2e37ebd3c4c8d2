"""Scaling a recipe by one ingredient on hand, and its formula in baker's percentages."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.bakery import Bakery
from core.errors import ConversionError, NotFoundError
from core.measures.units import UNITS, ConversionBasis, convert
from core.recipes.bakers_percentages import bakers_percentages, is_flour
from core.recipes.scale_by import scaled_by
from core.recipes.scale_report import scale_recipe_json
from core.recipes.scaling import ingredient_lines_per_batch
from tests.support.bakery_builder import BakeryBuilder

FLOUR = ("1", "cup", "120", "g")
BUTTER = ("1", "cup", "227", "g")


def shortbread() -> Bakery:
    return (BakeryBuilder().ingredient("flour_all_purpose", FLOUR).ingredient("butter", BUTTER)
            .ingredient("sugar", ("1", "cup", "200", "g")).ingredient("sprinkles")
            .recipe("glaze", [("sugar", 1, "cup")])
            .recipe("shortbread", [("flour_all_purpose", 2, "cup"), ("butter", 1, "cup"), ("sugar", "0.5", "cup")],
                    [("glaze", "0.5")])
            .unit("bar", "shortbread", 16)).bakery


def basis(bakery: Bakery):  # type: ignore[no-untyped-def]
    return lambda slug: bakery.ingredients[slug].conversion_basis if slug in bakery.ingredients else ConversionBasis()


class TestScaleBy:
    def test_three_pounds_of_butter(self) -> None:
        bakery = shortbread()
        answer = scale_recipe_json(bakery, "shortbread", "butter", D(3), "LBR")
        per_batch_lb = D(227) / D("453.59237")
        assert answer["factor"] == pytest.approx(float(3 / per_batch_lb))
        flour = answer["lines"][0]
        assert flour["ingredient"] == "flour_all_purpose" and flour["unit"] == "G21"
        assert flour["quantity"] == pytest.approx(2 * answer["factor"], rel=1e-6)
        assert answer["yields"][0]["scaled"] == pytest.approx(16 * answer["factor"], rel=1e-6)

    def test_nested_recipes_count_toward_the_ingredient_and_are_scaled(self) -> None:
        answer = scale_recipe_json(shortbread(), "shortbread", "sugar", D(2), "G21")  # 0.5 + 0.5 × 1 a batch
        assert answer["by"]["per_batch"] == 1 and answer["factor"] == 2
        glaze = [line for line in answer["lines"] if line["in_recipe"] == "glaze"]
        assert glaze == [{"ingredient": "sugar", "ingredient_name": "Sugar", "quantity": 1, "unit": "G21",
                          "per_batch": 0.5, "in_recipe": "glaze", "path": ["shortbread", "glaze"]}]

    def test_an_ingredient_the_recipe_does_not_use(self) -> None:
        with pytest.raises(NotFoundError, match="does not use") as err:
            scale_recipe_json(shortbread(), "shortbread", "sprinkles", D(1), "GRM")
        assert err.value.field == "ingredient"

    def test_a_unit_that_cannot_be_compared_names_both(self) -> None:
        bakery = BakeryBuilder().recipe("r", [("edible_glitter", 2, "tbsp")]).bakery  # no density anywhere
        with pytest.raises(ConversionError, match="tbsp, which cannot be compared with lb") as err:
            scale_recipe_json(bakery, "r", "edible_glitter", D(3), "LBR")
        assert err.value.field == "unit"

    @settings(max_examples=200, deadline=None)
    @given(st.decimals(D("0.01"), D(5000), places=2), st.sampled_from(["GRM", "KGM", "ONZ", "LBR", "G21", "G24"]),
           st.sampled_from(["flour_all_purpose", "butter", "sugar"]))
    def test_scaling_then_scaling_back_is_the_identity(self, amount: D, unit: str, slug: str) -> None:
        bakery = shortbread()
        lines = ingredient_lines_per_batch("shortbread", bakery.recipes)
        there = scaled_by(lines, slug, amount, unit, basis(bakery))
        back = scaled_by(there.lines, slug, there.per_batch, unit, basis(bakery))
        # Decimal keeps 34 digits; two divisions and a density lose at most a few units in the last place.
        for original, again in zip(lines, back.lines, strict=True):
            assert abs(again.quantity - original.quantity) <= original.quantity * D("1e-28")
            assert again.unit == original.unit and again.path == original.path
        assert abs(there.factor * back.factor - 1) < D("1e-28")


class TestBakersPercentages:
    def test_flour_is_100_and_the_rest_by_weight(self) -> None:
        formula = scale_recipe_json(shortbread(), "shortbread", "butter", D(1), "G21")["bakers_percentages"]
        by = {line["ingredient"]: line for line in formula["lines"]}
        assert by["flour_all_purpose"]["percentage"] == 100 and by["flour_all_purpose"]["flour"] is True
        assert by["butter"]["percentage"] == pytest.approx(227 / 240 * 100)
        assert by["sugar"]["percentage"] == pytest.approx(200 / 240 * 100)  # 0.5 cup + 0.5 × 1 cup in the glaze
        assert formula["total_percentage"] == pytest.approx(100 + 227 / 2.4 + 200 / 2.4)

    def test_what_cannot_be_weighed_is_said_not_guessed(self) -> None:
        bakery = shortbread()
        bakery.recipes["shortbread"] = replace(bakery.recipes["shortbread"], ingredients=(
            *bakery.recipes["shortbread"].ingredients,
            *BakeryBuilder().recipe("x", [("sprinkles", 2, "tbsp")]).bakery.recipes["x"].ingredients))
        formula = scale_recipe_json(bakery, "shortbread", "butter", D(1), "G21")["bakers_percentages"]
        sprinkles = next(line for line in formula["lines"] if line["ingredient"] == "sprinkles")
        assert sprinkles["percentage"] is None and "no density" in sprinkles["cannot_weigh"]
        assert formula["available"] is True

    def test_no_flour_no_percentages(self) -> None:
        formula = scale_recipe_json(shortbread(), "glaze", "sugar", D(1), "G21")["bakers_percentages"]
        assert formula["available"] is False and "no flour" in formula["note"]
        assert all(line["percentage"] is None for line in formula["lines"])

    def test_how_flour_is_recognised(self) -> None:
        bakery = (BakeryBuilder().ingredient("flour_all_purpose").ingredient("oats_rolled")
                  .ingredient("flourless_mix").ingredient("bread_flours")).bakery
        assert is_flour("flour_all_purpose", bakery.ingredients) and is_flour("bread_flours", bakery.ingredients)
        assert not is_flour("oats_rolled", bakery.ingredients) and not is_flour("flourless_mix", bakery.ingredients)
        oats = replace(bakery.ingredients["oats_rolled"], extra={"is_flour": True})
        assert is_flour("oats_rolled", {"oats_rolled": oats})

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(["flour_all_purpose", "bread_flour", "butter", "sugar", "water"]),
                              st.decimals(D("0.01"), D(50), places=2),
                              st.sampled_from(["GRM", "KGM", "ONZ", "LBR", "G21", "G24", "G25"])),
                    min_size=1, max_size=8))
    def test_percentages_sum_correctly(self, rows: list[tuple[str, D, str]]) -> None:
        b = BakeryBuilder().ingredient("flour_all_purpose", FLOUR).ingredient("bread_flour", ("1", "cup", "127", "g"))
        b.ingredient("butter", BUTTER).ingredient("sugar", ("1", "cup", "200", "g")).ingredient("water", ("1", "cup",
                                                                                                           "236", "g"))
        bakery = b.recipe("r", [(slug, str(q), UNITS[u].symbol) for slug, q, u in rows]).bakery
        lines = ingredient_lines_per_batch("r", bakery.recipes)
        formula = bakers_percentages(lines, bakery.ingredients, basis(bakery))
        flours = [f for f in formula.lines if f.flour]
        if not flours:
            assert not formula.has_percentages
            return
        assert abs(sum(f.percentage or 0 for f in flours) - 100) < D("1e-25")
        weights = {slug: sum(convert(q, u, "GRM", basis(bakery)(slug)) for s, q, u in rows if s == slug)
                   for slug, _, _ in rows}
        total = sum(weights.values())
        assert abs((formula.total_percentage or 0) - total * 100 / formula.flour_grams) < D("1e-20")
        # the same formula after scaling: percentages do not depend on the batch size
        doubled = bakers_percentages(scaled_by(lines, rows[0][0], rows[0][1] * 2, rows[0][2], basis(bakery)).lines,
                                     bakery.ingredients, basis(bakery))
        for a, b2 in zip(formula.lines, doubled.lines, strict=True):
            assert abs((a.percentage or 0) - (b2.percentage or 0)) < D("1e-20")


def test_a_word_said_finds_the_recipes_own_ingredient_by_its_name_when_only_one_fits() -> None:
    """On the desktop sample, 'butter' names no ingredient ('Butter, unsalted' is its name), but the recipe
    has exactly one butter: that one. Two fitting ones stay a refusal naming them."""
    from core.desktop_format.desktop_import import import_desktop
    from tests.conftest import load_fixture

    bakery = import_desktop(load_fixture("desktop/sample_data_all.json")).bakery
    answer = scale_recipe_json(bakery, "Toasted Almond Sablés", "butter", D(3), "LBR")
    assert answer["by"]["ingredient"] == "butter_unsalted" and D(str(answer["factor"])) > 0
    with pytest.raises(NotFoundError, match="no ingredient is named 'glitter'"):
        scale_recipe_json(bakery, "Toasted Almond Sablés", "glitter", D(3), "LBR")
