"""Proposals in the core: nothing written before confirm; confirm all-or-nothing; undo only when nothing depends."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from core.desktop_format.desktop_import import import_desktop
from core.errors import ConflictError, NotFoundError, ValidationError
from core.memory_repository import MemoryStore
from core.proposals import service
from core.proposals.model import ProposalStatus, Source
from core.services import consume_ingredient

KITCHEN: dict[str, Any] = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [
        {"slug": "flour", "display_name": "All-Purpose Flour", "density_volume_value": 1,
         "density_volume_unit": "cup", "density_weight_value": 4.25, "density_weight_unit": "oz"},
        {"slug": "butter", "display_name": "Butter"},
    ],
    "products": [{"id": "ka-flour-5lb", "ingredient_slug": "flour", "brand": "King Arthur", "package_unit": "lb",
                  "package_unit_quantity": 5, "upc_code": "071012107018"}],
    "recipes": [{"name": "Shortbread", "ingredients": [{"ingredient_slug": "flour", "quantity": 2, "unit": "cup"}],
                 "finished_units": [{"slug": "shortbread-finger", "name": "Finger", "unit_yield_quantity": 24}]}],
    "finished_goods": [{"slug": "shortbread-tin", "display_name": "Shortbread Tin", "assembly_type": "bundle"}],
    "compositions": [{"finished_good_slug": "shortbread-tin", "finished_unit_slug": "shortbread-finger",
                      "component_quantity": 12}],
}
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def store() -> MemoryStore:
    imported = import_desktop(KITCHEN)
    assert imported.ok, imported.problems
    return MemoryStore(imported.bakery)


_COUNTER = itertools.count(1)


def _ids() -> Any:
    return lambda prefix: f"{prefix}-{next(_COUNTER)}"


def _propose(store: MemoryStore, *ops: tuple[str, dict[str, Any]], source: Source = Source.VOICE) -> str:
    operations = [service.new_operation(op, args, {"item_name": 0.9}, index=i) for i, (op, args) in enumerate(ops)]
    proposal = service.submit(store.unit_of_work(), source=source, operations=operations, by="uid-1",
                              model="offline-grammar", input_text="…", at=AT, new_id=_ids())
    return proposal.id


def _confirm(store: MemoryStore, pid: str) -> Any:
    return service.confirm(store.unit_of_work(), pid, by="uid-1", at=AT, new_id=_ids())


FLOUR = {"item_name": "King Arthur flour", "quantity": 10, "unit": "LBR", "price": 9.98, "store": "Costco",
         "product_id": "ka-flour-5lb"}


def test_a_proposal_writes_nothing_but_itself(store: MemoryStore) -> None:
    before = (dict(store.bakery.purchases), dict(store.bakery.lots))
    pid = _propose(store, ("add_purchase", FLOUR))
    assert (store.bakery.purchases, store.bakery.lots) == before
    assert store.bakery.proposals[pid].status is ProposalStatus.PROPOSED


def test_confirming_a_purchase_makes_whole_packages_and_remembers_both_versions(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR))
    service.edit(store.unit_of_work(), pid, changes={0: {"price": 10.5}}, by="uid-1")
    done = _confirm(store, pid)
    assert done.status is ProposalStatus.CONFIRMED and done.decided_by == "uid-1"
    purchase = next(iter(store.bakery.purchases.values()))
    assert (purchase.product_id, purchase.quantity_purchased, purchase.unit_price) == \
        ("ka-flour-5lb", 2, Decimal("5.25"))
    assert purchase.supplier_slug == "costco" and purchase.extra["proposal_id"] == pid
    lot = store.bakery.lots[f"lot-{purchase.id}"]
    assert (lot.quantity, lot.unit) == (10, "LBR")
    op = done.operations[0]
    assert (op.proposed["price"], op.args["price"], done.confirmed[0]["price"]) == (9.98, 10.5, 10.5)
    assert op.edited_fields == ("price",)


def test_an_item_named_by_ingredient_finds_the_product_it_fills_or_makes_one(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", {"item_name": "flour", "quantity": 15, "unit": "lb", "price": 12,
                                            "ingredient_slug": "flour"}),
                   ("add_purchase", {"item_name": "butter", "quantity": 2, "unit": "LBR", "price": 8,
                                     "ingredient_slug": "butter", "store": "Trader Joe's"}))
    _confirm(store, pid)
    purchases = sorted(store.bakery.purchases.values(), key=lambda p: p.product_id)
    assert [(p.product_id, p.quantity_purchased) for p in purchases] == [("butter-2-lbr", 1), ("ka-flour-5lb", 3)]
    assert store.bakery.products["butter-2-lbr"].package_unit_quantity == 2
    assert store.bakery.suppliers["trader-joe-s"].name == "Trader Joe's"


def test_confirm_is_all_or_nothing_and_names_the_bad_field(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR),
                   ("add_purchase", {"item_name": "saffron", "quantity": 1, "unit": "GRM", "price": 7}))
    with pytest.raises(ValidationError) as error:
        _confirm(store, pid)
    assert error.value.field == "operations.1.product_id"
    assert store.bakery.purchases == {} and store.bakery.suppliers.keys() == {"costco"}
    assert store.bakery.proposals[pid].status is ProposalStatus.PROPOSED


@pytest.mark.parametrize(("args", "field"), [
    ({"price": None}, "operations.0.price"),
    ({"price": -3}, "operations.0.price"),
    ({"quantity": 0}, "operations.0.quantity"),
    ({"unit": "bags of stuff"}, "operations.0.unit"),
    ({"quantity": 7}, "operations.0.quantity"),  # 7 lb is not a whole number of 5 lb bags
    ({"purchased_on": "2026-02-30"}, "operations.0.purchased_on"),
    ({"product_id": "someone-elses-product"}, "operations.0.product_id"),
])
def test_bad_confirmed_values_are_refused(store: MemoryStore, args: dict[str, Any], field: str) -> None:
    pid = _propose(store, ("add_purchase", FLOUR))
    service.edit(store.unit_of_work(), pid, changes={0: args}, by="uid-1")
    with pytest.raises((ValidationError, NotFoundError)) as error:
        _confirm(store, pid)
    assert error.value.field == field
    assert store.bakery.purchases == {}


def test_a_struck_out_line_is_not_applied(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR),
                   ("add_purchase", {"item_name": "TOTAL", "quantity": 1, "unit": "H87", "price": 20}))
    service.edit(store.unit_of_work(), pid, remove=[1], by="uid-1")
    done = _confirm(store, pid)
    assert len(store.bakery.purchases) == 1 and len(done.confirmed) == 1


def test_undo_removes_what_confirm_made(store: MemoryStore) -> None:
    before = store.bakery
    pid = _propose(store, ("add_purchase", {**FLOUR, "store": "Bulk Barn"}))
    _confirm(store, pid)
    assert len(store.bakery.lots) == 1 and "bulk-barn" in store.bakery.suppliers
    undone = service.undo(store.unit_of_work(), pid, by="uid-2", at=AT)
    assert undone.status is ProposalStatus.UNDONE and undone.undone_by == "uid-2"
    for name in ("purchases", "lots", "suppliers", "products", "depletions"):
        assert getattr(store.bakery, name) == getattr(before, name), name


def test_undo_is_refused_once_the_lot_was_used(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR))
    _confirm(store, pid)
    consume_ingredient(store.unit_of_work(), ingredient_slug="flour", amount=2, unit="cup")
    with pytest.raises(ConflictError, match="used since") as error:
        service.undo(store.unit_of_work(), pid, by="uid-1")
    assert error.value.field == "proposal_id"
    assert len(store.bakery.purchases) == 1
    assert store.bakery.proposals[pid].status is ProposalStatus.CONFIRMED


def test_a_level_check_and_a_loss_are_undone_exactly(store: MemoryStore) -> None:
    bought = _propose(store, ("add_purchase", FLOUR))
    _confirm(store, bought)
    lots_before = dict(store.bakery.lots)
    pid = _propose(store, ("adjust_inventory", {"item_name": "flour", "ingredient_slug": "flour",
                                                "remaining_percentage": 40}),
                   ("adjust_inventory", {"item_name": "flour", "ingredient_slug": "flour",
                                         "loss": {"quantity": 1, "unit": "cup", "reason": "spoilage"}}),
                   source=Source.INVENTORY_PHOTO)
    _confirm(store, pid)
    lot = next(iter(store.bakery.lots.values()))
    assert lot.quantity == Decimal(2) - Decimal("4.25") / 16  # 40% of a 5 lb bag, less a cup (4.25 oz)
    assert len(store.bakery.depletions) == 2
    service.undo(store.unit_of_work(), pid, by="uid-1")
    assert store.bakery.lots == lots_before and store.bakery.depletions == {}


def test_a_spoken_event_becomes_an_event_and_undo_removes_it(store: MemoryStore) -> None:
    pid = _propose(store, ("create_event", {"name": "Bake Sale", "date": "2026-12-12", "items": [
        {"finished_good": "shortbread tins", "finished_good_slug": "shortbread-tin", "quantity": 10}]}),
                   source=Source.EVENT_VOICE)
    _confirm(store, pid)
    event = store.bakery.events["bake-sale-2026"]
    assert (event.event_date, [(g.finished_good_slug, g.quantity) for g in event.finished_goods]) == \
        (dt.date(2026, 12, 12), [("shortbread-tin", 10)])
    service.undo(store.unit_of_work(), pid, by="uid-1")
    assert store.bakery.events == {}


def test_an_unresolved_finished_good_is_refused_not_guessed(store: MemoryStore) -> None:
    pid = _propose(store, ("create_event", {"name": "Fair", "date": "2026-12-12",
                                            "items": [{"finished_good": "brownies", "quantity": 4}]}))
    with pytest.raises(ValidationError) as error:
        _confirm(store, pid)
    assert error.value.field == "operations.0.items.0.finished_good_slug"


def test_only_a_proposed_proposal_can_be_edited_confirmed_or_rejected(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR))
    service.reject(store.unit_of_work(), pid, by="uid-1", reason="wrong receipt")
    for act in (lambda: _confirm(store, pid),
                lambda: service.edit(store.unit_of_work(), pid, changes={0: {"price": 1}}, by="uid-1"),
                lambda: service.undo(store.unit_of_work(), pid, by="uid-1")):
        with pytest.raises(ConflictError):
            act()
    assert store.bakery.proposals[pid].reason == "wrong receipt" and store.bakery.purchases == {}


def test_a_second_confirm_and_a_second_undo_are_conflicts(store: MemoryStore) -> None:
    pid = _propose(store, ("add_purchase", FLOUR))
    _confirm(store, pid)
    with pytest.raises(ConflictError):
        _confirm(store, pid)
    service.undo(store.unit_of_work(), pid, by="uid-1")
    with pytest.raises(ConflictError):
        service.undo(store.unit_of_work(), pid, by="uid-1")
    assert store.bakery.purchases == {}


def test_system_fields_cannot_be_smuggled_in(store: MemoryStore) -> None:
    op = service.new_operation("add_purchase", {**FLOUR, "tenant_id": "other", "status": "confirmed"})
    assert "tenant_id" not in op.args and "status" not in op.proposed
    pid = _propose(store, ("add_purchase", FLOUR))
    with pytest.raises(ValidationError) as error:
        service.edit(store.unit_of_work(), pid, changes={0: {"tenant_id": "other"}}, by="uid-1")
    assert error.value.field == "operations.0.tenant_id"
    with pytest.raises(ValidationError):
        service.new_operation("delete_everything", {})


def test_a_fixed_id_makes_submitting_idempotent(store: MemoryStore) -> None:
    ops = [service.new_operation("add_purchase", FLOUR)]
    first = service.submit(store.unit_of_work(), source=Source.RECEIPT, operations=ops, by="task", model="ocr",
                           proposal_id="receipt-abc")
    again = service.submit(store.unit_of_work(), source=Source.RECEIPT, operations=ops * 2, by="task", model="ocr",
                           proposal_id="receipt-abc")
    assert again == first and len(store.bakery.proposals) == 1
