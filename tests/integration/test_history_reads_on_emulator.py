"""A bakery's history does not make its stock changes, saves, reference checks or undos read more (issue 14).

Two bakeries on the Firestore emulator hold the same catalog, recipes, event and stock; the old one also has
HISTORY used-up lots of each product bought over five years, each with its purchase, all older than the stock.
Each operation runs on a cold unit of work (an empty instance cache) in both, with the same ids: the documents
it reads (every snapshot the client makes) must be the same number, and its answer the same. Where the answer
once came from every lot, it is also checked against that (FIFO over every lot, the level check's lot among
every lot, users_of over the whole bakery).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from adapters.collection_cache import TenantCache
from adapters.firestore_repository import FirestoreUnitOfWork
from core.application.context import BakeryContext
from core.application.planning import event_cost, event_plan
from core.application.records import delete_record, save_sections
from core.catalog.entities import Product, Supplier
from core.catalog.references import users_of
from core.errors import ConflictError
from core.planning.event_plan import plan_event
from core.planning.events import Event, EventFinishedGood, ProductionRun
from core.planning.plan_report import plan_to_json
from core.proposals import service
from core.proposals.model import Source
from core.repository import COLLECTION_NAMES
from core.services import record_loss, record_production_run, record_purchase, set_remaining_percentage
from core.stock.fifo import consume_fifo
from core.stock.inventory import lot_for_level_check
from core.stock.lots import Lot, Purchase
from core.stock.production import produce
from functions.shared.firestore_backend import FirestoreBackend
from tests.support.live_lot_walk import AT, kitchen

pytestmark = pytest.mark.emulator

HISTORY = 150  # used-up lots (and purchases) per product in the old bakery
PRODUCTS = ("ka-flour-5lb", "ka-flour-10lb")


def _seed(client: Any, tenant: str, history: int) -> None:
    bakery = kitchen()
    bakery.products["ka-flour-10lb"] = Product("ka-flour-10lb", "flour", "King Arthur", "", "LBR", Decimal(10))
    bakery.suppliers["mill"] = Supplier("mill", "The Mill")  # nothing refers to it: deletable
    bakery.events["fair"] = Event("fair", "Fair", finished_goods=(EventFinishedGood("shortbread-finger",
                                                                                      Decimal(24)),))
    uow = FirestoreUnitOfWork(client, tenant)
    for name in COLLECTION_NAMES:
        for item in getattr(bakery, name).values():
            getattr(uow, name).put(item)
    # the 10 lb bag: bought in October, used up since (a level check of it falls back on this lot)
    uow.purchases.put(Purchase("buy-c", "ka-flour-10lb", None, dt.date(2026, 10, 1), Decimal(1), Decimal(9)))
    uow.lots.put(Lot("lot-buy-c", "ka-flour-10lb", "flour", Decimal(0), "LBR", Decimal("0.9"), dt.date(2026, 10, 1),
                     Decimal(10), "buy-c"))
    uow.commit()
    for n, day in ((1, dt.date(2026, 11, 1)), (2, dt.date(2026, 11, 2))):  # the stock: two 5 lb bags, live
        record_purchase(FirestoreUnitOfWork(client, tenant), product_id="ka-flour-5lb", packages=2,
                        unit_price="4.99", purchased_on=day, purchase_id=f"buy-{n}")
    lots = [(product, k) for k in range(history) for product in PRODUCTS]
    for start in range(0, len(lots), 100):
        uow = FirestoreUnitOfWork(client, tenant)
        for product, k in lots[start:start + 100]:
            day = dt.date(2021, 1, 1) + dt.timedelta(days=(k * 1800) // max(1, history))
            pid = f"old-{product}-{k:04d}"
            uow.purchases.put(Purchase(pid, product, None, day, Decimal(1), Decimal(4)))
            uow.lots.put(Lot(f"lot-{pid}", product, "flour", Decimal(0), "LBR", Decimal("0.8"), day, Decimal(5), pid))
        uow.commit()
    uow = FirestoreUnitOfWork(client, tenant)  # a batch baked for the fair; the old bakery's everyday bakes
    uow.production_runs.put(ProductionRun("run-fair", "shortbread", Decimal(1), AT, event_slug="fair"))
    for k in range(history):
        uow.production_runs.put(ProductionRun(f"run-old-{k:04d}", "shortbread", Decimal(1),
                                              AT - dt.timedelta(days=k + 1)))
    uow.commit()
    cold = FirestoreUnitOfWork(client, tenant, read_only=True, cache=TenantCache())
    cold.live_lots()  # marks the bakery's lots live (a first live read), as any bakery in use is
    cold.purchase_summaries()  # and its purchase summaries


@pytest.fixture
def bakeries(firestore: Any) -> Any:
    _seed(firestore, "new", 0)
    _seed(firestore, "old", HISTORY)
    return firestore


@pytest.fixture
def documents_read(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Any]], tuple[int, Any]]:
    """Runs a call; returns the documents it read (each snapshot the client made: gets, found or missing,
    and query results) and what it returned (or raised)."""
    from google.cloud.firestore_v1.base_document import DocumentSnapshot

    count = [0]
    original = DocumentSnapshot.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        count[0] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(DocumentSnapshot, "__init__", counting)

    def run(call: Callable[[], Any]) -> tuple[int, Any]:
        before = count[0]
        try:
            answer = call()
        except ConflictError as exc:
            answer = exc
        return count[0] - before, answer

    return run


def _ids() -> Callable[[str], str]:
    counter = itertools.count(1)
    return lambda prefix: f"{prefix}-{next(counter)}"


def _every(client: Any, tenant: str) -> Any:
    return FirestoreUnitOfWork(client, tenant, read_only=True).load_bakery()


def _day(client: Any, tenant: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    """The operations, in order, each on a cold unit of work of `tenant`, with ids the same in both bakeries."""
    def uow() -> FirestoreUnitOfWork:
        return FirestoreUnitOfWork(client, tenant, cache=TenantCache())

    def ctx() -> BakeryContext:
        return BakeryContext(FirestoreBackend(client), tenant)

    ids = _ids()

    def propose(op: str, args: dict[str, Any]) -> str:
        operation = service.new_operation(op, args, {"item_name": 0.9}, index=0)
        return service.submit(uow(), source=Source.VOICE, operations=[operation], by="uid-1", model="grammar",
                              input_text="…", at=AT, new_id=ids).id

    yield "plan_event (remaining only)", lambda: event_plan(ctx(), event="fair", remaining_only=True)
    yield "event_cost", lambda: event_cost(ctx(), event="fair")
    yield "record_production_run", lambda: record_production_run(uow(), recipe_slug="shortbread", batches=1,
                                                                   run_id="run-1", produced_at=AT)
    yield "record_loss", lambda: record_loss(uow(), ingredient_slug="flour", amount=1, unit="G21",
                                             reason="spoilage", at=AT, new_id=ids)
    yield "level check of a live lot", lambda: set_remaining_percentage(uow(), percentage=50,
                                                                         product_id="ka-flour-5lb", at=AT, new_id=ids)
    yield "level check, every lot used up", lambda: set_remaining_percentage(
        uow(), percentage=20, product_id="ka-flour-10lb", at=AT, new_id=ids)
    yield "save_recipes", lambda: save_sections(ctx(), "save_recipes", {"recipes": [
        {"slug": "shortbread", "name": "Shortbread", "ingredients": [
            {"ingredient_slug": "flour", "quantity": 2, "unit": "cup"}]}]})
    yield "save_catalog", lambda: save_sections(ctx(), "save_catalog", {"suppliers": [{"name": "Corner Shop"}]})
    yield "delete an unused supplier", lambda: delete_record(ctx(), collection="suppliers", key="mill")
    adjusted = propose("adjust_inventory", {"item_name": "flour", "ingredient_slug": "flour",
                                            "loss": {"quantity": 1, "unit": "G21", "reason": "spoilage"},
                                            "remaining_percentage": 10})
    yield "confirm an adjustment", lambda: service.confirm(uow(), adjusted, by="uid-1", at=AT, new_id=ids)
    yield "undo it", lambda: service.undo(uow(), adjusted, by="uid-1", at=AT)
    baked = propose("record_production", {"recipe": "shortbread", "batches": 1})
    yield "confirm a production", lambda: service.confirm(uow(), baked, by="uid-1", at=AT, new_id=ids)
    yield "undo it (production)", lambda: service.undo(uow(), baked, by="uid-1", at=AT)
    bought = propose("add_purchase", {"item_name": "flour", "ingredient_slug": "flour", "quantity": 3,
                                      "unit": "LBR", "price": 3.5, "store": "Farm Stand"})  # a new product, store
    yield "confirm a purchase (new product, supplier)", lambda: service.confirm(uow(), bought, by="uid-1", at=AT,
                                                                                 new_id=ids)
    yield "undo it (purchase)", lambda: service.undo(uow(), bought, by="uid-1", at=AT)


def test_operations_read_the_same_documents_and_answer_the_same_with_history(
        bakeries: Any, documents_read: Callable[[Callable[[], Any]], tuple[int, Any]]) -> None:
    client = bakeries
    old_every = _every(client, "old")
    assert len(old_every.lots) == 2 * HISTORY + 3 and len(_every(client, "new").lots) == 3
    expected_production = produce("shortbread", Decimal(1), recipes=old_every.recipes,
                                  ingredients=old_every.ingredients, lots=old_every.lots.values(),
                                  finished_units=old_every.finished_units.values(), run_id="run-1", produced_at=AT)
    read: dict[str, list[int]] = {}
    answers: dict[str, list[Any]] = {}
    for tenant in ("new", "old"):
        for label, call in _day(client, tenant):
            if tenant == "old" and label == "record_loss":
                every = _every(client, "old")
                flour = [lot for lot in every.lots.values() if lot.ingredient_slug == "flour"]
                expected_loss = consume_fifo(flour, Decimal(1), "G21", every.ingredients["flour"].conversion_basis)
            if tenant == "old" and label.startswith("level check"):
                every = _every(client, "old")
                product = every.products["ka-flour-10lb" if "used up" in label else "ka-flour-5lb"]
                expected_lot = lot_for_level_check(every.lots.values(), product)
                n, answer = documents_read(call)
                assert answer.lot.id == expected_lot.id, label  # the lot picked among every lot
            else:
                n, answer = documents_read(call)
            read.setdefault(label, []).append(n)
            answers.setdefault(label, []).append(answer)
            if tenant == "old" and label == "record_production_run":
                assert answer.run == expected_production.run and answer.lots == expected_production.lots
            if tenant == "old" and label == "record_loss":
                assert answer.consumption.draws == expected_loss.draws
    whole = plan_event(old_every, "fair", remaining_only=True)  # from every run, as planning read them before
    assert answers["plan_event (remaining only)"][1] == plan_to_json(whole)
    assert whole.recipes[0].completed == 1  # the fair's run counts; the everyday bakes do not
    grew = {label: counts for label, counts in read.items() if counts[0] != counts[1]}
    assert grew == {}, f"documents read, new bakery vs old: {grew}"
    assert all(n > 0 for n, _ in read.values())
    for label, (new, old) in answers.items():
        if isinstance(new, ConflictError):
            assert isinstance(old, ConflictError) and old.message == new.message, label
        else:
            assert new == old, label
    assert answers["level check, every lot used up"][1].lot.id == "lot-buy-c"  # the newest, used up, found again
    assert [p.status.value for p in (answers["undo it"][1], answers["undo it (purchase)"][1])] == ["undone"] * 2


def test_a_reference_check_answers_as_over_the_whole_bakery(
        bakeries: Any, documents_read: Callable[[Callable[[], Any]], tuple[int, Any]]) -> None:
    """Deleting a product with history is refused naming the same users as users_of over every record; it reads
    that product's lots and purchases, not the rest of the history."""
    client = bakeries
    every = _every(client, "old")
    users = sorted(users_of(every, "products", "ka-flour-10lb"))
    n, refused = documents_read(lambda: delete_record(BakeryContext(FirestoreBackend(client), "old"),
                                                      collection="products", key="ka-flour-10lb"))
    assert isinstance(refused, ConflictError)
    assert refused.message == f"'ka-flour-10lb' is still used by {', '.join(users[:5])} and {len(users) - 5} more"
    assert n < len(every.lots) + len(every.purchases) - 2 * HISTORY  # not the 5 lb bags' history


