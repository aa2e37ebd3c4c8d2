"""Writing a `Bakery` in the desktop's JSON format (4.1, as the desktop's own exporter writes it).

References are by slug or name, units are the desktop's words, arrays are sorted
by key so the same bakery always exports the same file, and every field the core
does not model (`extra`, `passthrough`) is written back, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product
from core.desktop_format import run_details as details
from core.desktop_format.desktop_import import (
    EVENT_RECIPE_ROWS,
    IN_RECIPE,
    PACKAGE_COMPOSITIONS,
    desktop_base_slug,
    supplier_display_name,
)
from core.desktop_format.equipment_records import equipment_out
from core.desktop_format.spelling import respell, spelled
from core.measures.units import symbol_for
from core.planning.events import AssemblyRun, Event, ProductionRun
from core.recipes.entities import FinishedUnit, Recipe, YieldMode
from core.recipes.finished_goods import ComponentKind, FinishedGood
from core.stock.lots import Lot, Purchase

EXPORT_VERSION = "4.1"


def _num(value: Decimal) -> int | float:
    """Decimals as JSON numbers: whole ones as ints, others as the shortest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _unit(code: str) -> str:
    return symbol_for(code)


def export_desktop(bakery: Bakery, exported_at: dt.datetime | None = None) -> dict[str, Any]:
    stamp = (exported_at or dt.datetime.now(dt.UTC)).isoformat()
    out: dict[str, Any] = {"version": EXPORT_VERSION, "exported_at": stamp, "application": "bake-tracker"}
    out["suppliers"] = [
        {**s.extra, "slug": s.slug, "name": s.name, "city": s.city, "state": s.state,
         "supplier_type": s.supplier_type, "is_active": s.is_active}
        for s in _sorted(bakery.suppliers)
    ]
    out["ingredients"] = [_ingredient(i) for i in _sorted(bakery.ingredients)]
    out["products"] = [_product(p, bakery) for p in _sorted(bakery.products)]
    out["purchases"] = [_purchase(p, bakery) for p in _sorted(bakery.purchases)]
    out["inventory_items"] = [_lot(lot, bakery) for lot in _sorted(bakery.lots)]
    units_by_recipe: dict[str, list[FinishedUnit]] = {}
    for unit in _sorted(bakery.finished_units):
        units_by_recipe.setdefault(unit.recipe_slug, []).append(unit)
    out["recipes"] = [_recipe(r, bakery, units_by_recipe.get(r.slug, [])) for r in _sorted(bakery.recipes)]
    out["finished_units"] = [_finished_unit(u, bakery) for u in _sorted(bakery.finished_units)]
    out["finished_goods"] = [
        respell({**g.extra, "slug": g.slug, "display_name": g.display_name,
                 "assembly_type": g.extra.get("assembly_type", g.assembly_type.value)}, g.extra, name="display_name")
        for g in _sorted(bakery.finished_goods)
    ]
    out["compositions"] = [row for g in _sorted(bakery.finished_goods) for row in _compositions(g)]
    out["compositions"] += bakery.passthrough.get(PACKAGE_COMPOSITIONS, [])
    out["recipients"] = [
        {**r.extra, "name": r.name, "household_name": r.household_name} for r in _sorted(bakery.recipients)
    ]
    events = _sorted(bakery.events)
    out["events"] = [_event(e) for e in events]
    out["event_recipes"] = [
        _link({**e.extra.get(EVENT_RECIPE_ROWS, {}).get(slug, {}), "recipe_slug": slug,
               "recipe_name": bakery.recipes[slug].name}, e, bakery)
        for e in events
        for slug in e.recipe_slugs
        if slug in bakery.recipes
    ]
    out["event_finished_goods"] = [
        _link({**fg.extra, "finished_good_slug": fg.finished_good_slug,
               "finished_good_name": _good_name(bakery, fg.finished_good_slug), "quantity": _num(fg.quantity)},
              e, bakery)
        for e in events
        for fg in e.finished_goods
    ]
    out["event_production_targets"] = [
        _link({**t.extra, "recipe_slug": t.recipe_slug,
               "recipe_name": bakery.recipes[t.recipe_slug].name if t.recipe_slug in bakery.recipes else t.recipe_slug,
               "target_batches": _num(t.target_batches)}, e, bakery)
        for e in events
        for t in e.production_targets
    ]
    out["event_assembly_targets"] = [
        _link({**t.extra, "finished_good_slug": t.finished_good_slug,
               "finished_good_name": _good_name(bakery, t.finished_good_slug),
               "target_quantity": _num(t.target_quantity)}, e, bakery)
        for e in events
        for t in e.assembly_targets
    ]
    out["event_recipient_packages"] = [
        _link({**p.extra, "recipient_name": p.recipient_name, "package_name": p.package_name,
               "quantity": _num(p.quantity)}, e, bakery)
        for e in events
        for p in e.recipient_packages
    ]
    out["production_runs"] = [
        {**run.extra, "id": run.id, "recipe_slug": run.recipe_slug,
         "recipe_name": bakery.recipes[run.recipe_slug].name if run.recipe_slug in bakery.recipes else None,
         "batches": _num(run.batches), "produced_at": run.produced_at.isoformat(),
         "event_slug": run.event_slug, "finished_unit_slug": run.finished_unit_slug,
         "expected_yield": _num(run.expected_yield), "actual_yield": _num(run.actual_yield), "notes": run.notes,
         "ingredient_cost": str(run.ingredient_cost), "losses": details.losses_out(run.losses),
         "lot_draws": details.draws_out(run.lot_draws), **_not_deducted(run)}
        for run in _sorted(bakery.production_runs)
    ]
    out["assembly_runs"] = [
        {**run.extra, "id": run.id, "finished_good_slug": run.finished_good_slug, "quantity": _num(run.quantity),
         "assembled_at": run.assembled_at.isoformat(), "event_slug": run.event_slug, "notes": run.notes,
         "packaging_cost": str(run.packaging_cost), "items_used": details.uses_out(run.items_used),
         "material_draws": details.draws_out(run.material_draws), **_not_deducted(run)}
        for run in _sorted(bakery.assembly_runs)
    ]
    out["materials"] = [
        {**m.extra, "slug": m.slug, "name": m.extra.get("name", m.name), "display_name": m.name,
         "category": m.category, "base_unit_type": m.extra.get("base_unit_type", "each")}
        for m in _sorted(bakery.materials)
    ]
    out["material_products"] = [
        respell({**mp.extra, "slug": mp.slug, "material_slug": mp.material_slug, "name": mp.name, "brand": mp.brand,
                 "package_quantity": _num(mp.package_quantity), "package_unit": _unit(mp.package_unit),
                 "supplier_slug": mp.supplier_slug}, mp.extra, "package_unit")
        for mp in _sorted(bakery.material_products)
    ]
    out["inventory_depletions"] = [details.depletion_out(d) for d in _sorted(bakery.depletions)]
    out["material_lots"] = [details.material_lot_out(m) for m in _sorted(bakery.material_lots)]
    _respell_runs(out, bakery)
    if bakery.equipment:  # this project's section (the desktop ignores it): only when there is equipment
        out["equipment"] = equipment_out(bakery)
    for key in sorted(set(bakery.passthrough) - {PACKAGE_COMPOSITIONS}):
        out.setdefault(key, bakery.passthrough[key])
    return out


