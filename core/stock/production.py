"""Production runs (batches baked: ingredients out by FIFO, finished units in) and assembly runs.

Pure: entities in, the run and the lots it changed out. Either the whole run
happens or it is refused with every shortage named; nothing is half-consumed.
A need whose lots cannot be converted into it (no density, no weight per piece)
does not refuse the run — the goods were made — it is recorded as *not deducted*
(`NotDeducted`: item, quantity, unit, why, what would fix it) and its lots are left
as they are: stock is never guessed.

Finished stock is not stored: it is derived from the runs. A finished unit's
stock is Σ actual yield of its production runs − what assembly runs took;
a finished good's stock is Σ assembled − what other assembly runs took.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from core.catalog.entities import Ingredient, Material, MaterialProduct
from core.errors import NotFoundError, ValidationError
from core.measures.quantities import ONE, ZERO, rounded
from core.measures.units import UNITS, ConversionBasis, Dimension, can_convert, convert, symbol_for
from core.planning.events import AssemblyRun, ItemUse, Loss, LossCategory, NotDeducted, ProductionRun
from core.recipes.entities import FinishedUnit, Recipe
from core.recipes.finished_goods import ComponentKind, FinishedGood
from core.recipes.scaling import ingredient_lines_per_batch
from core.stock.fifo import Consumption, Shortage, ShortOfStockError, UnconvertibleLot, consume_fifo, fifo_reach
from core.stock.lots import Lot, LotDraw, MaterialLot


@dataclass(frozen=True, slots=True)
class IngredientNeed:
    ingredient_slug: str
    quantity: Decimal
    unit: str


def ingredient_needs(
    recipe_slug: str, batches: Decimal, recipes: Mapping[str, Recipe], ingredients: Mapping[str, Ingredient]
) -> list[IngredientNeed]:
    """Batches × every ingredient line, nested components included, one need per ingredient.

    Lines are added up in the unit of the ingredient's first line; a line that
    cannot be converted to it (no density) stays a separate need.
    """
    grouped: dict[str, list[IngredientNeed]] = {}
    for line in ingredient_lines_per_batch(recipe_slug, recipes):
        basis = _basis(line.ingredient_slug, ingredients)
        needs = grouped.setdefault(line.ingredient_slug, [])
        amount = line.quantity * batches
        for i, need in enumerate(needs):
            if can_convert(line.unit, need.unit, basis):
                needs[i] = replace(need, quantity=need.quantity + convert(amount, line.unit, need.unit, basis))
                break
        else:
            needs.append(IngredientNeed(line.ingredient_slug, amount, line.unit))
    return [need for slug in sorted(grouped) for need in grouped[slug]]


def _basis(slug: str, ingredients: Mapping[str, Ingredient]) -> ConversionBasis:
    ingredient = ingredients.get(slug)
    return ingredient.conversion_basis if ingredient is not None else ConversionBasis(slug)


def conversion_fix(item: str, from_unit: str, to_unit: str, basis: ConversionBasis) -> str:
    """What would let `item` in `from_unit` convert to `to_unit`: a density, a weight per piece, or other units."""
    dimensions = {UNITS[from_unit].dimension, UNITS[to_unit].dimension}
    wanted: list[str] = []
    if dimensions <= {Dimension.MASS, Dimension.VOLUME, Dimension.COUNT}:
        if Dimension.VOLUME in dimensions and basis.density is None:
            wanted.append(f"the density of {item} (1 cup = … oz)")
        if Dimension.COUNT in dimensions and basis.grams_per_item is None:
            wanted.append(f"a weight per piece of {item} (1 each = … g)")
    if wanted:
        return "set " + " and ".join(wanted)
    return (f"stock {item} in a unit that converts to {symbol_for(to_unit)}, or use {symbol_for(from_unit)} "
            "in the recipe (a container or a length has no fixed weight)")


def _take(
    lots: Iterable[Lot], amount: Decimal, unit: str, basis: ConversionBasis, fix: Callable[[str], str]
) -> tuple[Consumption, NotDeducted | None]:
    """FIFO over the lots it can reach; a shortfall with unconvertible lots left is not deducted, else short.

    The lots reached stop at the oldest lot that cannot be converted, so FIFO order is kept: a newer
    lot is never taken in place of an older one that could not be read. The caller refuses the run
    when the consumption is short and nothing was left undeducted.
    """
    reachable, blocked = fifo_reach(lots, unit, basis)
    used = consume_fifo(reachable, amount, unit, basis, allow_shortfall=True)
    if used.satisfied or not blocked:
        return used, None
    return used, _not_deducted(used.item_slug, used.shortfall, unit, blocked, fix)


def _not_deducted(
    item: str, quantity: Decimal, unit: str, blocked: tuple[UnconvertibleLot, ...], fix: Callable[[str], str]
) -> NotDeducted:
    fixes = dict.fromkeys(fix(b.lot.unit) for b in blocked)
    return NotDeducted(item, quantity, unit, "; ".join(b.reason for b in blocked), "; ".join(fixes),
                       tuple(b.lot.id for b in blocked))


@dataclass(frozen=True, slots=True)
class ProductionResult:
    run: ProductionRun
    consumptions: tuple[Consumption, ...]  # one per ingredient need
    lots: tuple[Lot, ...]  # the lots the run drew from, updated

    @property
    def not_deducted(self) -> tuple[NotDeducted, ...]:
        return self.run.not_deducted


def produce(
    recipe_slug: str,
    batches: Decimal,
    *,
    recipes: Mapping[str, Recipe],
    ingredients: Mapping[str, Ingredient],
    lots: Iterable[Lot],
    finished_units: Iterable[FinishedUnit],
    run_id: str,
    produced_at: dt.datetime,
    finished_unit_slug: str | None = None,
    actual_yield: Decimal | None = None,
    losses: Sequence[Loss] = (),
    event_slug: str | None = None,
    notes: str = "",
) -> ProductionResult:
    """Bake `batches` of a recipe: consume every ingredient by FIFO, or refuse the whole run if one is short.

    An ingredient FIFO cannot convert (no density...) is recorded in `run.not_deducted` instead of
    refusing; what of it could be converted before the oldest unconvertible lot is consumed.
    An ingredient with no stock at all, or with too little and no unconvertible lot, is short.

    Expected yield = batches × the finished unit's units per batch (1 per batch
    when the recipe has none). Without `actual_yield`, actual = expected − losses;
    with it, a gap the losses do not explain is recorded as an "other" loss.
    """
    recipe = recipes.get(recipe_slug)
    if recipe is None:
        raise NotFoundError(f"unknown recipe {recipe_slug!r}", field="recipe_slug")
    if batches <= 0:
        raise ValidationError(f"batches must be greater than 0, got {batches}", field="batches")
    unit = _finished_unit(recipe, finished_units, finished_unit_slug)
    expected = batches * (unit.units_per_batch if unit is not None else ONE)
    actual, all_losses = _yield_and_losses(expected, actual_yield, losses)

    working = {lot.id: lot for lot in lots}
    consumptions: list[Consumption] = []
    shortages: list[Shortage] = []
    not_deducted: list[NotDeducted] = []
    for need in ingredient_needs(recipe_slug, batches, recipes, ingredients):
        own = [lot for lot in working.values() if lot.ingredient_slug == need.ingredient_slug]
        basis = _basis(need.ingredient_slug, ingredients)

        def fix(lot_unit: str, need: IngredientNeed = need, basis: ConversionBasis = basis) -> str:
            return conversion_fix(need.ingredient_slug, lot_unit, need.unit, basis)

        used, left = _take(own, need.quantity, need.unit, basis, fix)
        if left is not None:
            not_deducted.append(left)
        elif not used.satisfied:
            shortages.append(used.shortage())
        working.update((lot.id, lot) for lot in used.changed_lots)
        consumptions.append(used)
    doing = f"make {rounded(batches)} {'batch' if batches == 1 else 'batches'} of {recipe.name}"
    if shortages:
        raise ShortOfStockError(shortages, doing=doing)

    draws = tuple(d for c in consumptions for d in c.draws)
    run = ProductionRun(
        id=run_id,
        recipe_slug=recipe_slug,
        batches=batches,
        produced_at=produced_at,
        event_slug=event_slug,
        finished_unit_slug=unit.slug if unit is not None else None,
        expected_yield=expected,
        actual_yield=actual,
        losses=all_losses,
        ingredient_cost=sum((c.known_cost for c in consumptions), ZERO),
        notes=notes,
        lot_draws=draws,
        not_deducted=tuple(not_deducted),
    )
    changed = {d.lot_id for d in draws}
    return ProductionResult(run, tuple(consumptions), tuple(working[i] for i in sorted(changed)))


def _finished_unit(recipe: Recipe, finished_units: Iterable[FinishedUnit], slug: str | None) -> FinishedUnit | None:
    own = sorted((fu for fu in finished_units if fu.recipe_slug == recipe.slug), key=lambda fu: fu.slug)
    if slug is not None:
        for fu in own:
            if fu.slug == slug:
                return fu
        raise ValidationError(f"{recipe.name} has no finished unit {slug!r}", field="finished_unit_slug")
    if len(own) > 1:
        names = ", ".join(fu.slug for fu in own)
        raise ValidationError(f"{recipe.name} yields several finished units ({names}); say which",
                              field="finished_unit_slug")
    return own[0] if own else None


def _yield_and_losses(
    expected: Decimal, actual: Decimal | None, losses: Sequence[Loss]
) -> tuple[Decimal, tuple[Loss, ...]]:
    for loss in losses:
        if loss.quantity <= 0:
            raise ValidationError(f"a {loss.category} loss must be greater than 0, got {loss.quantity}",
                                  field="losses")
    lost = sum((loss.quantity for loss in losses), ZERO)
    if actual is None:
        if lost > expected:
            raise ValidationError(f"losses ({lost}) exceed the expected yield ({expected})", field="losses")
        return expected - lost, tuple(losses)
    if actual < 0:
        raise ValidationError(f"actual_yield must not be negative, got {actual}", field="actual_yield")
    if actual > expected:
        raise ValidationError(f"actual yield ({actual}) cannot exceed the expected yield ({expected})",
                              field="actual_yield")
    gap = expected - actual
    if lost > gap:
        raise ValidationError(f"losses ({lost}) exceed expected − actual yield ({gap})", field="losses")
    if lost < gap:
        return actual, (*losses, Loss(LossCategory.OTHER, gap - lost, "not explained by the losses recorded"))
    return actual, tuple(losses)


@dataclass(frozen=True, slots=True)
class FinishedStock:
    """Finished units and goods on hand, derived from production and assembly runs."""

    units: dict[str, Decimal]
    goods: dict[str, Decimal]

    def of(self, kind: ComponentKind, slug: str) -> Decimal:
        return (self.units if kind is ComponentKind.FINISHED_UNIT else self.goods).get(slug, ZERO)


def items_used_by(run: AssemblyRun, finished_goods: Mapping[str, FinishedGood]) -> tuple[ItemUse, ...]:
    """What a run took; a run recorded without it (imported) took its good's current composition."""
    if run.items_used:
        return run.items_used
    good = finished_goods.get(run.finished_good_slug)
    if good is None:
        return ()
    return _item_needs(good, run.quantity)


