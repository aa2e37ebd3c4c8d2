"""Bundle expansion handles each good once (linear), and answers exactly what walking every path answered:
the same needs per finished unit and packaging, and the same first error (cycle, unknown good or unit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import BakeTrackerError, CycleError, NotFoundError
from core.planning.bundle_needs import finished_unit_needs
from core.recipes.finished_goods import AssemblyType, ComponentKind, FinishedGood, FinishedGoodComponent


def every_path(wanted: Iterable[tuple[str, Decimal]], goods: Mapping[str, FinishedGood],
               unit_slugs: Iterable[str]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The expansion as it was before (commit 10e6eed): every path walked on its own."""
    known = set(unit_slugs)
    units: dict[str, Decimal] = {}
    materials: dict[str, Decimal] = {}

    def expand(slug: str, quantity: Decimal, path: tuple[str, ...]) -> None:
        if slug in path:
            cycle = " -> ".join((*path[path.index(slug):], slug))
            raise CycleError(f"finished goods form a cycle: {cycle}", field="components")
        good = goods.get(slug)
        if good is None or not good.components:
            if slug in known:
                units[slug] = units.get(slug, Decimal(0)) + quantity
                return
            parent = f" (in {path[-1]})" if path else ""
            what = "has no components" if good is not None else "is unknown"
            raise NotFoundError(f"finished good {slug!r}{parent} {what}", field="finished_goods")
        for part in good.components:
            amount = quantity * part.quantity
            if part.kind is ComponentKind.FINISHED_UNIT:
                if part.slug not in known:
                    raise NotFoundError(f"finished good {slug!r} uses unknown finished unit {part.slug!r}")
                units[part.slug] = units.get(part.slug, Decimal(0)) + amount
            elif part.kind is ComponentKind.FINISHED_GOOD:
                expand(part.slug, amount, (*path, slug))
            else:
                materials[part.slug] = materials.get(part.slug, Decimal(0)) + amount

    for slug, quantity in wanted:
        expand(slug, quantity, ())
    return units, materials


QUANTITY = st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=2, allow_nan=False,
                       allow_infinity=False)
UNITS = [f"unit-{i}" for i in range(6)]


@st.composite
def bundle_graphs(draw: st.DrawFn) -> tuple[list[tuple[str, Decimal]], dict[str, FinishedGood], list[str]]:
    """Goods g0..gn; a good holds units, packaging and (mostly) later goods, so sub-bundles are shared by many
    paths; sometimes an earlier good (a cycle), an unknown good or unit, or a good with no components."""
    count = draw(st.integers(min_value=1, max_value=9))
    names = [f"g{i}" for i in range(count)]
    broken = draw(st.booleans())
    goods: dict[str, FinishedGood] = {}
    for i, name in enumerate(names):
        parts = []
        for _ in range(draw(st.integers(min_value=0 if broken else 1, max_value=5))):
            kind = draw(st.sampled_from(list(ComponentKind)))
            if kind is ComponentKind.FINISHED_GOOD:
                later = names[i + 1:]
                pool = later + ([*names[:i + 1], "ghost", *UNITS] if broken else []) or UNITS
                slug = draw(st.sampled_from(pool))
            elif kind is ComponentKind.FINISHED_UNIT:
                slug = draw(st.sampled_from(UNITS + (["missing-unit"] if broken else [])))
            else:
                slug = draw(st.sampled_from(["box", "ribbon"]))
            parts.append(FinishedGoodComponent(kind, slug, draw(QUANTITY)))
        goods[name] = FinishedGood(name, name.upper(), AssemblyType.BUNDLE, tuple(parts))
    roots = names + UNITS[:2] + (["ghost"] if broken else [])
    wanted = draw(st.lists(st.tuples(st.sampled_from(roots), QUANTITY), min_size=1, max_size=6))
    return wanted, goods, UNITS


def outcome(run: object) -> tuple[str, object]:
    try:
        return "ok", run()  # type: ignore[operator]
    except BakeTrackerError as exc:
        return type(exc).__name__, (str(exc), exc.field)


@settings(max_examples=400, deadline=None)
@given(bundle_graphs())
def test_expanding_each_good_once_equals_walking_every_path(graph: tuple[list[tuple[str, Decimal]],
                                                                          dict[str, FinishedGood], list[str]]) -> None:
    wanted, goods, units = graph
    assert outcome(lambda: finished_unit_needs(wanted, goods, units)) == \
        outcome(lambda: every_path(wanted, goods, units))


def test_a_shared_sub_bundle_is_expanded_once() -> None:
    """A ladder of 60 bundles, each holding the next two: 2^60 paths, which walking them could never finish."""
    goods = {f"b{i}": FinishedGood(f"b{i}", f"B{i}", AssemblyType.BUNDLE, (
        FinishedGoodComponent(ComponentKind.FINISHED_GOOD, f"b{i + 1}", Decimal(1)),
        FinishedGoodComponent(ComponentKind.FINISHED_GOOD, f"b{i + 2}", Decimal(1)),
        FinishedGoodComponent(ComponentKind.MATERIAL, "ribbon", Decimal(1)))) for i in range(60)}
    units, materials = finished_unit_needs([("b0", Decimal(1))], goods, ["b60", "b61"])
    fib = [1, 1]
    while len(fib) < 62:
        fib.append(fib[-1] + fib[-2])
    assert units == {"b60": Decimal(fib[60]), "b61": Decimal(fib[59])}  # the paths reaching each
    assert materials == {"ribbon": Decimal(sum(fib[:60]))}
