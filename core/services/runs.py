"""Production and assembly runs, finished stock, and what an event has had made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import ConflictError, NotFoundError
from core.planning.events import AssemblyRun, Loss, ProductionRun
from core.repository import Collection, UnitOfWork
from core.services.common import IdFactory, new_id, now_or, number, optional_number, require
from core.stock.production import AssemblyResult, FinishedStock, ProductionResult, assemble, finished_stock, produce


def record_production_run(
    uow: UnitOfWork,
    *,
    recipe_slug: str,
    batches: object,
    finished_unit_slug: str | None = None,
    actual_yield: object | None = None,
    losses: Sequence[Loss] = (),
    event_slug: str | None = None,
    produced_at: dt.datetime | None = None,
    notes: str = "",
    run_id: str | None = None,
    new_id: IdFactory = new_id,
) -> ProductionResult:
    """Batches baked: every ingredient (nested recipes included) leaves its lots by FIFO.

    Refused as a whole — nothing stored — when any ingredient is short. An ingredient whose lots
    cannot be converted is recorded as not deducted (`result.not_deducted`), its lots untouched.
    """
    with uow:
        _already_recorded(uow.production_runs, run_id, "production run")
        _check_event(uow, event_slug)
        result = produce(
            recipe_slug,
            number(batches, "batches"),
            recipes={r.slug: r for r in uow.recipes.list()},
            ingredients={i.slug: i for i in uow.ingredients.list()},
            lots=uow.live_lots(),  # FIFO draws from live lots only
            finished_units=uow.finished_units.list(),
            run_id=run_id or new_id("run"),
            produced_at=now_or(produced_at),
            finished_unit_slug=finished_unit_slug,
            actual_yield=optional_number(actual_yield, "actual_yield"),
            losses=losses,
            event_slug=event_slug,
            notes=notes,
        )
        for lot in result.lots:
            uow.lots.put(lot)
        uow.production_runs.put(result.run)
        uow.commit()
    return result


def record_assembly_run(
    uow: UnitOfWork,
    *,
    finished_good_slug: str,
    quantity: object,
    event_slug: str | None = None,
    assembled_at: dt.datetime | None = None,
    notes: str = "",
    run_id: str | None = None,
    new_id: IdFactory = new_id,
) -> AssemblyResult:
    """Goods assembled from finished stock and packaging (FIFO); refused as a whole when anything is short.

    Packaging whose lots cannot be converted is recorded as not deducted, as in production.
    """
    with uow:
        _already_recorded(uow.assembly_runs, run_id, "assembly run")
        _check_event(uow, event_slug)
        goods = {g.slug: g for g in uow.finished_goods.list()}
        result = assemble(
            finished_good_slug,
            number(quantity, "quantity"),
            finished_goods=goods,
            stock=finished_stock(uow.production_runs.list(), uow.assembly_runs.list(), goods),
            materials={m.slug: m for m in uow.materials.list()},
            material_products={p.slug: p for p in uow.material_products.list()},
            material_lots=uow.material_lots.list(),
            run_id=run_id or new_id("assembly"),
            assembled_at=now_or(assembled_at),
            event_slug=event_slug,
            notes=notes,
        )
        for lot in result.material_lots:
            uow.material_lots.put(lot)
        uow.assembly_runs.put(result.run)
        uow.commit()
    return result


def finished_stock_on_hand(uow: UnitOfWork) -> FinishedStock:
    """Finished units and goods on hand, derived from every run (read only)."""
    with uow:
        goods = {g.slug: g for g in uow.finished_goods.list()}
        return finished_stock(uow.production_runs.list(), uow.assembly_runs.list(), goods)


@dataclass(frozen=True, slots=True)
class EventRuns:
    production_runs: tuple[ProductionRun, ...]  # oldest first
    assembly_runs: tuple[AssemblyRun, ...]


def runs_for_event(uow: UnitOfWork, event_slug: str) -> EventRuns:
    """What was produced and assembled for an event, beside what it planned (read only)."""
    with uow:
        require(uow.events, event_slug, "event", "event_slug")
        made = sorted((r for r in uow.production_runs.list() if r.event_slug == event_slug),
                      key=lambda r: (r.produced_at, r.id))
        assembled = sorted((r for r in uow.assembly_runs.list() if r.event_slug == event_slug),
                           key=lambda r: (r.assembled_at, r.id))
        return EventRuns(tuple(made), tuple(assembled))


def _already_recorded(runs: Collection[Any], run_id: str | None, what: str) -> None:
    """A run given its id (from an idempotency key) is stored once: read inside the transaction, so a
    concurrent twin conflicts and runs again, then finds it here."""
    if run_id is not None and runs.get(run_id) is not None:
        raise ConflictError(f"{what} {run_id!r} is already recorded; runs are never recorded twice", field="run_id")


def _check_event(uow: UnitOfWork, event_slug: str | None) -> None:
    if event_slug is not None and uow.events.get(event_slug) is None:
        raise NotFoundError(f"unknown event {event_slug!r}", field="event_slug")