def _not_deducted(run: ProductionRun | AssemblyRun) -> dict[str, Any]:
    """The desktop has no such field: written only when there is something, after the run's extra, so a
    list that came back from a file (kept in extra by the import) is written again as it was."""
    return {"not_deducted": details.not_deducted_out(run.not_deducted)} if run.not_deducted else {}


def _link(row: dict[str, Any], event: Event, bakery: Bakery) -> dict[str, Any]:
    """An event_* row: the event by slug and name (and year when the file gave one), names as the file wrote them."""
    row = {**row, "event_slug": event.slug, "event_name": spelled(row.get("event_name"), event.name, event.slug)}
    if "event_year" in row and event.year is not None:
        row["event_year"] = spelled(row["event_year"], event.year)
    recipe = bakery.recipes.get(row.get("recipe_slug") or "")
    if recipe is not None and "recipe_name" in row:
        row["recipe_name"] = spelled(row["recipe_name"], recipe.name, recipe.slug)
    return row


def _respell_runs(out: dict[str, Any], bakery: Bakery) -> None:
    """Runs as the desktop writes them (num_batches, quantity_assembled, event_name, its time stamps) too."""
    for row in out["production_runs"]:
        run = bakery.production_runs[row["id"]]
        event = bakery.events.get(run.event_slug or "")
        recipe = bakery.recipes.get(run.recipe_slug)
        respell(row, run.extra, "produced_at", num_batches="batches")
        if "recipe_name" in run.extra and recipe is not None:
            row["recipe_name"] = spelled(run.extra["recipe_name"], recipe.name, recipe.slug)
        if event is not None:
            row["event_name"] = spelled(run.extra.get("event_name"), event.name, event.slug)
    for row in out["assembly_runs"]:
        assembly = bakery.assembly_runs[row["id"]]
        event = bakery.events.get(assembly.event_slug or "")
        respell(row, assembly.extra, "assembled_at", quantity_assembled="quantity")
        row["finished_good_name"] = spelled(assembly.extra.get("finished_good_name"),
                                            _good_name(bakery, assembly.finished_good_slug),
                                            assembly.finished_good_slug)
        if event is not None:
            row["event_name"] = spelled(assembly.extra.get("event_name"), event.name, event.slug)


