"""Edits that stay consistent: one field's change carries the fields that depend on it, or is refused at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.errors import ValidationError
from core.memory_repository import MemoryStore
from core.proposals import service
from core.proposals.consistency import carry, json_number
from core.proposals.model import ProposalStatus
from tests.unit.proposals.test_proposal_lifecycle import KITCHEN, _confirm, _propose, store  # noqa: F401

LINE = {"item_name": "bread flour", "quantity": 4, "unit": "LBR", "packages": 1, "package_size": 4,
        "price": 4.99, "store": "Costco", "ingredient_slug": "flour"}


def test_more_packages_at_the_same_shelf_price_carry_the_quantity_and_the_total() -> None:
    carried = carry("add_purchase", LINE, {"packages": 3})
    assert (carried.args["packages"], carried.args["quantity"], carried.args["price"]) == (3, 12, 14.97)
    assert carried.derived == ("price", "quantity")


def test_a_price_given_with_the_packages_is_kept() -> None:
    carried = carry("add_purchase", LINE, {"packages": 3, "price": 12})
    assert (carried.args["quantity"], carried.args["price"], carried.derived) == (12, 12, ("quantity",))


def test_a_new_package_size_carries_the_quantity_not_the_price() -> None:
    carried = carry("add_purchase", {**LINE, "packages": 2, "quantity": 8}, {"package_size": 5})
    assert (carried.args["quantity"], carried.args["price"], carried.derived) == (10, 4.99, ("quantity",))


def test_a_new_total_quantity_carries_the_package_size_when_it_divides() -> None:
    carried = carry("add_purchase", {**LINE, "packages": 2, "quantity": 8}, {"quantity": 5})
    assert (carried.args["package_size"], carried.derived) == (2.5, ("package_size",))
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", {**LINE, "packages": 3, "quantity": 12}, {"quantity": 10}, index=2)
    assert refused.value.field == "operations.2.quantity" and "packages or package_size" in refused.value.message


def test_two_fields_that_do_not_multiply_are_refused_naming_what_to_change() -> None:
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", LINE, {"packages": 3, "quantity": 10})
    assert refused.value.field == "operations.0.quantity"
    assert "3 packages of 4 make 12, not 10" in refused.value.message and "package_size" in refused.value.message
    assert carry("add_purchase", LINE, {"packages": 3, "quantity": 12}).derived == ("price",)
    assert carry("add_purchase", LINE, {"packages": 2, "package_size": 5}).args["quantity"] == 10


def test_a_unit_price_sets_the_line_total() -> None:
    carried = carry("add_purchase", {**LINE, "packages": 3, "quantity": 12}, {"unit_price": "4.50"})
    assert (carried.args["price"], "unit_price" in carried.args, carried.derived) == (13.5, False, ("price",))
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", {**LINE, "packages": 3, "quantity": 12}, {"unit_price": 4.5, "price": 10})
    assert refused.value.field == "operations.0.price"
    without = {k: v for k, v in LINE.items() if k != "packages"}
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", without, {"unit_price": 4.5})
    assert refused.value.field == "operations.0.packages"


def test_a_total_that_does_not_divide_is_rounded_to_the_cent() -> None:
    carried = carry("add_purchase", {**LINE, "packages": 3, "quantity": 12, "price": 10}, {"packages": 1})
    assert carried.args["price"] == 3.33


def test_part_packages_and_huge_lines_are_refused_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", LINE, {"packages": 2.5})
    assert refused.value.field == "operations.0.packages"
    with pytest.raises(ValidationError) as refused:
        carry("add_purchase", {**LINE, "package_size": 1000, "quantity": 1000}, {"packages": 5000})
    assert refused.value.field == "operations.0.packages"


def test_a_level_is_a_percentage_or_an_amount_never_both() -> None:
    level = {"item_name": "flour", "quantity": 2, "unit": "LBR"}
    carried = carry("adjust_inventory", level, {"remaining_percentage": 40})
    assert carried.args == {"item_name": "flour", "remaining_percentage": 40}
    assert carried.derived == ("quantity", "unit")
    back = carry("adjust_inventory", carried.args, {"quantity": 1, "unit": "LBR"})
    assert back.args == {"item_name": "flour", "quantity": 1, "unit": "LBR"}
    assert back.derived == ("remaining_percentage",)


def test_other_operations_take_the_change_as_it_is() -> None:
    event = {"name": "Bake sale", "date": "2026-12-12", "items": [{"finished_good": "cookies", "quantity": 12}]}
    assert carry("create_event", event, {"name": "Market"}) == carry("create_event", {**event, "name": "Market"}, {})


def test_json_numbers_stay_exact() -> None:
    assert (json_number(Decimal("12")), json_number(Decimal("14.97"))) == (12, 14.97)
    assert json_number(Decimal("0.1000000000000000000001")) == "0.1000000000000000000001"


def test_the_receipt_line_edited_as_a_new_user_would_confirms(store: MemoryStore) -> None:  # noqa: F811
    pid = _propose(store, ("add_purchase", LINE))
    edited = service.edit(store.unit_of_work(), pid, changes={0: {"packages": 3}}, by="uid-1")
    op = edited.operations[0]
    assert (op.args["quantity"], op.args["price"], op.derived) == (12, 14.97, ("price", "quantity"))
    assert op.proposed["quantity"] == 4 and set(op.edited_fields) == {"packages", "quantity", "price"}
    again = service.edit(store.unit_of_work(), pid, changes={0: {"store": "Aldi"}}, by="uid-1")
    assert again.operations[0].derived == () and again.operations[0].args["quantity"] == 12  # "with your change"
    done = _confirm(store, pid)
    assert done.status is ProposalStatus.CONFIRMED
    (purchase,) = store.bakery.purchases.values()
    assert (purchase.quantity_purchased, purchase.unit_price) == (3, Decimal("4.99"))


_EDITS = st.dictionaries(
    st.sampled_from(["packages", "package_size", "quantity", "price", "unit_price"]),
    st.one_of(st.integers(min_value=-1, max_value=40), st.decimals(min_value=Decimal("0.01"), max_value=500,
                                                                   places=2).map(str), st.none()),
    min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(packages=st.integers(1, 6), size=st.sampled_from([1, 2.5, 4, 5, 25]), price=st.sampled_from([4.99, 10, 0.5]),
       edit=_EDITS)
def test_an_edit_is_refused_naming_a_field_or_confirms(store: MemoryStore, packages: int, size: Any,  # noqa: F811
                                                       price: Any, edit: dict[str, Any]) -> None:
    line = {**LINE, "packages": packages, "package_size": size,
            "quantity": json_number(Decimal(str(size)) * packages), "price": price}
    pid = _propose(store, ("add_purchase", line))
    try:
        service.edit(store.unit_of_work(), pid, changes={0: edit}, by="uid-1")
    except ValidationError as refused:
        assert refused.field.startswith("operations.0.")
        event("refused at the edit")
        return
    from adapters.operation_schemas import validate_draft
    from adapters.proposal_answers import checked_args

    args = store.bakery.proposals[pid].operations[0].args
    _, issues = validate_draft("add_purchase", checked_args("add_purchase", args))
    if any(i.kind in ("invalid", "missing") for i in issues):  # a bad or cleared value: the field-level check's
        event("a bad value, for the functions' field check")
        return
    assert not issues, issues
    assert _confirm(store, pid).status is ProposalStatus.CONFIRMED
    event("confirmed")