def finished_stock(
    production_runs: Iterable[ProductionRun],
    assembly_runs: Iterable[AssemblyRun],
    finished_goods: Mapping[str, FinishedGood],
) -> FinishedStock:
    units: dict[str, Decimal] = {}
    goods: dict[str, Decimal] = {}
    for prun in production_runs:
        if prun.finished_unit_slug is not None:
            units[prun.finished_unit_slug] = units.get(prun.finished_unit_slug, ZERO) + prun.actual_yield
    for arun in assembly_runs:
        goods[arun.finished_good_slug] = goods.get(arun.finished_good_slug, ZERO) + arun.quantity
        for use in items_used_by(arun, finished_goods):
            pool = units if use.kind is ComponentKind.FINISHED_UNIT else goods
            pool[use.slug] = pool.get(use.slug, ZERO) - use.quantity
    return FinishedStock(units, goods)


def _item_needs(good: FinishedGood, quantity: Decimal) -> tuple[ItemUse, ...]:
    needs: dict[tuple[ComponentKind, str], Decimal] = {}
    for comp in good.components:
        if comp.kind is not ComponentKind.MATERIAL:
            key = (comp.kind, comp.slug)
            needs[key] = needs.get(key, ZERO) + comp.quantity * quantity
    return tuple(ItemUse(kind, slug, q) for (kind, slug), q in sorted(needs.items()))


