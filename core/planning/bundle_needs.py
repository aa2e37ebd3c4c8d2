"""Finished goods → finished-unit needs: bundles expand recursively, quantities multiply, never truncated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from core.errors import CycleError, NotFoundError
from core.recipes.finished_goods import ComponentKind, FinishedGood


def finished_unit_needs(
    wanted: Iterable[tuple[str, Decimal]],
    finished_goods: Mapping[str, FinishedGood],
    finished_unit_slugs: Iterable[str],
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Sum the need per finished unit (and per packaging material) over every path.

    `wanted` pairs a finished-good slug with a quantity. A good that is also the
    slug of a finished unit and has no components stands for that unit.
    """
    known_units = set(finished_unit_slugs)
    units: dict[str, Decimal] = {}
    materials: dict[str, Decimal] = {}
    for slug, quantity in wanted:
        _expand(slug, quantity, (), finished_goods, known_units, units, materials)
    return units, materials


def _expand(
    slug: str,
    quantity: Decimal,
    path: tuple[str, ...],
    goods: Mapping[str, FinishedGood],
    known_units: set[str],
    units: dict[str, Decimal],
    materials: dict[str, Decimal],
) -> None:
    if slug in path:
        cycle = " -> ".join((*path[path.index(slug):], slug))
        raise CycleError(f"finished goods form a cycle: {cycle}", field="components")
    good = goods.get(slug)
    if good is None or not good.components:
        if slug in known_units:
            units[slug] = units.get(slug, Decimal(0)) + quantity
            return
        parent = f" (in {path[-1]})" if path else ""
        what = "has no components" if good is not None else "is unknown"
        raise NotFoundError(f"finished good {slug!r}{parent} {what}", field="finished_goods")
    here = (*path, slug)
    for part in good.components:
        amount = quantity * part.quantity
        if part.kind is ComponentKind.FINISHED_UNIT:
            if part.slug not in known_units:
                raise NotFoundError(f"finished good {slug!r} uses unknown finished unit {part.slug!r}")
            units[part.slug] = units.get(part.slug, Decimal(0)) + amount
        elif part.kind is ComponentKind.FINISHED_GOOD:
            _expand(part.slug, amount, here, goods, known_units, units, materials)
        else:
            materials[part.slug] = materials.get(part.slug, Decimal(0)) + amount
