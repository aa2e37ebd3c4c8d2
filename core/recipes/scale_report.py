"""A recipe scaled by one ingredient on hand, with its formula in baker's percentages, as JSON and as text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.errors import NotFoundError
from core.measures.quantities import as_number, rounded
from core.measures.units import ConversionBasis, symbol_for
from core.recipes.bakers_percentages import Formula, bakers_percentages
from core.recipes.scale_by import scaled_by
from core.recipes.scaling import ingredient_lines_per_batch


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.casefold()) if w}


def find_ingredient(bakery: Bakery, name_or_slug: str, field: str = "ingredient", among: Iterable[str] = ()) -> str:
    """An ingredient by slug, or by its display name (case-insensitive) when exactly one has it; else, among the
    recipe's own ingredients (`among`), the one whose name holds every word said ("butter" in a recipe whose only
    butter is "Butter, unsalted")."""
    if name_or_slug in bakery.ingredients:
        return name_or_slug
    wanted = name_or_slug.strip().casefold().replace(" ", "_")
    found = sorted(i.slug for i in bakery.ingredients.values()
                   if i.display_name.casefold() == name_or_slug.strip().casefold() or i.slug.casefold() == wanted)
    if len(found) == 1:
        return found[0]
    said = _words(name_or_slug)
    if not found and said:
        found = sorted({slug for slug in among if slug in bakery.ingredients
                        and said <= _words(bakery.ingredients[slug].display_name) | _words(slug)})
        if len(found) == 1:
            return found[0]
    what = f"several ingredients ({', '.join(found)}) are" if found else "no ingredient is"
    raise NotFoundError(f"{what} named {name_or_slug!r}", field=field)


def scale_recipe_json(bakery: Bakery, recipe: str, ingredient: str, amount: Decimal, unit: str) -> dict[str, Any]:
    """Every line of `recipe` (nested recipes too) scaled so that it uses `amount` `unit` of `ingredient`."""
    found = bakery.find_recipe(recipe)
    if found is None:
        raise NotFoundError(f"no recipe {recipe!r}", field="recipe")
    lines = ingredient_lines_per_batch(found.slug, bakery.recipes)
    slug = find_ingredient(bakery, ingredient, among=(line.ingredient_slug for line in lines))
    scaled = scaled_by(lines, slug, amount, unit, lambda s: _basis(bakery, s))
    formula = bakers_percentages(lines, bakery.ingredients, lambda s: _basis(bakery, s))
    return {
        "recipe": found.name,
        "recipe_slug": found.slug,
        "by": {"ingredient": slug, "ingredient_name": _name(bakery, slug), "amount": as_number(amount), "unit": unit,
               "per_batch": as_number(scaled.per_batch)},
        "factor": as_number(scaled.factor),
        "lines": [
            {"ingredient": new.ingredient_slug, "ingredient_name": _name(bakery, new.ingredient_slug),
             "quantity": as_number(new.quantity), "unit": new.unit, "per_batch": as_number(old.quantity),
             "in_recipe": new.path[-1], "path": list(new.path)}
            for old, new in zip(lines, scaled.lines, strict=True)
        ],
        "yields": [
            {"finished_unit": fu.slug, "name": fu.display_name, "per_batch": as_number(fu.units_per_batch),
             "scaled": as_number(fu.units_per_batch * scaled.factor), "item_unit": fu.item_unit}
            for fu in bakery.finished_units_of(found.slug)
        ],
        "bakers_percentages": formula_json(formula, lambda s: _name(bakery, s)),
    }


def formula_json(formula: Formula, name_of: Callable[[str], str]) -> dict[str, Any]:
    """`available` false with `note` when there is no flour or a flour cannot be weighed."""
    total = formula.total_percentage
    return {
        "available": formula.has_percentages,
        "note": formula.note or None,
        "flour_grams": as_number(formula.flour_grams),
        "total_percentage": None if total is None else as_number(total),
        "lines": [{"ingredient": f.ingredient_slug, "ingredient_name": name_of(f.ingredient_slug), "flour": f.flour,
                   "grams": None if f.grams is None else as_number(f.grams),
                   "percentage": None if f.percentage is None else as_number(f.percentage),
                   "cannot_weigh": f.why_not or None} for f in formula.lines],
    }


def render_scale_text(answer: dict[str, Any]) -> str:
    by = answer["by"]
    out = [f"{answer['recipe']} scaled to {by['amount']:g} {symbol_for(by['unit'])} of {by['ingredient_name']}"
           f" (one batch uses {by['per_batch']:g} {symbol_for(by['unit'])}): x {answer['factor']:g}", ""]
    for line in answer["lines"]:
        where = f"  (in {line['in_recipe']})" if len(line["path"]) > 1 else ""
        out.append(f"  {line['ingredient_name']:<32} {_amount(line['quantity'])} {symbol_for(line['unit'])}{where}")
    for y in answer["yields"]:
        out.append(f"Yields {_amount(y['scaled'])} {y['name']} ({y['per_batch']:g} a batch)")
    formula = answer["bakers_percentages"]
    out += ["", "Baker's percentages (flour = 100 %):"]
    if not formula["available"]:
        out.append(f"  {formula['note']}")
    for f in formula["lines"]:
        share = f"{f['percentage']:.1f} %" if f["percentage"] is not None else "-"
        why = f"  ({f['cannot_weigh']})" if f["cannot_weigh"] else ""
        out.append(f"  {f['ingredient_name']:<32} {share:>9}{why}")
    if formula["total_percentage"] is not None:
        out.append(f"  {'total':<32} {formula['total_percentage']:.1f} %")
    return "\n".join(out)


def _amount(value: float | int) -> str:
    return f"{rounded(Decimal(str(value))).quantize(Decimal('0.01')).normalize():f}"


def _name(bakery: Bakery, slug: str) -> str:
    ingredient = bakery.ingredients.get(slug)
    return ingredient.display_name if ingredient is not None else slug


def _basis(bakery: Bakery, slug: str) -> ConversionBasis:
    ingredient = bakery.ingredients.get(slug)
    return ingredient.conversion_basis if ingredient is not None else ConversionBasis(slug)