@dataclass(frozen=True, slots=True)
class AssemblyResult:
    run: AssemblyRun
    material_lots: tuple[MaterialLot, ...]  # the packaging lots drawn from, updated

    @property
    def not_deducted(self) -> tuple[NotDeducted, ...]:
        return self.run.not_deducted


def assemble(
    finished_good_slug: str,
    quantity: Decimal,
    *,
    finished_goods: Mapping[str, FinishedGood],
    stock: FinishedStock,
    materials: Mapping[str, Material],
    material_products: Mapping[str, MaterialProduct],
    material_lots: Iterable[MaterialLot],
    run_id: str,
    assembled_at: dt.datetime,
    event_slug: str | None = None,
    notes: str = "",
) -> AssemblyResult:
    """Assemble `quantity` of a good from finished stock and packaging (FIFO), or refuse if anything is short.

    Packaging whose lots cannot be converted into its material's base unit is recorded in
    `run.not_deducted`, as in production; finished units and goods are counted, never converted.
    """
    good = finished_goods.get(finished_good_slug)
    if good is None:
        raise NotFoundError(f"unknown finished good {finished_good_slug!r}", field="finished_good_slug")
    if quantity <= 0 or quantity != quantity.to_integral_value():
        raise ValidationError(f"quantity must be a whole number greater than 0, got {quantity}", field="quantity")
    if not good.components:
        raise ValidationError(f"{good.display_name} has no components to assemble", field="finished_good_slug")

    items = _item_needs(good, quantity)
    shortages = [
        Shortage(use.slug, use.quantity, max(ZERO, stock.of(use.kind, use.slug)), "H87")
        for use in items
        if stock.of(use.kind, use.slug) < use.quantity
    ]
    working = {lot.id: lot for lot in material_lots}
    draws: list[LotDraw] = []
    known_cost = ZERO
    not_deducted: list[NotDeducted] = []
    for slug, needed in _material_needs(good, quantity):
        material, product_slugs = _material_of(slug, good, materials, material_products)
        views = [_as_lot(lot, material) for lot in working.values() if lot.material_product_slug in product_slugs]

        def fix(lot_unit: str, material: Material = material) -> str:
            return (f"recount the lots of {material.slug} in {symbol_for(material.base_unit)}, its base unit, "
                    f"or set its base unit back to {symbol_for(lot_unit)}")

        used, left = _take(views, needed, material.base_unit, ConversionBasis(material.slug), fix)
        if left is not None:
            not_deducted.append(left)
        elif not used.satisfied:
            shortages.append(used.shortage())
        for view in used.changed_lots:
            working[view.id] = replace(working[view.id], quantity=view.quantity)
        draws.extend(used.draws)
        known_cost += used.known_cost
    if shortages:
        raise ShortOfStockError(shortages, doing=f"assemble {quantity} {good.display_name}")

    run = AssemblyRun(
        id=run_id,
        finished_good_slug=good.slug,
        quantity=quantity,
        assembled_at=assembled_at,
        event_slug=event_slug,
        packaging_cost=known_cost,
        notes=notes,
        items_used=items,
        material_draws=tuple(draws),
        not_deducted=tuple(not_deducted),
    )
    changed = sorted({d.lot_id for d in draws})
    return AssemblyResult(run, tuple(working[i] for i in changed))


