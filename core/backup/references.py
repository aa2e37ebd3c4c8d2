"""References between a backup's records: each must name a record the backup holds.

A bakery's own export always passes (its records were checked when written, and what is in use cannot be
deleted: core/catalog/references.py); a hand-edited or damaged file would otherwise restore a lot of a product
that is not there, a run of a recipe that is not there... Empty references (optional ones) are not checked.
"""

from __future__ import annotations

from core.backup.checked_decode import Problem
from core.bakery import Bakery
from core.recipes.finished_goods import ComponentKind

# (collection, field, the collection it names)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("ingredients", "parent_slug", "ingredients"),
    ("products", "ingredient_slug", "ingredients"),
    ("products", "preferred_supplier_slug", "suppliers"),
    ("purchases", "product_id", "products"),
    ("purchases", "supplier_slug", "suppliers"),
    ("lots", "product_id", "products"),
    ("lots", "ingredient_slug", "ingredients"),
    ("lots", "purchase_id", "purchases"),
    ("depletions", "lot_id", "lots"),
    ("recipes", "base_recipe_slug", "recipes"),
    ("finished_units", "recipe_slug", "recipes"),
    ("production_runs", "recipe_slug", "recipes"),
    ("production_runs", "event_slug", "events"),
    ("production_runs", "finished_unit_slug", "finished_units"),
    ("assembly_runs", "event_slug", "events"),
    ("material_products", "material_slug", "materials"),
    ("material_lots", "material_product_slug", "material_products"),
    ("receipts", "proposal_id", "proposals"),
)


def dangling_references(bakery: Bakery, positions: dict[str, dict[str, int]]) -> list[Problem]:
    """Every reference to a record the backup does not hold, by its path (`positions`: index of each key)."""
    problems = []
    for collection, field, target in REFERENCES:
        held = getattr(bakery, target)
        for key, record in sorted(getattr(bakery, collection).items()):
            value = getattr(record, field)
            if value and value not in held:
                problems.append(Problem(f"collections.{collection}[{positions[collection][key]}].{field}",
                                        f"names {target.replace('_', ' ')} {value!r}, which the backup does not hold"))
    for key, good in sorted(bakery.finished_goods.items()):
        for i, component in enumerate(good.components):
            named = bakery.finished_units if component.kind is ComponentKind.FINISHED_UNIT else \
                bakery.finished_goods if component.kind is ComponentKind.FINISHED_GOOD else None
            if named is not None and component.slug not in named:
                problems.append(Problem(f"collections.finished_goods[{positions['finished_goods'][key]}]"
                                        f".components[{i}].slug",
                                        f"names {component.kind.value.replace('_', ' ')} {component.slug!r}, "
                                        "which the backup does not hold"))
    for key, run in sorted(bakery.assembly_runs.items()):
        if run.finished_good_slug not in bakery.finished_goods and run.finished_good_slug not in bakery.finished_units:
            problems.append(Problem(f"collections.assembly_runs[{positions['assembly_runs'][key]}].finished_good_slug",
                                    f"names finished good {run.finished_good_slug!r}, which the backup does not hold"))
    return problems
