"""Production runs consume every ingredient (nested recipes too) by FIFO or nothing; assembly uses finished stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from core.catalog.entities import Ingredient, Material, MaterialProduct
from core.errors import InsufficientStockError, NotFoundError, ValidationError
from core.measures.units import Density
from core.planning.events import AssemblyRun, Loss, LossCategory, ProductionRun
from core.recipes.entities import FinishedUnit, Recipe, RecipeComponent, RecipeIngredient, YieldMode
from core.recipes.finished_goods import AssemblyType, ComponentKind, FinishedGood, FinishedGoodComponent
from core.stock.lots import Lot, MaterialLot
from core.stock.production import (
    FinishedStock,
    ProductionResult,
    assemble,
    finished_stock,
    ingredient_needs,
    produce,
)

AT = dt.datetime(2026, 12, 10, 8, 0)


def ingredient(slug: str, grams_per_cup: str) -> Ingredient:
    return Ingredient(slug, slug, density=Density.from_fields(D(1), "G21", D(grams_per_cup), "GRM"))


INGREDIENTS = {i.slug: i for i in (ingredient("flour", "120"), ingredient("sugar", "200"), ingredient("butter", "227"))}
RECIPES = {
    "fudge": Recipe("fudge", "Fudge", ingredients=(
        RecipeIngredient("sugar", D(2), "G21"), RecipeIngredient("butter", D(4), "G24"))),
    "fruitcake": Recipe("fruitcake", "Fruit Cake", ingredients=(
        RecipeIngredient("flour", D(3), "G21"), RecipeIngredient("butter", D("0.5"), "G21")),
        components=(RecipeComponent("fudge", D("0.25")),)),
    "cake": Recipe("cake", "Cake", ingredients=(RecipeIngredient("flour", D(2), "G21"),)),
    "plain": Recipe("plain", "Plain", ingredients=(RecipeIngredient("sugar", D(1), "G21"),)),
}
UNITS = [
    FinishedUnit("fudge-square", "fudge", "Fudge square", items_per_batch=D(64), item_unit="square"),
    FinishedUnit("cake-quarter", "fruitcake", "Quarter", YieldMode.BATCH_PORTION, batch_percentage=D(25)),
    FinishedUnit("cake-whole", "cake", "Whole cake"),
    FinishedUnit("cake-slice", "cake", "Slice", items_per_batch=D(12)),
]


def lot(lot_id: str, slug: str, quantity: str, unit: str, cost: str = "0.01", day: int = 1) -> Lot:
    return Lot(lot_id, f"p-{slug}", slug, D(quantity), unit, D(cost), dt.date(2026, 11, day))


PANTRY = [
    lot("flour-1", "flour", "2000", "GRM", "0.002"),
    lot("sugar-1", "sugar", "1000", "GRM", "0.003"),
    lot("butter-1", "butter", "1", "LBR", "4"),
]


def bake(recipe: str, batches: str, lots: list[Lot] = PANTRY, **kwargs: object) -> tuple[ProductionRun, list[Lot]]:
    result = produce(recipe, D(batches), recipes=RECIPES, ingredients=INGREDIENTS, lots=lots,
                     finished_units=UNITS, run_id="run-1", produced_at=AT, **kwargs)  # type: ignore[arg-type]
    return result.run, list(result.lots)


def test_a_batch_needs_its_own_ingredients_and_its_nested_recipes_scaled() -> None:
    needs = {(n.ingredient_slug, n.unit): n.quantity for n in ingredient_needs("fruitcake", D(2), RECIPES, INGREDIENTS)}
    # butter: 2 × 0.5 cup + 2 × 0.25 × 4 tbsp (= 0.125 cup) → 1.125 cup; sugar: 2 × 0.25 × 2 cup
    assert needs == {("flour", "G21"): D(6), ("butter", "G21"): D("1.125"), ("sugar", "G21"): D(1)}


def test_production_consumes_nested_component_ingredients_too() -> None:
    run, changed = bake("fruitcake", "2")
    left = {x.id: x.quantity for x in changed}
    assert left["flour-1"] == D(2000) - 6 * 120
    assert left["sugar-1"] == D(1000) - 200  # only through the 0.25 batch of fudge per cake
    assert abs(left["butter-1"] - (D(1) - D("1.125") * 227 / D("453.59237"))) < D("1e-20")
    assert {d.item_slug for d in run.lot_draws} == {"flour", "sugar", "butter"}


def test_a_run_short_of_any_ingredient_is_refused_naming_every_shortage() -> None:
    little = [lot("flour-1", "flour", "100", "GRM"), *PANTRY[1:]]
    with pytest.raises(InsufficientStockError, match=r"cannot make 2 batches of Fruit Cake.*flour: need 6 cup"):
        bake("fruitcake", "2", little)


def test_a_refused_run_lists_all_short_ingredients_at_once() -> None:
    with pytest.raises(InsufficientStockError) as caught:
        bake("fruitcake", "2", [])
    assert "flour" in caught.value.message and "sugar" in caught.value.message and "butter" in caught.value.message


def test_expected_yield_is_batches_times_units_per_batch() -> None:
    run, _ = bake("fudge", "2")
    assert (run.finished_unit_slug, run.expected_yield, run.actual_yield) == ("fudge-square", 128, 128)


def test_a_quarter_portion_yields_four_per_batch() -> None:
    run, _ = bake("fruitcake", "2")
    assert run.expected_yield == 8


def test_losses_by_category_come_out_of_the_actual_yield() -> None:
    run, _ = bake("fudge", "1", losses=[Loss(LossCategory.BURNT, D(10)), Loss(LossCategory.DROPPED, D(4))])
    assert run.actual_yield == 50
    assert [loss.category for loss in run.losses] == [LossCategory.BURNT, LossCategory.DROPPED]


def test_a_shortfall_in_yield_no_loss_explains_is_recorded_as_other() -> None:
    run, _ = bake("fudge", "1", actual_yield=D(60), losses=[Loss(LossCategory.BROKEN, D(1))])
    assert [(loss.category, loss.quantity) for loss in run.losses] == [
        (LossCategory.BROKEN, 1), (LossCategory.OTHER, 3)]


def test_actual_yield_above_expected_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"actual yield \(65\) cannot exceed the expected yield \(64\)"):
        bake("fudge", "1", actual_yield=D(65))


def test_losses_larger_than_the_yield_are_refused() -> None:
    with pytest.raises(ValidationError, match="losses"):
        bake("fudge", "1", losses=[Loss(LossCategory.BURNT, D(65))])


def test_cost_per_unit_is_ingredient_cost_over_units_actually_made() -> None:
    run, _ = bake("plain", "1", finished_unit_slug=None)
    assert run.ingredient_cost == D("0.6")  # 200 g of sugar at 0.003
    assert run.expected_yield == 1 and run.finished_unit_slug is None
    assert run.cost_per_unit == D("0.6")


def test_a_run_that_made_nothing_has_no_cost_per_unit() -> None:
    run, _ = bake("fudge", "1", actual_yield=D(0))
    assert run.cost_per_unit is None and run.losses[0].quantity == 64


def test_a_recipe_with_several_finished_units_needs_to_be_told_which() -> None:
    with pytest.raises(ValidationError, match=r"several finished units \(cake-slice, cake-whole\)"):
        bake("cake", "1")
    run, _ = bake("cake", "1", finished_unit_slug="cake-slice")
    assert run.expected_yield == 12


def test_a_finished_unit_of_another_recipe_is_refused() -> None:
    with pytest.raises(ValidationError, match="Cake has no finished unit 'fudge-square'"):
        bake("cake", "1", finished_unit_slug="fudge-square")


def test_an_unknown_recipe_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="unknown recipe 'pie'"):
        bake("pie", "1")


@pytest.mark.parametrize("batches", ["0", "-1"])
def test_batches_must_be_positive(batches: str) -> None:
    with pytest.raises(ValidationError, match="batches must be greater than 0"):
        bake("fudge", batches)


def test_runs_carry_their_event() -> None:
    run, _ = bake("fudge", "1", event_slug="winter-market")
    assert run.event_slug == "winter-market"


def test_a_run_with_a_lot_of_unknown_cost_flags_its_cost_as_incomplete() -> None:
    run, _ = bake("plain", "1", [Lot("s", "p", "sugar", D(500), "GRM", None, dt.date(2026, 1, 1))])
    assert not run.ingredient_cost_complete and run.cost_per_unit is None


# -- assembly --------------------------------------------------------------------------------

TIN = FinishedGood("tin", "Cookie Tin", AssemblyType.BUNDLE, (
    FinishedGoodComponent(ComponentKind.FINISHED_UNIT, "fudge-square", D(6)),
    FinishedGoodComponent(ComponentKind.MATERIAL, "tin_box", D(1)),
))
PLATTER = FinishedGood("platter", "Party Platter", AssemblyType.BUNDLE, (
    FinishedGoodComponent(ComponentKind.FINISHED_GOOD, "tin", D(2)),
    FinishedGoodComponent(ComponentKind.FINISHED_UNIT, "cake-quarter", D("0.5")),
))
GOODS = {g.slug: g for g in (TIN, PLATTER)}
MATERIALS = {"tin_box": Material("tin_box", "Tin box")}
MATERIAL_PRODUCTS = {
    "tin_box_10": MaterialProduct("tin_box_10", "tin_box", "Tins x10", package_quantity=D(10)),
    "tin_box_4": MaterialProduct("tin_box_4", "tin_box", "Tins x4", package_quantity=D(4)),
}
TINS = [
    MaterialLot("tins-new", "tin_box_10", D(10), D("1.2"), dt.date(2026, 11, 20)),
    MaterialLot("tins-old", "tin_box_4", D(2), D("2"), dt.date(2026, 11, 1)),
]


def put_together(slug: str, quantity: str, stock: FinishedStock, lots: list[MaterialLot] = TINS) -> AssemblyRun:
    return assemble(slug, D(quantity), finished_goods=GOODS, stock=stock, materials=MATERIALS,
                    material_products=MATERIAL_PRODUCTS, material_lots=lots, run_id="asm-1",
                    assembled_at=AT).run


def test_assembly_takes_finished_units_and_packaging_oldest_first() -> None:
    result = assemble("tin", D(3), finished_goods=GOODS, stock=FinishedStock({"fudge-square": D(64)}, {}),
                      materials=MATERIALS, material_products=MATERIAL_PRODUCTS, material_lots=TINS,
                      run_id="asm-1", assembled_at=AT)
    assert [(u.slug, u.quantity) for u in result.run.items_used] == [("fudge-square", 18)]
    assert [(d.lot_id, d.quantity) for d in result.run.material_draws] == [("tins-old", 2), ("tins-new", 1)]
    assert result.run.packaging_cost == D("5.2")
    assert {x.id: x.quantity for x in result.material_lots} == {"tins-new": 9, "tins-old": 0}


def test_assembly_short_of_finished_units_is_refused() -> None:
    with pytest.raises(InsufficientStockError, match="fudge-square: need 18 each, have 10 each, short 8"):
        put_together("tin", "3", FinishedStock({"fudge-square": D(10)}, {}))


def test_assembly_short_of_packaging_is_refused() -> None:
    with pytest.raises(InsufficientStockError, match="tin_box: need 13 each, have 12 each"):
        put_together("tin", "13", FinishedStock({"fudge-square": D(100)}, {}))


def test_a_bundle_of_bundles_takes_the_inner_goods_from_stock() -> None:
    run = put_together("platter", "2", FinishedStock({"cake-quarter": D(1)}, {"tin": D(4)}))
    assert sorted((u.kind.value, u.slug, u.quantity) for u in run.items_used) == [
        ("finished_good", "tin", 4), ("finished_unit", "cake-quarter", 1)]
    assert run.material_draws == ()


def test_goods_are_assembled_in_whole_numbers() -> None:
    with pytest.raises(ValidationError, match="whole number"):
        put_together("tin", "1.5", FinishedStock({"fudge-square": D(100)}, {}))


def test_packaging_that_is_no_known_material_is_an_error() -> None:
    odd = {"odd": FinishedGood("odd", "Odd", AssemblyType.BUNDLE,
                               (FinishedGoodComponent(ComponentKind.MATERIAL, "ribbon-6in", D(1)),))}
    with pytest.raises(NotFoundError, match="packaging 'ribbon-6in' of Odd"):
        assemble("odd", D(1), finished_goods=odd, stock=FinishedStock({}, {}), materials=MATERIALS,
                 material_products=MATERIAL_PRODUCTS, material_lots=TINS, run_id="a", assembled_at=AT)


def test_finished_stock_is_produced_minus_assembled() -> None:
    made = [ProductionRun("r1", "fudge", D(1), AT, finished_unit_slug="fudge-square", actual_yield=D(60))]
    assembled = [put_together("tin", "3", FinishedStock({"fudge-square": D(60)}, {}))]
    stock = finished_stock(made, assembled, GOODS)
    assert stock.units == {"fudge-square": D(42)}
    assert stock.goods == {"tin": D(3)}


def test_an_imported_assembly_run_is_assumed_to_have_used_its_goods_composition() -> None:
    made = [ProductionRun("r1", "fudge", D(1), AT, finished_unit_slug="fudge-square", actual_yield=D(64))]
    imported = [AssemblyRun("a1", "tin", D(2), AT)]
    assert finished_stock(made, imported, GOODS).units == {"fudge-square": D(52)}


# -- needs whose lots cannot be converted: recorded, not deducted ------------------------------
# (ingredients no reference table knows, so that these tests hold whatever densities it has)

SALTY = {
    "pretzel": Recipe("pretzel", "Pretzel", ingredients=(
        RecipeIngredient("flour", D(1), "G21"), RecipeIngredient("house_salt", D(2), "G25"))),
    "eggy": Recipe("eggy", "Egg bread", ingredients=(RecipeIngredient("widget", D(3), "H87"),)),
}
SALT_INGREDIENTS = {**INGREDIENTS, "house_salt": Ingredient("house_salt", "House salt blend"),
                    "widget": Ingredient("widget", "Widget")}


def salt_lot(lot_id: str, quantity: str, unit: str, cost: str = "0.01", day: int = 1) -> Lot:
    return lot(lot_id, "house_salt", quantity, unit, cost, day)


def bake_salty(recipe: str, lots: list[Lot], batches: str = "1") -> ProductionResult:
    return produce(recipe, D(batches), recipes=SALTY, ingredients=SALT_INGREDIENTS, lots=lots, finished_units=(),
                   run_id="run-s", produced_at=AT)


def test_an_ingredient_whose_lots_cannot_be_converted_is_recorded_as_not_deducted() -> None:
    lots = [PANTRY[0], salt_lot("salt-1", "3", "LBR", "0.5")]
    result = bake_salty("pretzel", lots)
    (salt,) = result.run.not_deducted
    assert (salt.item_slug, salt.quantity, salt.unit, salt.lot_ids) == ("house_salt", D(2), "G25", ("salt-1",))
    assert salt.reason == ("house_salt: lot salt-1 is in lb (LBR), which cannot be converted to tsp (G25): "
                           "no density")
    assert salt.fix == "set the density of house_salt (1 cup = … oz)"
    assert [x.id for x in result.lots] == ["flour-1"]  # the house_salt lot is untouched: stock is never guessed
    assert result.lots[0].quantity == 2000 - 120
    assert result.run.ingredient_cost == D("0.240") and not result.run.ingredient_cost_complete
    assert result.run.cost_per_unit is None  # the known cost is a lower bound, not a cost per unit


def test_a_count_needed_from_lots_by_weight_asks_for_a_weight_per_piece() -> None:
    (widgets,) = bake_salty("eggy", [lot("widget-1", "widget", "2", "LBR")]).run.not_deducted
    assert widgets.fix == "set a weight per piece of widget (1 each = … g)" and "no weight per piece" in widgets.reason


def test_short_of_a_convertible_ingredient_is_still_refused_even_with_another_not_deducted() -> None:
    lots = [lot("flour-1", "flour", "10", "GRM"), salt_lot("salt-1", "3", "LBR")]
    with pytest.raises(InsufficientStockError, match=r"not enough stock: flour: need 1 cup") as caught:
        bake_salty("pretzel", lots)
    assert "house_salt" not in caught.value.message


def test_an_ingredient_with_no_lots_at_all_is_short() -> None:
    with pytest.raises(InsufficientStockError, match="house_salt: need 2 tsp, have 0 tsp"):
        bake_salty("pretzel", [PANTRY[0]])
    with pytest.raises(InsufficientStockError, match="house_salt: need 2 tsp, have 0 tsp"):  # only an empty lot
        bake_salty("pretzel", [PANTRY[0], salt_lot("salt-0", "0", "LBR")])


def test_convertible_lots_older_than_any_unconvertible_one_are_used_first() -> None:
    lots = [PANTRY[0], salt_lot("salt-tsp", "5", "G25", day=1), salt_lot("salt-lb", "3", "LBR", day=9)]
    result = bake_salty("pretzel", lots)
    assert result.run.not_deducted == ()  # FIFO never reached the pound bag
    assert {x.id: x.quantity for x in result.lots}["salt-tsp"] == 3


def test_what_converts_is_consumed_up_to_the_oldest_unconvertible_lot_and_the_rest_is_not_deducted() -> None:
    lots = [PANTRY[0], salt_lot("salt-tsp", "0.5", "G25", day=1), salt_lot("salt-lb", "3", "LBR", day=5),
            salt_lot("salt-tsp-new", "10", "G25", day=9)]
    result = bake_salty("pretzel", lots)
    (salt,) = result.run.not_deducted
    assert (salt.quantity, salt.lot_ids) == (D("1.5"), ("salt-lb",))
    changed = {x.id: x.quantity for x in result.lots}
    assert changed["salt-tsp"] == 0 and "salt-tsp-new" not in changed  # a newer lot never stands in


def test_an_older_unconvertible_lot_keeps_newer_convertible_lots_untouched() -> None:
    lots = [PANTRY[0], salt_lot("salt-lb", "3", "LBR", day=1), salt_lot("salt-tsp", "10", "G25", day=9)]
    result = bake_salty("pretzel", lots)
    assert [(n.quantity, n.lot_ids) for n in result.run.not_deducted] == [(D(2), ("salt-lb",))]
    assert [x.id for x in result.lots] == ["flour-1"]


def test_a_density_set_later_lets_the_same_run_deduct_everything() -> None:
    dense = {**SALT_INGREDIENTS, "house_salt": ingredient("house_salt", "288")}  # 6 g a tsp
    result = produce("pretzel", D(1), recipes=SALTY, ingredients=dense,
                     lots=[PANTRY[0], salt_lot("s", "1", "KGM")], finished_units=(), run_id="r", produced_at=AT)
    assert result.run.not_deducted == () and {x.id: x.quantity for x in result.lots}["s"] == D("0.988")


def test_packaging_whose_lots_cannot_be_converted_to_its_base_unit_is_recorded_as_not_deducted() -> None:
    by_length = [MaterialLot("tins-m", "tin_box_10", D(3), D(1), dt.date(2026, 10, 1), unit="MTR"), *TINS]
    result = assemble("tin", D(2), finished_goods=GOODS, stock=FinishedStock({"fudge-square": D(64)}, {}),
                      materials=MATERIALS, material_products=MATERIAL_PRODUCTS, material_lots=by_length,
                      run_id="asm-1", assembled_at=AT)
    (boxes,) = result.run.not_deducted
    assert (boxes.item_slug, boxes.quantity, boxes.unit, boxes.lot_ids) == ("tin_box", D(2), "H87", ("tins-m",))
    assert "cannot be converted to each (H87)" in boxes.reason
    assert boxes.fix == "recount the lots of tin_box in each, its base unit, or set its base unit back to m"
    assert result.material_lots == () and not result.run.packaging_cost_complete
    assert [(u.slug, u.quantity) for u in result.run.items_used] == [("fudge-square", 12)]  # units still counted


def test_packaging_in_a_convertible_unit_is_drawn_in_its_own_unit() -> None:
    dozens = [MaterialLot("tins-dz", "tin_box_10", D(1), D(12), dt.date(2026, 10, 1), unit="DZN")]
    result = assemble("tin", D(3), finished_goods=GOODS, stock=FinishedStock({"fudge-square": D(64)}, {}),
                      materials=MATERIALS, material_products=MATERIAL_PRODUCTS, material_lots=dozens,
                      run_id="asm-1", assembled_at=AT)
    assert result.run.not_deducted == () and result.material_lots[0].quantity == D("0.75")
    assert result.run.packaging_cost == D(3)  # 3 tins out of a dozen at $12


def test_not_deducted_survives_the_firestore_codec_and_a_desktop_export() -> None:
    from adapters.document_codec import decode, encode
    from core.bakery import Bakery
    from core.desktop_format.desktop_export import export_desktop
    from core.desktop_format.run_details import not_deducted_of

    run = bake_salty("pretzel", [PANTRY[0], salt_lot("salt-1", "3", "LBR")]).run
    assert decode(ProductionRun, encode(run)) == run
    exported = export_desktop(Bakery(production_runs={run.id: run}))["production_runs"][0]
    assert exported["not_deducted"][0]["quantity"] == "2"
    # the desktop format has no such field: an import keeps it in the run's extra, and it reads back the same
    imported = ProductionRun(run.id, run.recipe_slug, run.batches, AT, extra={"not_deducted": exported["not_deducted"]})
    assert not_deducted_of(imported) == run.not_deducted and imported.cost_per_unit is None
    again = export_desktop(Bakery(production_runs={run.id: imported}))["production_runs"][0]
    assert again["not_deducted"] == exported["not_deducted"]
