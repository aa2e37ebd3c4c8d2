"""Properties of planning that hold for any bakery (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.bakery import Bakery
from core.measures.units import convert
from core.planning.event_plan import plan_event
from core.planning.plan_report import plan_to_json
from tests.support.bakery_builder import BakeryBuilder

quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2)
per_batch = st.integers(min_value=1, max_value=96)
percentages = st.sampled_from([Decimal(p) for p in ("12.5", "25", "33.3", "50", "100")])


@st.composite
def bakeries(draw: st.DrawFn) -> Bakery:
    """A few recipes with discrete and portion units, bundles of them (maybe nested), one event."""
    b = BakeryBuilder().ingredient("flour", ("1", "cup", "4.25", "oz"))
    units: list[str] = []
    for r in range(draw(st.integers(1, 4))):
        lines = [("flour", draw(quantities), draw(st.sampled_from(["cup", "tbsp", "oz", "g", "lb"]))),
                 ("sugar", draw(quantities), draw(st.sampled_from(["cup", "tsp", "ml"])))]
        b.recipe(f"r{r}", lines)
        for u in range(draw(st.integers(1, 2))):
            slug = f"r{r}-u{u}"
            if draw(st.booleans()):
                b.unit(slug, f"r{r}", draw(per_batch))
            else:
                b.portion(slug, f"r{r}", draw(percentages))
            units.append(slug)
    goods: list[str] = []
    for g in range(draw(st.integers(0, 3))):
        parts = [(u, draw(quantities)) for u in draw(st.lists(st.sampled_from(units), min_size=1, max_size=3))]
        if goods and draw(st.booleans()):
            parts.append((draw(st.sampled_from(goods)), draw(st.integers(1, 3))))
        b.bundle(f"g{g}", parts)
        goods.append(f"g{g}")
    wanted = draw(st.lists(st.sampled_from(units + goods), min_size=1, max_size=4, unique=True))
    b.event("e", [(w, draw(quantities)) for w in wanted])
    return b.bakery


@settings(max_examples=150, deadline=None)
@given(bakeries())
def test_never_underproduce(bakery: Bakery) -> None:
    for unit in plan_event(bakery, "e").finished_units:
        assert unit.batches * unit.per_batch >= unit.needed - Decimal("1e-9")


@settings(max_examples=150, deadline=None)
@given(bakeries())
def test_never_one_batch_too_many(bakery: Bakery) -> None:
    for unit in plan_event(bakery, "e").finished_units:
        assert (unit.batches - 1) * unit.per_batch < unit.needed


@settings(max_examples=100, deadline=None)
@given(bakeries(), st.randoms())
def test_the_plan_does_not_depend_on_the_order_of_the_data(bakery: Bakery, rnd: random.Random) -> None:
    shuffled = Bakery()
    for name in bakery.counts():
        items = list(getattr(bakery, name).items())
        rnd.shuffle(items)
        setattr(shuffled, name, dict(items))
    assert plan_to_json(plan_event(shuffled, "e")) == plan_to_json(plan_event(bakery, "e"))


REEXPRESS = {"G21": "G24", "G24": "G25", "G25": "MLT", "ONZ": "GRM", "GRM": "ONZ", "LBR": "KGM", "MLT": "G25"}


@settings(max_examples=100, deadline=None)
@given(bakeries(), st.data())
def test_totals_do_not_change_when_a_recipe_is_written_in_other_units(bakery: Bakery, data: st.DataObject) -> None:
    from dataclasses import replace

    before = {t.ingredient_slug: t for t in plan_event(bakery, "e").ingredients}
    slug = data.draw(st.sampled_from(sorted(bakery.recipes)))
    recipe = bakery.recipes[slug]
    lines = tuple(
        replace(line, quantity=convert(line.quantity, line.unit, REEXPRESS[line.unit]), unit=REEXPRESS[line.unit])
        for line in recipe.ingredients
    )
    bakery.recipes[slug] = replace(recipe, ingredients=lines)
    after = {t.ingredient_slug: t for t in plan_event(bakery, "e").ingredients}
    assert set(after) == set(before)
    for ingredient, total in before.items():
        again = convert(after[ingredient].quantity, after[ingredient].unit, total.unit,
                        bakery.ingredients[ingredient].conversion_basis)
        assert abs(again - total.quantity) <= Decimal("1e-9") * max(Decimal(1), total.quantity)