def test_the_newest_proposals_read_a_page_and_answer_as_sorting_every_one(
        firestore: Any, documents_read: Callable[[Callable[[], Any]], tuple[int, Any]]) -> None:
    """list_proposals (service.listing): the newest `limit` proposals, of one status or any, read the same
    documents with 300 older proposals as without, and equal sorting every proposal by time, then id."""
    from core.proposals.model import Proposal, ProposalStatus

    for tenant, older in (("new", 0), ("old", 300)):
        made = [(f"older-{k:04d}", AT - dt.timedelta(days=k + 1), k) for k in range(older)] + \
            [(f"recent-{k:02d}", AT + dt.timedelta(minutes=k % 7), k) for k in range(20)]  # some share a minute
        for start in range(0, len(made), 200):
            uow = FirestoreUnitOfWork(firestore, tenant)
            for pid, at, k in made[start:start + 200]:
                status = ProposalStatus.CONFIRMED if k % 3 == 0 else ProposalStatus.PROPOSED
                uow.proposals.put(Proposal(pid, Source.VOICE, (), status, created_at=at))
            uow.commit()
    answers: dict[tuple[str, str | None], Any] = {}
    read: dict[tuple[str, str | None], int] = {}
    for tenant in ("new", "old"):
        every = _every(firestore, tenant).proposals.values()
        for status in (None, ProposalStatus.CONFIRMED, ProposalStatus.UNDONE):
            expected = sorted((p for p in every if status is None or p.status is status),
                              key=lambda p: (p.created_at, p.id), reverse=True)[:5]
            n, found = documents_read(lambda s=status, t=tenant: service.listing(
                FirestoreUnitOfWork(firestore, t, read_only=True, cache=TenantCache()), status=s, limit=5))
            assert found == expected, (tenant, status)
            answers[(tenant, status)] = [p.id for p in found]
            read[(tenant, status)] = n
    for status in (None, ProposalStatus.CONFIRMED, ProposalStatus.UNDONE):
        assert read[("new", status)] == read[("old", status)] <= 5, status
        assert answers[("new", status)] == answers[("old", status)]  # the newest five are recent in both
