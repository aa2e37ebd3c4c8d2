"""Use cases on whole records: desktop files in and out, saving records in the desktop's format, deleting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.application.context import BakeryContext
from core.bakery import Bakery
from core.catalog.references import DELETABLE, check_deletable
from core.catalog.referrers import referring
from core.desktop_format.desktop_export import export_desktop as export_bakery
from core.desktop_format.files import import_file_into
from core.errors import ProblemsError, ValidationError
from core.repository import COLLECTION_NAMES, RECORD_COLLECTIONS, UnitOfWork

MAX_PROBLEMS = 200  # listed in an answer; the message counts them all

# What each save operation takes: records in the desktop's format (the same the import reads), so every check
# of an import applies: units, references, cycles, all or nothing.
SECTIONS: dict[str, tuple[str, ...]] = {
    "save_catalog": ("suppliers", "ingredients", "products", "materials", "material_products"),
    "save_recipes": ("recipes", "finished_units"),
    "save_finished_goods": ("finished_goods", "compositions"),
    "save_events": ("events", "event_recipes", "event_finished_goods", "event_production_targets",
                    "event_assembly_targets", "recipients"),
    "save_equipment": ("equipment",),  # mixers and ovens, each with what a batch of a recipe takes of it
}


def export_desktop(ctx: BakeryContext) -> dict[str, Any]:
    """The whole bakery in the desktop's JSON format."""
    with ctx.unit_of_work(read_only=True) as uow:
        return export_bakery(uow.load_bakery())


def import_desktop(ctx: BakeryContext, *, data: Mapping[str, Any], dry_run: bool = False) -> dict[str, Any]:
    """Merge a desktop export or a mobile file: all or nothing; `dry_run` reports what would change."""
    with ctx.unit_of_work() as uow:
        before = uow.load_bakery()
        result = import_file_into(before, dict(data))
        if not result.ok:
            raise ProblemsError(f"{len(result.problems)} problem(s); nothing was imported",
                                [p.as_dict() for p in result.problems[:MAX_PROBLEMS]], field=result.problems[0].field)
        changed = _changed(before, result.bakery)
        if not dry_run:
            _write_changes(uow, before, result.bakery)
            uow.commit()
    return {"dry_run": dry_run, "changed": changed, "added": result.added, "notices": result.notices}


def save_sections(ctx: BakeryContext, operation: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Records of the sections `operation` takes (see SECTIONS), merged with every import check."""
    allowed = SECTIONS[operation]
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(f"{operation} takes {', '.join(allowed)}; not {', '.join(unknown)}", field=unknown[0])
    if not any(data.get(section) for section in allowed):
        raise ValidationError(f"nothing to save: give one of {', '.join(allowed)}", field=allowed[0])
    with ctx.unit_of_work() as uow:
        before = uow.load_bakery(RECORD_COLLECTIONS)  # sections never hold nor check history (stock, runs)
        result = import_file_into(before, dict(data), placeholders=False)
        if not result.ok:
            raise ProblemsError(f"{len(result.problems)} problem(s); nothing was saved",
                                [p.as_dict() for p in result.problems[:MAX_PROBLEMS]], code="invalid_records",
                                field=result.problems[0].field)
        changed = _changed(before, result.bakery)
        _write_changes(uow, before, result.bakery)
        uow.commit()
    return {"changed": changed, "notices": result.notices}


def delete_record(ctx: BakeryContext, *, collection: str, key: str) -> dict[str, Any]:
    """Delete a catalog record, recipe, good or event nothing refers to any more (else a conflict naming users)."""
    with ctx.unit_of_work() as uow:
        found = referring(uow, collection, key, with_own=True) if collection in DELETABLE else Bakery()
        check_deletable(found, collection, key)  # what may refer to the record, not the whole history
        getattr(uow, collection).delete(key)
        uow.commit()
    return {"deleted": {"collection": collection, "key": key}}


def _changed(before: Bakery, after: Bakery) -> dict[str, int]:
    counts = {}
    for name in COLLECTION_NAMES:
        old, new = getattr(before, name), getattr(after, name)
        n = sum(1 for k, v in new.items() if old.get(k) != v)
        if n:
            counts[name] = n
    return counts


def _write_changes(uow: UnitOfWork, before: Bakery, after: Bakery) -> None:
    for name in COLLECTION_NAMES:
        old, new = getattr(before, name), getattr(after, name)
        collection = getattr(uow, name)
        for key, item in new.items():
            if old.get(key) != item:
                collection.put(item)
