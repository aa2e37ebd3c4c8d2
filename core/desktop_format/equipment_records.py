"""The `equipment` section: mixers and ovens with what one batch of each recipe takes of them.

The desktop has no such section and ignores it; this project's exports write it only when the bakery has
equipment, so a desktop file exports as it was. A record:

    {"slug": "hobart_20", "name": "20-qt Hobart", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
     "recipes": [{"recipe_slug": "sugar_cookies", "batch_size": 8, "batch_unit": "qt"}]}
    {"slug": "deck_oven", "name": "Deck oven", "kind": "oven", "pans_per_load": 4,
     "recipes": [{"recipe_slug": "sugar_cookies", "pans_per_batch": 1.5}]}

A recipe is named by `recipe_slug` (or `recipe_name`); it may use one mixer and one oven.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.desktop_format.problems import Reader
from core.desktop_format.slugs import underscore_slug
from core.errors import BakeTrackerError
from core.measures.units import symbol_for
from core.planning.equipment import Equipment, EquipmentKind, RecipeUse, check_equipment

SECTION = "equipment"
_KNOWN = {"slug", "name", "kind", "capacity", "capacity_unit", "pans_per_load", "recipes"}


def read_equipment(r: Reader, recipe_slug: Callable[[Reader, Mapping[str, Any]], str | None]) -> Equipment | None:
    """One record, or None with every problem recorded on `r`. `recipe_slug` resolves a use's recipe."""
    name = r.text("name", required=True)
    slug = r.text("slug") or underscore_slug(name)
    kind_word = r.text("kind", required=True)
    if kind_word not in ("mixer", "oven"):
        r.fail("kind", f"expected 'mixer' or 'oven', found {kind_word!r}")
        return None
    kind = EquipmentKind(kind_word)
    mixer = kind is EquipmentKind.MIXER
    uses = []
    rows = r.record.get("recipes") or []
    if not isinstance(rows, list):
        r.fail("recipes", f"expected a list, found {type(rows).__name__}")
        rows = []
    for row in rows:
        if not isinstance(row, dict):
            r.fail("recipes", f"expected an object per recipe, found {row!r}")
            continue
        use = Reader(r.problems, r.entity, r.index, row)
        slug_of_recipe = recipe_slug(use, row)
        amount = use.number("batch_size" if mixer else "pans_per_batch", required=True, minimum="positive")
        unit = use.unit("batch_unit") if mixer else "H87"
        if slug_of_recipe is not None and amount is not None and unit is not None:
            uses.append(RecipeUse(slug_of_recipe, amount, unit))
    item = Equipment(
        slug=slug, name=name or slug, kind=kind,
        capacity=r.number("capacity", required=mixer, minimum="positive") if mixer else None,
        capacity_unit=r.unit("capacity_unit") if mixer else None,
        pans_per_load=None if mixer else r.number("pans_per_load", required=True, minimum="positive"),
        uses=tuple(sorted(uses, key=lambda u: u.recipe_slug)), extra=r.extra(_KNOWN),
    )
    try:
        check_equipment(item)
    except BakeTrackerError as exc:
        r.fail(exc.field, exc.message)
        return None
    return item


def one_mixer_and_oven(bakery: Bakery) -> list[str]:
    """Recipes listed by two mixers (or two ovens): which one the plan would use is unclear."""
    seen: dict[tuple[str, EquipmentKind], str] = {}
    problems = []
    for slug in sorted(bakery.equipment):
        item = bakery.equipment[slug]
        for use in item.uses:
            first = seen.setdefault((use.recipe_slug, item.kind), slug)
            if first != slug:
                problems.append(f"recipe {use.recipe_slug!r} is listed by two {item.kind}s ({first}, {slug}); "
                                f"a recipe uses one {item.kind}")
    return problems


def equipment_out(bakery: Bakery) -> list[dict[str, Any]]:
    return [_record(bakery.equipment[slug]) for slug in sorted(bakery.equipment)]


def _record(item: Equipment) -> dict[str, Any]:
    out: dict[str, Any] = {**item.extra, "slug": item.slug, "name": item.name, "kind": item.kind.value}
    if item.kind is EquipmentKind.MIXER:
        assert item.capacity is not None and item.capacity_unit is not None
        out |= {"capacity": _num(item.capacity), "capacity_unit": symbol_for(item.capacity_unit)}
        out["recipes"] = [{"recipe_slug": u.recipe_slug, "batch_size": _num(u.amount),
                           "batch_unit": symbol_for(u.unit)} for u in item.uses]
    else:
        assert item.pans_per_load is not None
        out["pans_per_load"] = _num(item.pans_per_load)
        out["recipes"] = [{"recipe_slug": u.recipe_slug, "pans_per_batch": _num(u.amount)} for u in item.uses]
    return out


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
