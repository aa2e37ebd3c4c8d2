"""Every writer of lots, one after another, with which lots must be live after each (tests of live lots).

Purchases, a production run, a loss, level checks (down to empty and back up), and through proposals a
purchase, a level check and a production run, each confirmed and undone. `live_ids` reads the store's live
lots (and may check its own bookkeeping); each step says which lots must be live then.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from core.bakery import Bakery
from core.desktop_format.desktop_import import import_desktop
from core.proposals import service
from core.proposals.model import Source
from core.repository import UnitOfWork
from core.services import record_loss, record_production_run, record_purchase, set_remaining_percentage

KITCHEN: dict[str, Any] = {
    "ingredients": [{"slug": "flour", "display_name": "All-Purpose Flour", "density_volume_value": 1,
                     "density_volume_unit": "cup", "density_weight_value": 4.25, "density_weight_unit": "oz"}],
    "products": [{"id": "ka-flour-5lb", "ingredient_slug": "flour", "brand": "King Arthur", "package_unit": "lb",
                  "package_unit_quantity": 5}],
    "recipes": [{"name": "Shortbread", "ingredients": [{"ingredient_slug": "flour", "quantity": 2, "unit": "cup"}],
                 "finished_units": [{"slug": "shortbread-finger", "name": "Finger", "unit_yield_quantity": 24}]}],
}
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
FLOUR = {"item_name": "King Arthur flour", "quantity": 5, "unit": "LBR", "price": 4.99, "product_id": "ka-flour-5lb"}


def kitchen() -> Bakery:
    imported = import_desktop(KITCHEN)
    assert imported.ok, imported.problems
    return imported.bakery


def walk_every_writer(unit_of_work: Callable[[], UnitOfWork], live_ids: Callable[[], set[str]]) -> list[str]:
    """Run every writer; after each, `live_ids()` must be the lots with stock. Returns the steps taken."""
    counter = itertools.count(1)

    def ids(prefix: str) -> str:
        return f"{prefix}-{next(counter)}"

    steps: list[str] = []

    def step(name: str, expected: set[str]) -> None:
        found = live_ids()
        assert found == expected, f"after {name}: live {sorted(found)}, expected {sorted(expected)}"
        steps.append(name)

    def propose(op: str, args: dict[str, Any]) -> str:
        operation = service.new_operation(op, args, {"item_name": 0.9}, index=0)
        proposal = service.submit(unit_of_work(), source=Source.VOICE, operations=[operation], by="uid-1",
                                  model="offline-grammar", input_text="…", at=AT, new_id=ids)
        service.confirm(unit_of_work(), proposal.id, by="uid-1", at=AT, new_id=ids)
        return proposal.id

    def undo(proposal_id: str) -> None:
        service.undo(unit_of_work(), proposal_id, by="uid-1", at=AT)

    step("nothing bought", set())
    _, a = record_purchase(unit_of_work(), product_id="ka-flour-5lb", packages=1, unit_price="4.99",
                           purchased_on=dt.date(2026, 11, 1), new_id=ids)
    step("purchase", {a.id})
    _, b = record_purchase(unit_of_work(), product_id="ka-flour-5lb", packages=1, unit_price="5.49",
                           purchased_on=dt.date(2026, 11, 2), new_id=ids)
    step("second purchase", {a.id, b.id})
    record_production_run(unit_of_work(), recipe_slug="shortbread", batches=10, new_id=ids)  # 85 oz of 160
    step("production empties the older lot", {b.id})
    record_loss(unit_of_work(), ingredient_slug="flour", amount=1, unit="G21", reason="spoilage", new_id=ids)
    step("loss", {b.id})
    set_remaining_percentage(unit_of_work(), percentage=0, product_id="ka-flour-5lb", new_id=ids)
    step("level check to empty", set())
    set_remaining_percentage(unit_of_work(), percentage=50, product_id="ka-flour-5lb", new_id=ids)
    step("level check finds more (a used-up lot back in stock)", {b.id})  # the newest lot: 40 oz
    bought = propose("add_purchase", FLOUR)
    c = next(lot.id for lot in unit_of_work().live_lots() if lot.id not in (a.id, b.id))
    step("purchase confirmed from a proposal", {b.id, c})
    undo(bought)
    step("purchase undone", {b.id})
    emptied = propose("adjust_inventory", {"item_name": "flour", "ingredient_slug": "flour",
                                           "remaining_percentage": 0})
    step("level check to empty from a proposal", set())
    undo(emptied)
    step("level check undone", {b.id})
    more = propose("add_purchase", FLOUR)
    d = next(lot.id for lot in unit_of_work().live_lots() if lot.id != b.id)
    step("another purchase from a proposal", {b.id, d})
    baked = propose("record_production", {"recipe": "shortbread", "batches": 5})  # 42.5 oz: all of b, 2.5 of d
    step("production from a proposal empties a lot", {d})
    undo(baked)
    step("production undone", {b.id, d})
    undo(more)  # nothing took from it since the undone production
    step("second proposed purchase undone", {b.id})
    return steps