def _sorted(items: dict[str, Any]) -> list[Any]:
    return [items[k] for k in sorted(items)]


def _ingredient(i: Ingredient) -> dict[str, Any]:
    row: dict[str, Any] = {**i.extra, "slug": i.slug, "display_name": i.display_name, "category": i.category,
                           "hierarchy_level": i.hierarchy_level, "parent_slug": i.parent_slug,
                           "is_packaging": i.is_packaging}
    if i.density is not None:
        row |= {
            "density_volume_value": _num(i.density.volume_value),
            "density_volume_unit": _unit(i.density.volume_unit),
            "density_weight_value": _num(i.density.weight_value),
            "density_weight_unit": _unit(i.density.weight_unit),
        }
        respell(row, i.extra, "density_volume_unit", "density_weight_unit")
    if "name" in i.extra:
        row["name"] = spelled(i.extra["name"], i.display_name)
    if i.grams_per_item is not None:
        row["grams_per_item"] = _num(i.grams_per_item)
    return row


def _product(p: Product, bakery: Bakery) -> dict[str, Any]:
    supplier = bakery.suppliers.get(p.preferred_supplier_slug) if p.preferred_supplier_slug else None
    row = {
        **p.extra, "id": p.id, "ingredient_slug": p.ingredient_slug, "brand": p.brand, "product_name": p.product_name,
        "package_unit": _unit(p.package_unit), "package_unit_quantity": _num(p.package_unit_quantity),
        "package_type": p.package_type, "upc_code": p.upc or None, "gtin": p.gtin or None, "preferred": p.preferred,
        "preferred_supplier_slug": p.preferred_supplier_slug,
        # The desktop's own reference: its supplier's display name, and the supplier's id in that database.
        "preferred_supplier_name": supplier_display_name(supplier) if supplier else None, "is_hidden": p.is_hidden,
    }
    if supplier is not None:
        row["preferred_supplier_name"] = spelled(p.extra.get("preferred_supplier_name"), row["preferred_supplier_name"],
                                                 supplier.name, supplier.slug)
    supplier_id = supplier.extra.get("id") if supplier else None
    if supplier_id is not None or "preferred_supplier_id" in p.extra:
        row["preferred_supplier_id"] = spelled(p.extra.get("preferred_supplier_id"), supplier_id)
    if "is_preferred" in p.extra:
        row["is_preferred"] = p.preferred
    return respell(row, p.extra, "package_unit")


