"""Finished goods → finished-unit needs: bundles expand recursively, quantities multiply, never truncated.

Linear in the bundle graph: a sub-bundle that many bundles share is expanded once. The goods reached are
put in topological order (a depth-first walk that checks every good once), then each good's total need —
the sum over everything that holds it of that holder's need × how many it holds — is handed down to its
parts, parents before children. The sums are exact (Decimal), so this equals adding up every path one by
one (what the desktop app does); errors are the ones the path-by-path walk meets first.
"""

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
    wanted = list(wanted)
    order: list[str] = []  # goods in depth-first post-order: every good after all the goods it holds
    done: set[str] = set()
    for slug, _ in wanted:
        _visit(slug, [], set(), finished_goods, known_units, done, order)
    need: dict[str, Decimal] = {}
    for slug, quantity in wanted:
        need[slug] = need.get(slug, Decimal(0)) + quantity
    units: dict[str, Decimal] = {}
    materials: dict[str, Decimal] = {}
    for slug in reversed(order):  # holders before what they hold
        quantity = need[slug]
        good = finished_goods.get(slug)
        if good is None or not good.components:  # a finished unit standing as a good (checked by _visit)
            units[slug] = units.get(slug, Decimal(0)) + quantity
            continue
        for part in good.components:
            amount = quantity * part.quantity
            if part.kind is ComponentKind.FINISHED_UNIT:
                units[part.slug] = units.get(part.slug, Decimal(0)) + amount
            elif part.kind is ComponentKind.FINISHED_GOOD:
                need[part.slug] = need.get(part.slug, Decimal(0)) + amount
            else:
                materials[part.slug] = materials.get(part.slug, Decimal(0)) + amount
    return units, materials


def _visit(
    slug: str,
    path: list[str],
    on_path: set[str],
    goods: Mapping[str, FinishedGood],
    known_units: set[str],
    done: set[str],
    order: list[str],
) -> None:
    """Check a good and everything it holds (once each), appending each to `order` after its parts."""
    if slug in on_path:
        cycle = " -> ".join((*path[path.index(slug):], slug))
        raise CycleError(f"finished goods form a cycle: {cycle}", field="components")
    if slug in done:
        return
    good = goods.get(slug)
    if good is None or not good.components:
        if slug not in known_units:
            parent = f" (in {path[-1]})" if path else ""
            what = "has no components" if good is not None else "is unknown"
            raise NotFoundError(f"finished good {slug!r}{parent} {what}", field="finished_goods")
    else:
        path.append(slug)
        on_path.add(slug)
        for part in good.components:
            if part.kind is ComponentKind.FINISHED_UNIT:
                if part.slug not in known_units:
                    raise NotFoundError(f"finished good {slug!r} uses unknown finished unit {part.slug!r}")
            elif part.kind is ComponentKind.FINISHED_GOOD:
                _visit(part.slug, path, on_path, goods, known_units, done, order)
        path.pop()
        on_path.discard(slug)
    done.add(slug)
    order.append(slug)
