"""Confirmations and undo race on the real Firestore emulator: each proposal is applied at most once,
and an undo racing a use of the lot it created either wins whole or is refused whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from adapters.firestore_repository import FirestoreUnitOfWork, run_in_transaction
from core.errors import ConflictError, InsufficientStockError
from core.proposals import service
from core.proposals.model import ProposalStatus, Source
from core.services import consume_ingredient
from tests.integration.test_firestore_repository import _save
from tests.support.bakery_builder import BakeryBuilder

pytestmark = pytest.mark.emulator
FLOUR = {"item_name": "flour", "quantity": 5, "unit": "LBR", "price": 4.5, "product_id": "ka"}


def _uow(firestore: Any) -> FirestoreUnitOfWork:
    return FirestoreUnitOfWork(firestore, "alpha")


def _bakery(firestore: Any) -> None:
    _save(_uow(firestore), BakeryBuilder().ingredient("flour").product("ka", "flour", 5, "lb").bakery)


def _propose(firestore: Any) -> str:
    ops = [service.new_operation("add_purchase", FLOUR)]
    return service.submit(_uow(firestore), source=Source.VOICE, operations=ops, by="u", model="test").id


def test_ten_concurrent_confirms_apply_a_proposal_once(firestore: Any) -> None:
    _bakery(firestore)
    pid = _propose(firestore)

    def confirm(_: int) -> str:
        try:
            run_in_transaction(lambda: _uow(firestore), lambda uow: service.confirm(uow, pid, by="u"), attempts=30)
            return "confirmed"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(confirm, range(10)))
    read = FirestoreUnitOfWork(firestore, "alpha", read_only=True)
    assert outcomes.count("confirmed") == 1 and outcomes.count("conflict") == 9
    assert len(read.purchases.list()) == 1 and len(read.lots.list()) == 1
    assert read.proposals.get(pid).status is ProposalStatus.CONFIRMED  # type: ignore[union-attr]


def test_an_undo_racing_a_use_of_its_lot_is_all_or_nothing(firestore: Any) -> None:
    _bakery(firestore)
    for _ in range(6):
        pid = _propose(firestore)
        run_in_transaction(lambda: _uow(firestore), lambda uow, p=pid: service.confirm(uow, p, by="u"), attempts=30)

        def undo(_: int, p: str = pid) -> str:
            try:
                run_in_transaction(lambda: _uow(firestore), lambda uow: service.undo(uow, p, by="u"), attempts=30)
                return "undone"
            except ConflictError:
                return "refused"

        def use(_: int) -> str:
            try:
                run_in_transaction(lambda: _uow(firestore),
                                   lambda uow: consume_ingredient(uow, ingredient_slug="flour", amount=Decimal(1),
                                                                  unit="LBR"), attempts=30)
                return "used"
            except InsufficientStockError:
                return "short"

        with ThreadPoolExecutor(max_workers=2) as pool:
            racing = pool.submit(undo, 0), pool.submit(use, 0)
            undone, used = racing[0].result(), racing[1].result()
        read = FirestoreUnitOfWork(firestore, "alpha", read_only=True)
        lots = read.lots.list()
        status = read.proposals.get(pid).status  # type: ignore[union-attr]
        assert all(lot.quantity >= 0 for lot in lots)
        if undone == "undone":
            # the lot is gone with its purchase; a use after it found no stock, or the use came first and then
            # the undo would have been refused: both cannot have happened
            assert status is ProposalStatus.UNDONE and used == "short"
            assert read.purchases.get(f"{pid}") is None
        else:
            assert status is ProposalStatus.CONFIRMED and used == "used"
            assert sum(lot.quantity for lot in lots) >= 0
        # start the next round from an empty pantry
        for lot in lots:
            run_in_transaction(lambda: _uow(firestore), lambda uow, k=lot.id: (uow.lots.delete(k), uow.commit()))