def _product_ref(product_id: str, bakery: Bakery, extra: dict[str, Any]) -> dict[str, Any]:
    """A purchase's or lot's product, as the desktop names it; aliases and unit words as the file wrote them."""
    p = bakery.products[product_id]
    row = {"ingredient_slug": p.ingredient_slug, "product_brand": p.brand, "product_name": p.product_name,
           "package_unit": _unit(p.package_unit), "package_unit_quantity": _num(p.package_unit_quantity)}
    respell(row, extra, "package_unit", brand="product_brand")
    for alias in ("upc", "upc_code"):
        if alias in extra:
            row[alias] = spelled(extra[alias], p.upc or p.gtin or None)
    return row


def _purchase(p: Purchase, bakery: Bakery) -> dict[str, Any]:
    extra = {k: v for k, v in p.extra.items() if k != "unit_cost_field"}
    supplier = bakery.suppliers.get(p.supplier_slug or "")
    row = {**extra, "id": p.id, **_product_ref(p.product_id, bakery, extra), "supplier_slug": p.supplier_slug,
           "purchase_date": p.purchased_on.isoformat(), "quantity_purchased": _num(p.quantity_purchased),
           "unit_price": _num(p.unit_price), "total_cost": _num(p.total_cost), "notes": p.notes}
    respell(row, extra, "id", "purchase_date", purchased_at="purchase_date")
    for alias in ("supplier", "supplier_name"):
        if alias in extra and supplier is not None:
            row[alias] = spelled(extra[alias], supplier.name, supplier_display_name(supplier), supplier.slug)
    if "supplier_id" in extra and supplier is not None and "id" in supplier.extra:
        row["supplier_id"] = supplier.extra["id"]
    return row


def _lot(lot: Lot, bakery: Bakery) -> dict[str, Any]:
    row = {**lot.extra, "id": lot.id, **_product_ref(lot.product_id, bakery, lot.extra),
           "quantity": _num(lot.quantity), "purchase_date": lot.purchased_on.isoformat(), "location": lot.location}
    if lot.unit_cost is not None:  # a cost derived by division may need more digits than a float keeps
        cost = _num(lot.unit_cost)
        row["unit_cost"] = cost if Decimal(str(cost)) == lot.unit_cost else str(lot.unit_cost)
    if lot.purchase_id is not None:
        row["purchase_id"] = lot.purchase_id
    if lot.initial_quantity is not None:
        row["initial_quantity"] = _num(lot.initial_quantity)
    return respell(row, lot.extra, "id", "purchase_date", "purchase_id")


def _recipe(r: Recipe, bakery: Bakery, units: list[FinishedUnit]) -> dict[str, Any]:
    base = bakery.recipes.get(r.base_recipe_slug) if r.base_recipe_slug else None
    base_ref: Any = r.base_recipe_slug
    if base is not None:  # the file's spelling while it names the base, else the desktop's own form
        base_ref = spelled(r.extra.get("base_recipe_slug"), desktop_base_slug(base.name), base.name, base.slug)
    components = []
    for c in r.components:
        component = bakery.recipes.get(c.recipe_slug)
        row = {**c.extra, "recipe_slug": c.recipe_slug, "recipe_name": component.name if component else None,
               "quantity": _num(c.quantity)}
        if component is not None:
            for alias in ("recipe_name", "component_recipe_slug"):
                if alias in c.extra:
                    row[alias] = spelled(c.extra[alias], component.name, component.slug)
        components.append(row)
    return {
        **r.extra, "slug": r.slug, "name": r.name, "category": r.category,
        "base_recipe_slug": base_ref, "variant_name": r.variant_name,
        "ingredients": [
            respell({**line.extra, "ingredient_slug": line.ingredient_slug, "quantity": _num(line.quantity),
                     "unit": _unit(line.unit)}, line.extra, "unit")
            for line in r.ingredients
        ],
        "components": components,
        "finished_units": [_unit_in_recipe(u) for u in units],
    }


