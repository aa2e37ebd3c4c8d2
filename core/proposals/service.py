"""Proposal use cases: submit, edit, confirm (all operations in one commit), reject, undo.

Nothing a proposal describes is written before `confirm`; `confirm` and `undo` each read and
write inside one unit of work, so they are atomic and, on Firestore, retried as a whole when
another write raced them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.catalog.references import users_of
from core.catalog.referrers import referring
from core.errors import ConflictError, NotFoundError, ValidationError
from core.proposals.apply import (
    Applying,
    apply_adjustment,
    apply_event,
    apply_event_quantities,
    apply_production,
    apply_purchase,
)
from core.proposals.arguments import adjust_args, event_args, production_args, purchase_args, quantities_args
from core.proposals.consistency import carry
from core.proposals.fingerprint import fingerprint
from core.proposals.model import OPERATIONS, Effect, Proposal, ProposalStatus, ProposedOperation, Source
from core.repository import UnitOfWork
from core.services.common import new_id as default_new_id

MAX_OPERATIONS = 100
# fields a baker may not set by editing: they are the system's (ids of other records are checked on confirm)
_SYSTEM_FIELDS = frozenset({"tenant_id", "status", "proposal_id", "confirmed", "effects"})


def _jsonable(value: Any, where: str, depth: int = 0) -> Any:
    if depth > 6:
        raise ValidationError("arguments are nested too deeply", field=where)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError("numbers must be finite", field=where)
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v, f"{where}.{i}", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _jsonable(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
    return str(value)


def new_operation(op: str, args: dict[str, Any], confidence: dict[str, float] | None = None,
                  flags: Iterable[str] = (), index: int = 0) -> ProposedOperation:
    if op not in OPERATIONS:
        raise ValidationError(f"unknown operation {op!r}; one of {', '.join(OPERATIONS)}",
                              field=f"operations.{index}.op")
    clean = {k: v for k, v in _jsonable(args, f"operations.{index}.args").items() if k not in _SYSTEM_FIELDS}
    return ProposedOperation(op, clean, dict(clean), {k: max(0.0, min(1.0, float(v)))
                                                      for k, v in (confidence or {}).items()}, tuple(flags))


def submit(uow: UnitOfWork, *, source: Source, operations: list[ProposedOperation], by: str, model: str,
           input_text: str = "", photo_path: str = "", notes: Iterable[str] = (), proposal_id: str | None = None,
           at: dt.datetime | None = None, new_id: Callable[[str], str] = default_new_id) -> Proposal:
    """Store a proposal (status `proposed`); with `proposal_id`, an existing one is returned unchanged."""
    if len(operations) > MAX_OPERATIONS:
        raise ValidationError(f"at most {MAX_OPERATIONS} operations in one proposal", field="operations")
    now = at or dt.datetime.now(dt.UTC)
    with uow:
        if proposal_id is not None and (existing := uow.proposals.get(proposal_id)) is not None:
            return existing
        key = proposal_id or new_id("proposal")
        if uow.proposals.get(key) is not None:
            raise ConflictError(f"proposal {key!r} exists already", field="proposal_id")
        proposal = Proposal(id=key, source=source, operations=tuple(operations),
                            model=model, input_text=input_text[:5000], photo_path=photo_path,
                            notes=tuple(notes), created_by=by, created_at=now, updated_at=now)
        uow.proposals.put(proposal)
        uow.commit()
    return proposal


def _load(uow: UnitOfWork, proposal_id: str) -> Proposal:
    proposal = uow.proposals.get(proposal_id)
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id!r}", field="proposal_id")
    return proposal


def _must_be(proposal: Proposal, status: ProposalStatus, doing: str) -> None:
    if proposal.status is not status:
        raise ConflictError(f"proposal {proposal.id} is {proposal.status.value}; only a {status.value} one can be "
                            f"{doing}", field="proposal_id")


def edit(uow: UnitOfWork, proposal_id: str, *, changes: dict[int, dict[str, Any]] | None = None,
         remove: Iterable[int] = (), restore: Iterable[int] = (), add: Iterable[tuple[str, dict[str, Any]]] = (),
         by: str, at: dt.datetime | None = None) -> Proposal:
    """The baker's corrections: per operation, fields to set (None clears one); lines struck out or back in;
    lines the extractor missed, added (they have nothing proposed: all their values are the baker's)."""
    with uow:
        proposal = _load(uow, proposal_id)
        _must_be(proposal, ProposalStatus.PROPOSED, "edited")
        ops = list(proposal.operations)
        touched = set(changes or {}) | set(remove) | set(restore)
        for index in sorted(touched):
            if not 0 <= index < len(ops):
                raise ValidationError(f"there is no operation {index}", field=f"operations.{index}")
        ops = [replace(op, derived=()) if op.derived else op for op in ops]  # "updated with your change": this one
        for index, patch in (changes or {}).items():
            clean = _jsonable(patch, f"operations.{index}.args")
            for name in clean:
                if name in _SYSTEM_FIELDS:
                    raise ValidationError(f"{name} cannot be edited", field=f"operations.{index}.{name}")
            carried = carry(ops[index].op, ops[index].args, clean, index)
            ops[index] = replace(ops[index], args=carried.args, derived=carried.derived)
        for index in remove:
            ops[index] = replace(ops[index], removed=True)
        for index in restore:
            ops[index] = replace(ops[index], removed=False)
        for op, args in add:
            added = new_operation(op, args, index=len(ops))
            ops.append(replace(added, proposed={}))
        if len(ops) > MAX_OPERATIONS:
            raise ValidationError(f"at most {MAX_OPERATIONS} operations in one proposal", field="operations")
        updated = replace(proposal, operations=tuple(ops), updated_at=at or dt.datetime.now(dt.UTC),
                          extra={**proposal.extra, "edited_by": by})
        uow.proposals.put(updated)
        uow.commit()
    return updated


def confirm(uow: UnitOfWork, proposal_id: str, *, by: str, at: dt.datetime | None = None,
            new_id: Callable[[str], str] = default_new_id) -> Proposal:
    """Validate and apply every operation not struck out, all in one commit; nothing is written on any error."""
    now = at or dt.datetime.now(dt.UTC)
    with uow:
        proposal = _load(uow, proposal_id)
        _must_be(proposal, ProposalStatus.PROPOSED, "confirmed")
        live = proposal.live_operations
        if not live:
            raise ValidationError("every operation was struck out: reject the proposal instead", field="operations")
        today = (proposal.created_at or now).date()
        applying = Applying(proposal.id, proposal.source.value, now, new_id)
        effects: list[Effect] = []
        for index, op in live:
            if op.op == "add_purchase":
                effects.append(apply_purchase(uow, purchase_args(op.args, index, today), index, applying))
            elif op.op == "adjust_inventory":
                effects.append(apply_adjustment(uow, adjust_args(op.args, index), index, applying))
            elif op.op == "create_event":
                effects.append(apply_event(uow, event_args(op.args, index), index, applying))
            elif op.op == "record_production":
                effects.append(apply_production(uow, production_args(op.args, index), index, applying))
            elif op.op == "set_event_quantities":
                effects.append(apply_event_quantities(uow, quantities_args(op.args, index), index, applying))
            else:
                raise ValidationError(f"unknown operation {op.op!r}", field=f"operations.{index}.op")
        confirmed = replace(proposal, status=ProposalStatus.CONFIRMED, decided_by=by, decided_at=now, updated_at=now,
                            confirmed=tuple(dict(op.args) for _, op in live), effects=tuple(effects))
        uow.proposals.put(confirmed)
        uow.commit()
    return confirmed


def reject(uow: UnitOfWork, proposal_id: str, *, by: str, reason: str = "", at: dt.datetime | None = None) -> Proposal:
    now = at or dt.datetime.now(dt.UTC)
    with uow:
        proposal = _load(uow, proposal_id)
        _must_be(proposal, ProposalStatus.PROPOSED, "rejected")
        rejected = replace(proposal, status=ProposalStatus.REJECTED, decided_by=by, decided_at=now, updated_at=now,
                           reason=reason[:500])
        uow.proposals.put(rejected)
        uow.commit()
    return rejected


def _blockers(uow: UnitOfWork, proposal: Proposal) -> list[str]:
    """What has happened since the confirmation that undoing would contradict."""
    found: list[str] = []
    ours = {f"{c.collection[:-1].replace('_', ' ')} {c.key}" for e in proposal.effects for c in e.created}
    for lot_id, (_, after) in _lot_spans(proposal).items():
        lot = uow.lots.get(lot_id)
        if lot is None or lot.quantity != after:
            found.append(f"lot {lot_id} changed since (used, counted or adjusted)")
    for effect in proposal.effects:
        for change in effect.event_changes:
            now = uow.events.get(change.before.slug)
            if now is None or fingerprint(now) != change.fingerprint:
                found.append(f"event {change.before.slug} changed since")
        for record in effect.created:
            item = getattr(uow, record.collection).get(record.key)
            if item is None:
                found.append(f"{record.collection[:-1]} {record.key} is gone")
            elif fingerprint(item) != record.fingerprint:
                what = "used since" if record.collection == "lots" else "changed since"
                found.append(f"{record.collection[:-1].replace('_', ' ')} {record.key} was {what}")
            elif record.collection in {"products", "suppliers", "events", "ingredients", "finished_goods"}:
                referrers = referring(uow, record.collection, record.key)  # never the whole history
                others = sorted(u for u in users_of(referrers, record.collection, record.key) if u not in ours)
                if others:
                    found.append(f"{record.key} is now used by {', '.join(others[:3])}")
    return found


def _lot_spans(proposal: Proposal) -> dict[str, tuple[Decimal, Decimal]]:
    """Per lot: its quantity before the first change this proposal made, and after the last."""
    spans: dict[str, tuple[Decimal, Decimal]] = {}
    for effect in proposal.effects:
        for change in effect.lot_changes:
            first = spans.get(change.lot_id, (change.before, change.after))[0]
            spans[change.lot_id] = (first, change.after)
    return spans


def undo(uow: UnitOfWork, proposal_id: str, *, by: str, at: dt.datetime | None = None) -> Proposal:
    """Reverse a confirmed proposal when nothing depends on it since; otherwise a 409 naming what does."""
    now = at or dt.datetime.now(dt.UTC)
    with uow:
        proposal = _load(uow, proposal_id)
        _must_be(proposal, ProposalStatus.CONFIRMED, "undone")
        blockers = _blockers(uow, proposal)
        if blockers:
            raise ConflictError("cannot undo: " + "; ".join(blockers[:5]), field="proposal_id")
        for lot_id, (before, _) in _lot_spans(proposal).items():
            lot = uow.lots.get(lot_id)
            if lot is not None:
                uow.lots.put(replace(lot, quantity=before))
        for effect in reversed(proposal.effects):
            for record in reversed(effect.created):
                getattr(uow, record.collection).delete(record.key)
            for change in effect.event_changes:
                uow.events.put(change.before)
        undone = replace(proposal, status=ProposalStatus.UNDONE, undone_by=by, undone_at=now, updated_at=now)
        uow.proposals.put(undone)
        uow.commit()
    return undone


def listing(uow: UnitOfWork, *, status: ProposalStatus | None = None, limit: int = 50) -> list[Proposal]:
    """Newest first (created at, then id); reads about `limit` proposals, not every one (`newest_proposals`)."""
    with uow:
        return uow.newest_proposals(limit, status.value if status is not None else None)
