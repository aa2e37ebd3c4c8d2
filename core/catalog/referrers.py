"""What a reference check reads: the catalog records that may refer to a record, and of the history (lots,
purchases, runs) only the records naming it (`UnitOfWork.find`), never the whole history.

`referring(uow, collection, key)` is a Bakery holding exactly what `core.catalog.references.users_of` looks
at for that record, so `users_of` on it answers as on the whole bakery.
"""

from __future__ import annotations

from core.bakery import Bakery
from core.repository import UnitOfWork

# Per collection: the catalog collections users_of reads whole, and the history (collection, field) it
# filters on the record's key (each one of core.repository.REFERENCE_FIELDS).
READS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "suppliers": (("products",), (("purchases", "supplier_slug"),)),
    "ingredients": (("products", "recipes", "ingredients"), ()),
    "products": ((), (("lots", "product_id"), ("purchases", "product_id"))),
    "recipes": (("finished_units", "recipes", "events", "equipment"), (("production_runs", "recipe_slug"),)),
    "finished_units": (("finished_goods", "events"), (("assembly_runs", "finished_good_slug"),)),
    "finished_goods": (("finished_goods", "events"), (("assembly_runs", "finished_good_slug"),)),
    "events": ((), (("production_runs", "event_slug"), ("assembly_runs", "event_slug"))),
    "materials": (("material_products",), ()),
    "material_products": ((), (("material_lots", "material_product_slug"),)),
}


def referring(uow: UnitOfWork, collection: str, key: str, *, with_own: bool = False) -> Bakery:
    """What may refer to `collection/key`; with `with_own`, the collection itself too (read whole: catalog)."""
    catalog, history = READS.get(collection, ((), ()))
    bakery = Bakery()
    for name in {*catalog, *((collection,) if with_own else ())}:
        setattr(bakery, name, {item.key: item for item in getattr(uow, name).list()})
    for name, field in history:
        found = getattr(bakery, name)
        found.update((item.key, item) for item in uow.find(name, field, key))
    return bakery