def _unit_in_recipe(u: FinishedUnit) -> dict[str, Any]:
    """A recipe's own list, as the desktop writes it: for a portion, unit_yield_quantity is its percentage
    of the batch and unit_yield_unit its description."""
    row: dict[str, Any] = {**u.extra.get(IN_RECIPE, {}), "slug": u.slug, "name": u.display_name,
                           "yield_mode": u.extra.get("yield_mode", u.yield_mode.value)}
    if u.yield_mode is YieldMode.BATCH_PORTION:
        row["unit_yield_quantity"] = _num(u.batch_percentage)
        if u.extra.get("portion_description") is not None:
            row["unit_yield_unit"] = u.extra["portion_description"]
    else:
        row |= {"unit_yield_quantity": _num(u.items_per_batch), "unit_yield_unit": u.item_unit}
    return row


def _finished_unit(u: FinishedUnit, bakery: Bakery) -> dict[str, Any]:
    recipe = bakery.recipes.get(u.recipe_slug)
    extra = {k: v for k, v in u.extra.items() if k != IN_RECIPE}
    row: dict[str, Any] = {**extra, "slug": u.slug, "recipe_slug": u.recipe_slug,
                           "recipe_name": recipe.name if recipe else None, "display_name": u.display_name,
                           "yield_mode": u.extra.get("yield_mode", u.yield_mode.value),
                           "items_per_batch": _num(u.items_per_batch), "item_unit": u.item_unit}
    if u.yield_mode is YieldMode.BATCH_PORTION or u.batch_percentage != 100:
        row["batch_percentage"] = _num(u.batch_percentage)
    if recipe is not None and "recipe_name" in extra:
        row["recipe_name"] = spelled(extra["recipe_name"], recipe.name, recipe.slug)
    portion = u.yield_mode is YieldMode.BATCH_PORTION
    return respell(row, extra, name="display_name", unit_yield_quantity="batch_percentage" if portion else
                   "items_per_batch", unit_yield_unit="portion_description" if portion else "item_unit")


def _good_name(bakery: Bakery, slug: str) -> str:
    """A good's display name; a finished unit named directly as a good, the unit's."""
    good = bakery.finished_goods.get(slug)
    if good is not None:
        return good.display_name
    unit = bakery.finished_units.get(slug)
    return unit.display_name if unit else slug


def _compositions(good: FinishedGood) -> list[dict[str, Any]]:
    rows = []
    for part in good.components:
        row: dict[str, Any] = {**part.extra, "finished_good_slug": good.slug,
                               "component_quantity": _num(part.quantity), "sort_order": part.sort_order,
                               "finished_unit_slug": None, "finished_good_component_slug": None,
                               "material_unit_slug": None}
        if part.kind is ComponentKind.FINISHED_UNIT:
            row["finished_unit_slug"] = part.slug
        elif part.kind is ComponentKind.FINISHED_GOOD:
            row["finished_good_component_slug"] = part.slug
        elif part.extra.get("packaging_product_id") is True:
            row["packaging_product_id"] = part.slug
        else:
            row["material_unit_slug"] = part.slug
        rows.append(row)
    return rows


def _event(e: Event) -> dict[str, Any]:
    extra = {k: v for k, v in e.extra.items() if k != EVENT_RECIPE_ROWS}
    row = {**extra, "slug": e.slug, "name": e.name,
           "event_date": e.event_date.isoformat() if e.event_date else None, "year": e.year,
           "plan_state": e.plan_state.value, "output_mode": e.output_mode, "notes": e.notes}
    return respell(row, extra, "event_date")
