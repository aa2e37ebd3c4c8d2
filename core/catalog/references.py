"""What still refers to a record: a record in use cannot be deleted without breaking history or plans."""

from __future__ import annotations

from core.bakery import Bakery
from core.errors import ConflictError, NotFoundError
from core.recipes.finished_goods import ComponentKind

DELETABLE = ("suppliers", "ingredients", "products", "recipes", "finished_units", "finished_goods", "events",
             "recipients", "materials", "material_products", "equipment")


def users_of(bakery: Bakery, collection: str, key: str) -> list[str]:
    """Human-readable names of what refers to `collection/key` (empty: safe to delete)."""
    b = bakery
    if collection == "suppliers":
        return ([f"product {p.id}" for p in b.products.values() if p.preferred_supplier_slug == key]
                + [f"purchase {p.id}" for p in b.purchases.values() if p.supplier_slug == key])
    if collection == "ingredients":
        return ([f"product {p.id}" for p in b.products.values() if p.ingredient_slug == key]
                + [f"recipe {r.slug}" for r in b.recipes.values() if any(i.ingredient_slug == key
                                                                         for i in r.ingredients)]
                + [f"ingredient {i.slug}" for i in b.ingredients.values() if i.parent_slug == key])
    if collection == "products":
        return ([f"lot {lot.id}" for lot in b.lots.values() if lot.product_id == key]
                + [f"purchase {p.id}" for p in b.purchases.values() if p.product_id == key])
    if collection == "recipes":
        return ([f"finished unit {u.slug}" for u in b.finished_units.values() if u.recipe_slug == key]
                + [f"recipe {r.slug}" for r in b.recipes.values()
                   if r.base_recipe_slug == key or any(c.recipe_slug == key for c in r.components)]
                + [f"event {e.slug}" for e in b.events.values() if key in e.recipe_slugs]
                + [f"production run {r.id}" for r in b.production_runs.values() if r.recipe_slug == key]
                + [f"{e.kind} {e.slug}" for e in b.equipment.values() if e.use_by(key) is not None])
    if collection in ("finished_units", "finished_goods"):
        kind = ComponentKind.FINISHED_UNIT if collection == "finished_units" else ComponentKind.FINISHED_GOOD
        return ([f"finished good {g.slug}" for g in b.finished_goods.values()
                 if any(c.kind is kind and c.slug == key for c in g.components)]
                + [f"event {e.slug}" for e in b.events.values()
                   if any(fg.finished_good_slug == key for fg in e.finished_goods)]
                + [f"assembly run {r.id}" for r in b.assembly_runs.values() if r.finished_good_slug == key])
    if collection == "events":
        return ([f"production run {r.id}" for r in b.production_runs.values() if r.event_slug == key]
                + [f"assembly run {r.id}" for r in b.assembly_runs.values() if r.event_slug == key])
    if collection == "materials":
        return [f"material product {m.slug}" for m in b.material_products.values() if m.material_slug == key]
    if collection == "material_products":
        return [f"material lot {m.id}" for m in b.material_lots.values() if m.material_product_slug == key]
    return []


def check_deletable(bakery: Bakery, collection: str, key: str) -> None:
    if collection not in DELETABLE:
        raise ConflictError(f"{collection} are history and are not deleted (correct them instead)",
                            field="collection")
    if key not in getattr(bakery, collection):
        raise NotFoundError(f"no {collection[:-1].replace('_', ' ')} {key!r}", field="key")
    users = sorted(users_of(bakery, collection, key))
    if users:
        shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        raise ConflictError(f"{key!r} is still used by {shown}", field="key")