def _material_needs(good: FinishedGood, quantity: Decimal) -> list[tuple[str, Decimal]]:
    needs: dict[str, Decimal] = {}
    for comp in good.components:
        if comp.kind is ComponentKind.MATERIAL:
            needs[comp.slug] = needs.get(comp.slug, ZERO) + comp.quantity * quantity
    return sorted(needs.items())


def _material_of(
    slug: str, good: FinishedGood, materials: Mapping[str, Material], products: Mapping[str, MaterialProduct]
) -> tuple[Material, set[str]]:
    """A packaging component names a material (any of its products) or one material product."""
    if slug in materials:
        return materials[slug], {p.slug for p in products.values() if p.material_slug == slug}
    product = products.get(slug)
    if product is not None:
        material = materials.get(product.material_slug, Material(product.material_slug, product.material_slug))
        return material, {product.slug}
    raise NotFoundError(f"packaging {slug!r} of {good.display_name} is not a known material or material product",
                        field="components")


def _as_lot(lot: MaterialLot, material: Material) -> Lot:
    """A packaging lot seen as an ingredient lot, in its own unit (by default its material's base unit), for FIFO."""
    return Lot(lot.id, lot.material_product_slug, material.slug, lot.quantity, lot.unit or material.base_unit,
               lot.unit_cost, lot.purchased_on)

