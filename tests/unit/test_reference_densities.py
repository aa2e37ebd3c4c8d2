"""Reference densities: the table, how names match it, and plans that count through it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.catalog.entities import Ingredient
from core.desktop_format.desktop_export import export_desktop
from core.desktop_format.desktop_import import import_desktop
from core.measures.reference_densities import ENTRIES, reference_for
from core.measures.reference_names import name_keys, singular, slug_key
from core.measures.units import Density, Origin, convert
from core.planning.event_plan import plan_event
from core.planning.factors_used import Factor
from core.planning.plan_report import plan_to_json, render_plan_text
from tests.conftest import load_fixture
from tests.support.bakery_builder import BakeryBuilder, D

# --- the table -----------------------------------------------------------------------------------


def test_the_table_is_broad_and_every_entry_names_its_source() -> None:
    assert len(ENTRIES) >= 150 or sum(1 + len(e.aliases) for e in ENTRIES) >= 150
    for entry in ENTRIES:
        assert entry.source.name and entry.source.url.startswith("https://"), entry.name
        assert entry.grams is not None or entry.grams_per_item is not None, entry.name
        assert (entry.grams or 1) > 0 and (entry.grams_per_item or 1) > 0, entry.name
        assert entry.stated, entry.name


def test_chart_values_are_kept_exactly_as_stated() -> None:
    soda = reference_for("baking_soda", "Baking soda")
    assert soda is not None and (soda.measure, soda.grams, soda.grams_per_cup) == ("1/2 tsp", D(3), D(288))
    flour = reference_for("flour_all_purpose", "Flour, all-purpose")
    assert flour is not None and flour.grams_per_cup == D(120)
    assert "kingarthurbaking.com" in flour.source.url


def test_usda_entries_carry_the_food_data_central_id() -> None:
    cinnamon = reference_for("cinnamon_ground", "Cinnamon, ground")
    assert cinnamon is not None and "FDC 171320" in cinnamon.source.name and cinnamon.grams_per_cup == D("124.8")


# --- matching ------------------------------------------------------------------------------------

MATCHES = [
    ("flour_all_purpose", "Flour, all-purpose", "all-purpose flour"),
    ("x1", "All-Purpose Flour", "all-purpose flour"),
    ("x2", "all purpose flour", "all-purpose flour"),
    ("sugar_brown_light", "Sugar, brown light", "light brown sugar"),
    ("sugar_powdered", "Sugar, powdered", "confectioners' sugar"),
    ("x3", "Confectioners' Sugar", "confectioners' sugar"),
    ("salt_fine", "Salt, fine", "table salt"),
    ("salt_kosher", "Salt, kosher", "kosher salt"),
    ("x4", "Kosher salt, Diamond Crystal", "diamond crystal kosher salt"),
    ("eggs_whole", "Eggs, whole", "egg"),
    ("x5", "Egg", "egg"),
    ("egg_yolks", "Egg yolks", "egg yolk"),
    ("chocolate_chips_white", "Chocolate chips, white", "white chocolate chips"),
    ("chocolate_chips_semi_sweet", "Chocolate chips, semi-sweet", "chocolate chips"),
    ("almonds_sliced", "Almonds, sliced", "sliced almonds"),
    ("x6", "Almonds (sliced)", "sliced almonds"),
    ("cherries_dried", "Cherries, dried", "dried cherries"),
    ("x7", "Crème fraîche, Sour cream", None),  # two names, no key
    ("peanut_butter_smooth", "Peanut butter, smooth", "peanut butter"),
    ("x8", "Butter, peanut", "peanut butter"),
    ("butter_unsalted", "Butter, unsalted", "butter"),
    ("baking_soda", "", "baking soda"),  # no display name: the slug decides
    ("vanilla_extract", "Vanilla extract", "vanilla extract"),
    ("x9", "HONEY", "honey"),
    ("ginger_ground", "Ginger, ground", "ground ginger"),
]


@pytest.mark.parametrize(("slug", "name", "expected"), MATCHES)
def test_names_match_the_entry_they_mean(slug: str, name: str, expected: str | None) -> None:
    found = reference_for(slug, name)
    assert (found.name if found else None) == expected


NO_MATCH = [
    ("pb_spread", "Peanut butter spread"),  # a product, not the chart's peanut butter
    ("cocoa_butter", "Cocoa butter"),
    ("buttermilk_x", "Butterscotch chips"),
    ("ginger_fresh", "Ginger, fresh"),  # fresh root, not ground
    ("cinnamon_sticks", "Cinnamon sticks"),
    ("nutmeg_whole", "Nutmeg, whole"),
    ("cloves_whole", "Cloves, whole"),
    ("allspice_whole", "Allspice, whole"),
    ("sea_salt_flaky", "Sea salt, flaky"),
    ("milk_chocolate", "Milk, chocolate"),  # chocolate milk
    ("coconut_milk_canned", "Coconut milk, canned"),
    ("milk_alternative_almond", "Milk alternative, almond"),
    ("almond_extract", "Almond extract"),
    ("cream_of_mushroom", "Cream of mushroom soup"),
    ("walnuts", "Walnuts"),  # whole or chopped: the chart weighs them differently
    ("almonds", "Almonds"),
    ("candy_melts_white", "Candy melts, white"),
    ("vanilla_bean", "Vanilla bean"),
    ("sugar_pearl", "Sugar, pearl"),
    ("liquid", "Liquid"),
    ("powder", "Powder"),
    ("gluten_free_flour_blend", "Gluten-free flour blend"),
    ("chocolate_chips_semi_sweet_allergen_free", "Chocolate chips, semi-sweet, allergen-free"),
    ("butter", "Peanut butter"),  # name and slug disagree: neither is used
]


@pytest.mark.parametrize(("slug", "name"), NO_MATCH)
def test_no_false_matches(slug: str, name: str) -> None:
    assert reference_for(slug, name) is None


def test_name_keys_reorder_commas_and_fold_case_accents_plurals_and_hyphens() -> None:
    assert name_keys("Flour, all-purpose") == {"all purpose flour"}
    assert name_keys("Nutmeg, ground, East Indian") == {"east indian ground nutmeg", "ground east indian nutmeg"}
    assert name_keys("Crème Fraîche") == {"creme fraiche"}
    assert slug_key("chocolate-chips_white") == "chocolate chip white"
    assert [singular(w) for w in ("cherries", "peaches", "chips", "molasses", "oats", "tomatoes", "gas")] == [
        "cherry", "peach", "chip", "molass", "oat", "tomato", "gas"]


# --- the baker's value wins; the reference fills a gap ----------------------------------------


def test_an_ingredient_without_a_density_gets_the_reference_with_its_source() -> None:
    basis = Ingredient("baking_soda", "Baking soda").conversion_basis
    assert basis.density is not None and basis.density_from is not None
    assert basis.density_from.origin is Origin.REFERENCE and "King Arthur" in basis.density_from.reference
    assert abs(convert(D(1), "G25", "GRM", basis) - D(6)) < Decimal("1e-20")


def test_the_bakers_own_density_wins() -> None:
    own = Density.from_fields(D(1), "cup", D(250), "g")
    basis = Ingredient("baking_soda", "Baking soda", density=own).conversion_basis
    assert basis.density == own and basis.density_from is not None and basis.density_from.origin is Origin.BAKERY
    assert abs(convert(D(1), "G21", "GRM", basis) - D(250)) < Decimal("1e-20")


def test_the_bakers_weight_per_piece_wins_and_the_reference_still_fills_the_density() -> None:
    basis = Ingredient("butter", "Butter", grams_per_item=D(250)).conversion_basis  # a European block
    assert basis.grams_per_item == D(250) and basis.item_weight_from is not None
    assert basis.item_weight_from.origin is Origin.BAKERY
    assert basis.density_from is not None and basis.density_from.origin is Origin.REFERENCE


def test_packaging_never_takes_a_reference() -> None:
    assert Ingredient("flour", "Flour", is_packaging=True).conversion_basis.density is None


# --- one conversion per family -----------------------------------------------------------------

FAMILIES = [  # (family, slug, display name, quantity, from, to, expected)
    ("flour", "flour_bread", "Flour, bread", "1", "G21", "GRM", "120"),
    ("sugar", "sugar_granulated", "Sugar, granulated", "1", "G21", "GRM", "198"),
    ("fat", "shortening", "Shortening", "1", "G21", "GRM", "184"),
    ("dairy", "sour_cream", "Sour cream", "1", "G21", "GRM", "227"),
    ("leavener", "baking_powder", "Baking powder", "1", "G24", "GRM", "12"),
    ("salt", "salt_kosher", "Salt, kosher", "1", "G24", "GRM", "16"),
    ("spice", "ginger_ground", "Ginger, ground", "1", "G25", "GRM", "1.8"),
    ("cocoa", "cocoa_powder_dutch_processed", "Cocoa powder, dutch-processed", "1", "G21", "GRM", "84"),
    ("nut", "pecans_chopped", "Pecans, chopped", "1", "G21", "GRM", "114"),
    ("chocolate", "chocolate_chips_bittersweet", "Chocolate chips, bittersweet", "1", "G21", "GRM", "170"),
    ("extract", "vanilla_extract", "Vanilla extract", "1", "G24", "GRM", "14"),
    ("syrup", "molasses_light", "Molasses, light", "1", "G21", "GRM", "340"),
    ("eggs", "eggs_whole", "Eggs, whole", "1", "DZN", "GRM", "600"),
    ("pieces", "butter_unsalted", "Butter, unsalted", "2", "H87", "G21", "1"),  # two sticks = one cup
]


@pytest.mark.parametrize(("family", "slug", "name", "qty", "src", "dst", "expected"), FAMILIES,
                         ids=[f[0] for f in FAMILIES])
def test_each_family_converts_through_the_reference(
    family: str, slug: str, name: str, qty: str, src: str, dst: str, expected: str
) -> None:
    basis = Ingredient(slug, name).conversion_basis
    assert abs(convert(D(qty), src, dst, basis) - D(expected)) < Decimal("1e-20"), family


@pytest.mark.parametrize(("family", "slug", "name", "qty", "src", "dst", "expected"), FAMILIES[:12],
                         ids=[f[0] for f in FAMILIES[:12]])
def test_each_family_counts_a_lot_by_weight_against_a_recipe_by_volume_in_a_plan(
    family: str, slug: str, name: str, qty: str, src: str, dst: str, expected: str
) -> None:
    b = BakeryBuilder().ingredient(slug)
    b.bakery.ingredients[slug] = Ingredient(slug, name)
    b.recipe("r", [(slug, qty, src)]).unit("u", "r", 1).event("e", [("u", 1)])
    b.product("p", slug, 1, "kg").lot("l1", "p", 1)
    plan = plan_event(b.bakery, "e")
    line = plan.shopping_list[0]
    assert line.on_hand > 0 and line.to_buy == 0, family
    assert not any("without a density" in w for w in plan.warnings), family
    (factor,) = line.factors
    assert (factor.factor, factor.origin) == (Factor.DENSITY, Origin.REFERENCE)
    entry = plan_to_json(plan)["shopping_list"][0]["density"]
    assert entry["source"] == "reference" and entry["reference"] and entry["stated"]


def test_eggs_stocked_by_the_dozen_weight_count_against_eggs_by_the_piece() -> None:
    b = BakeryBuilder().ingredient("eggs_whole")
    b.bakery.ingredients["eggs_whole"] = Ingredient("eggs_whole", "Eggs, whole")
    b.recipe("r", [("eggs_whole", 3, "each")]).unit("u", "r", 1).event("e", [("u", 1)])
    b.product("p", "eggs_whole", 1, "kg").lot("l1", "p", 1)
    line = plan_event(b.bakery, "e").shopping_list[0]
    assert line.on_hand == D(20) and [f.factor for f in line.factors] == [Factor.WEIGHT_PER_PIECE]


def test_no_density_is_reported_when_nothing_crosses_dimensions() -> None:
    b = BakeryBuilder().ingredient("baking_soda").recipe("r", [("baking_soda", 1, "tsp")])
    b.unit("u", "r", 1).event("e", [("u", 1)])
    plan_json = plan_to_json(plan_event(b.bakery, "e"))
    assert "density" not in plan_json["shopping_list"][0] and "density" not in plan_json["ingredients"][0]


def test_an_ingredient_in_no_table_is_still_warned_about_by_name() -> None:
    b = BakeryBuilder().ingredient("house_blend").recipe("r", [("house_blend", 1, "cup")])
    b.unit("u", "r", 1).event("e", [("u", 1)]).product("p", "house_blend", 1, "lb").lot("l1", "p", 1)
    assert any(w.startswith("house_blend:") and "without a density" in w for w in plan_event(b.bakery, "e").warnings)


# --- the winter sample -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def winter() -> object:
    return import_desktop(load_fixture("desktop-plans/winter_events.json")).bakery


def test_winter_market_has_no_density_warning_for_anything_the_table_covers(winter: object) -> None:
    from core.bakery import Bakery

    assert isinstance(winter, Bakery)
    plan = plan_event(winter, "winter-market-2026")
    covered = {slug for slug, i in winter.ingredients.items() if reference_for(slug, i.display_name)}
    assert not [w for w in plan.warnings if w.split(":")[0] in covered and "density" in w]
    assert plan.warnings == ()
    lines = {line.ingredient_slug: line for line in plan.shopping_list}
    for slug in ("salt_fine", "salt_kosher", "ginger_ground", "baking_soda", "baking_powder", "cinnamon_ground"):
        assert lines[slug].on_hand > lines[slug].needed and lines[slug].to_buy == 0, slug
        assert lines[slug].factors[0].origin is Origin.REFERENCE, slug
    assert lines["cardamom_ground"].on_hand > 0 and lines["cardamom_ground"].to_buy < lines["cardamom_ground"].needed
    text = render_plan_text(plan)
    assert "Reference weights used" in text and "Salt, fine: reference density of table salt" in text


def test_the_bakers_own_densities_in_the_winter_sample_are_still_the_ones_used(winter: object) -> None:
    from core.bakery import Bakery

    assert isinstance(winter, Bakery)
    plan = plan_event(winter, "winter-market-2026")
    butter = next(line for line in plan.shopping_list if line.ingredient_slug == "butter_unsalted")
    assert butter.factors[0].origin is Origin.BAKERY  # the file's 1 cup = 8.01 oz, not the chart's 227 g


# --- export --------------------------------------------------------------------------------


def test_an_exported_ingredient_with_only_a_reference_density_has_no_density_fields() -> None:
    b = BakeryBuilder().ingredient("baking_soda").ingredient("sugar", ("1", "cup", "200", "g"))
    assert b.bakery.ingredients["baking_soda"].conversion_basis.density is not None  # the reference is there
    rows = {row["slug"]: row for row in export_desktop(b.bakery)["ingredients"]}
    assert not [k for k in rows["baking_soda"] if k.startswith("density") or k == "grams_per_item"]
    assert rows["sugar"]["density_weight_value"] == 200
