"""Mixes per mixer, loads per oven, and buffers for breakage: applied before batching, absent → plan unchanged."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.bakery import Bakery
from core.desktop_format.desktop_export import export_desktop
from core.desktop_format.desktop_import import import_desktop
from core.errors import ValidationError
from core.planning.equipment import Equipment, EquipmentKind, RecipeUse, check_equipment, loads_for, mixes_for
from core.planning.event_plan import plan_event
from core.planning.plan_report import plan_to_json
from tests.support.bakery_builder import BakeryBuilder


def mixer(capacity: str = "20", unit: str = "QTL", batch: str = "8", batch_unit: str = "QTL") -> Equipment:
    return Equipment("hobart", "20-qt mixer", EquipmentKind.MIXER, D(capacity), unit,
                     uses=(RecipeUse("cookies", D(batch), batch_unit),))


def oven(per_load: int = 4, per_batch: str = "1.5") -> Equipment:
    return Equipment("deck", "deck oven", EquipmentKind.OVEN, pans_per_load=D(per_load),
                     uses=(RecipeUse("cookies", D(per_batch)),))


def cookie_bakery(pieces: str = "100", per_batch: int = 24) -> Bakery:
    b = (BakeryBuilder().recipe("cookies", [("flour", 2, "cup")]).unit("cookie", "cookies", per_batch)
         .bundle("box", [("cookie", 6)]).event("fair", [("cookie", pieces)]))
    return b.bakery


class TestMixes:
    def test_four_batches_are_two_mixes_of_two(self) -> None:
        m = mixer()
        plan = mixes_for(4, m, m.uses[0])
        assert (plan.count, plan.batches_per_mix, plan.mixes) == (2, 2, (D(2), D(2)))
        assert plan.describe() == "4 batches → 2 mixes of 2 in the 20-qt mixer"

    def test_five_batches_are_shared_out_evenly(self) -> None:
        m = mixer(batch="6")  # 3 whole batches fit
        plan = mixes_for(5, m, m.uses[0])
        assert plan.mixes == (D(3), D(2))
        assert "1 mix of 3 and 1 mix of 2" in plan.describe()

    def test_a_batch_bigger_than_the_mixer_is_split(self) -> None:
        m = mixer(capacity="5", batch="8")  # 8 qt in a 5-qt bowl: two halves
        plan = mixes_for(3, m, m.uses[0])
        assert (plan.split_into, plan.count, plan.batches_per_mix) == (2, 6, 0)
        assert plan.mixes == (D("0.5"),) * 6
        assert "split into 2 mixes" in plan.describe()

    def test_capacity_and_batch_in_different_units_of_one_dimension(self) -> None:
        m = mixer(capacity="20", unit="QTL", batch="2.5", batch_unit="GLL")  # 10 qt a batch
        assert mixes_for(4, m, m.uses[0]).mixes == (D(2), D(2))

    def test_a_weight_batch_in_a_volume_mixer_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="cannot be compared") as err:
            check_equipment(mixer(batch_unit="KGM"))
        assert err.value.field == "batch_unit"

    def test_an_oven_needs_whole_pans_per_load(self) -> None:
        with pytest.raises(ValidationError) as err:
            check_equipment(Equipment("o", "o", EquipmentKind.OVEN, pans_per_load=D("2.5")))
        assert err.value.field == "pans_per_load"

    @settings(max_examples=300, deadline=None)
    @given(st.integers(0, 200), st.decimals(D("0.5"), D(80), places=1), st.decimals(D("0.5"), D(40), places=1))
    def test_never_fewer_mixes_than_needed_nor_one_too_many(self, batches: int, capacity: D, size: D) -> None:
        m = mixer(str(capacity), batch=str(size))
        plan = mixes_for(batches, m, m.uses[0])
        assert abs(sum(plan.mixes) - batches) < D("1e-20")  # every batch is mixed, none twice (thirds of a split)
        assert all(mix * size <= capacity + D("1e-20") for mix in plan.mixes)  # no mix overflows
        if plan.split_into == 1:
            per_mix = plan.batches_per_mix
            assert per_mix * size <= capacity < (per_mix + 1) * size  # as many whole batches as fit
            assert (plan.count - 1) * per_mix < batches <= plan.count * per_mix or batches == plan.count == 0
            assert all(mix == int(mix) for mix in plan.mixes)
        else:
            assert size / plan.split_into <= capacity < size / (plan.split_into - 1)


class TestOvenLoads:
    def test_pans_are_whole_and_loads_the_fewest(self) -> None:
        o = oven()
        plan = loads_for(5, o, o.uses[0])  # 7.5 pans → 8 pans → 2 loads of 4
        assert (plan.pans, plan.loads) == (8, 2)

    @settings(max_examples=200, deadline=None)
    @given(st.integers(0, 100), st.integers(1, 12), st.decimals(D("0.25"), D(6), places=2))
    def test_loads_hold_every_pan_and_no_load_is_spare(self, batches: int, per_load: int, per_batch: D) -> None:
        o = oven(per_load, str(per_batch))
        plan = loads_for(batches, o, o.uses[0])
        assert batches * per_batch <= plan.pans < batches * per_batch + 1
        assert (plan.loads - 1) * per_load < plan.pans <= plan.loads * per_load or plan.pans == plan.loads == 0


class TestPlanWithEquipment:
    def test_the_plan_json_gains_mixes_and_oven_loads(self) -> None:
        bakery = cookie_bakery("96")  # 4 batches of 24
        bakery.equipment = {"hobart": mixer(), "deck": oven()}
        recipe = plan_to_json(plan_event(bakery, "fair"))["recipes"][0]
        assert recipe["mixes"]["count"] == 2 and recipe["mixes"]["mixes"] == [2, 2]
        assert recipe["mixes"]["whole_batches"] is True
        assert recipe["oven_loads"] == {"oven": "deck", "oven_name": "deck oven", "pans_per_batch": 1.5, "pans": 6,
                                        "pans_per_load": 4, "count": 2,
                                        "text": "6 pans → 2 oven loads in the deck oven (4 pans a load)"}

    def test_without_equipment_the_recipe_json_is_as_before(self) -> None:
        recipe = plan_to_json(plan_event(cookie_bakery(), "fair"))["recipes"][0]
        assert set(recipe) == {"recipe", "recipe_slug", "batches", "completed", "remaining"}

    def test_equipment_survives_a_desktop_round_trip(self) -> None:
        bakery = cookie_bakery()
        bakery.equipment = {"hobart": mixer(), "deck": oven()}
        exported = export_desktop(bakery)
        again = import_desktop(exported)
        assert again.ok, again.problems
        assert again.bakery.equipment == bakery.equipment
        assert exported["equipment"][0]["recipes"] == [{"recipe_slug": "cookies", "pans_per_batch": 1.5}]

    def test_a_bakery_without_equipment_exports_no_equipment_section(self) -> None:
        assert "equipment" not in export_desktop(cookie_bakery())

    def test_a_recipe_in_two_mixers_is_a_problem(self) -> None:
        bakery = cookie_bakery()
        bakery.equipment = {"hobart": mixer(), "kitchenaid": replace(mixer(), slug="kitchenaid")}
        result = import_desktop(export_desktop(bakery))
        assert not result.ok and "two mixers" in str(result.problems)


class TestBuffers:
    def test_a_buffer_is_applied_to_pieces_before_batching(self) -> None:
        bakery = cookie_bakery("96")  # exactly 4 batches of 24
        bakery.events["fair"] = replace(bakery.events["fair"], extra={"buffer_percentage": 10})
        unit = plan_event(bakery, "fair").finished_units[0]
        assert (unit.needed, unit.buffer, unit.batches) == (D(96), D(10), 5)  # 96 × 1.1 = 105.6 → 106 pieces
        assert unit.surplus == 5 * 24 - 106

    def test_a_goods_own_buffer_replaces_the_events(self) -> None:
        bakery = (BakeryBuilder().recipe("cookies", [("flour", 2, "cup")]).unit("cookie", "cookies", 24)
                  .bundle("box", [("cookie", 6)]).event("fair", [("box", 10)])).bakery
        bakery.events["fair"] = replace(bakery.events["fair"], extra={"buffer_percentage": 50})
        bakery.finished_goods["box"] = replace(bakery.finished_goods["box"], extra={"buffer_percentage": 5})
        unit = plan_event(bakery, "fair").finished_units[0]
        assert (unit.needed, unit.buffer) == (D(60), D(3))  # 60 pieces × 1.05 = 63

    def test_a_bad_buffer_names_the_field(self) -> None:
        bakery = cookie_bakery()
        bakery.events["fair"] = replace(bakery.events["fair"], extra={"buffer_percentage": "lots"})
        with pytest.raises(ValidationError) as err:
            plan_event(bakery, "fair")
        assert err.value.field == "buffer_percentage"

    @settings(max_examples=150, deadline=None)
    @given(st.decimals(D("0.5"), D(500), places=1), st.integers(1, 48), st.decimals(D(0), D(50), places=1))
    def test_buffered_batches_cover_the_buffered_pieces(self, pieces: D, per_batch: int, percentage: D) -> None:
        bakery = cookie_bakery(str(pieces), per_batch)
        bakery.events["fair"] = replace(bakery.events["fair"], extra={"buffer_percentage": str(percentage)})
        unit = plan_event(bakery, "fair").finished_units[0]
        wanted = pieces * (100 + percentage) / 100
        assert unit.needed + unit.buffer >= wanted  # the buffer is applied, rounded up to whole pieces
        assert percentage == 0 or unit.needed + unit.buffer < wanted + 1
        assert (unit.batches - 1) * per_batch < unit.needed + unit.buffer <= unit.batches * per_batch

    def test_no_buffer_no_change(self) -> None:
        plain = plan_to_json(plan_event(cookie_bakery("100"), "fair"))
        bakery = cookie_bakery("100")
        bakery.events["fair"] = replace(bakery.events["fair"], extra={"buffer_percentage": 0})
        assert plan_to_json(plan_event(bakery, "fair")) == plain
