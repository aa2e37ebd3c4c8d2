"""AI input as proposals: propose from text, edit, confirm, reject, undo, list.

Nothing an extractor reads is written except as a proposal; `confirm_proposal` (a signed-in
owner or baker) is the only way its operations reach the bakery's data, all in one transaction.
Arguments are checked twice: by the operation schemas here (the same the MCP tools and Gemini
use), and by the core when it applies them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adapters.extractors import read_inventory_photo, read_text, with_spoken_note
from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import Proposal, ProposalStatus, ProposedOperation, Source
from functions.models import (
    EditProposalRequest,
    ListProposalsRequest,
    ProposalRequest,
    ProposeFromPhotoRequest,
    ProposeTextRequest,
    RejectRequest,
)
from functions.shared.auth import READERS, WRITERS
from functions.shared.errors import ApiError
from functions.shared.operation import RUNTIME, Context, operation

# catalog keys the resolver or the baker sets; checked by the core against this bakery's own records
RESOLUTION_KEYS = frozenset({"product_id", "ingredient_slug", "supplier_slug", "alternatives"})
ITEM_RESOLUTION_KEYS = frozenset({"finished_good_slug", "alternatives"})


def proposal_json(p: Proposal) -> dict[str, Any]:
    confirmed = iter(p.confirmed)
    effects = {e.op_index: e for e in p.effects}
    operations = []
    for index, op in enumerate(p.operations):
        entry: dict[str, Any] = {
            "index": index, "op": op.op, "proposed": op.proposed, "args": op.args,
            "confidence": op.confidence, "flags": list(op.flags), "edited_fields": list(op.edited_fields),
            "removed": op.removed, "problems": [] if op.removed else _problems(op),
        }
        if p.status in (ProposalStatus.CONFIRMED, ProposalStatus.UNDONE) and not op.removed:
            entry["confirmed"] = next(confirmed, None)
            effect = effects.get(index)
            entry["applied"] = effect.summary if effect else None
        operations.append(entry)
    return {
        "proposal_id": p.id, "status": p.status.value, "source": p.source.value, "model": p.model,
        "input_text": p.input_text, "photo_path": p.photo_path, "notes": list(p.notes),
        "operations": operations, "created_by": p.created_by, "created_at": _iso(p.created_at),
        "updated_at": _iso(p.updated_at), "decided_by": p.decided_by or None, "decided_at": _iso(p.decided_at),
        "undone_by": p.undone_by or None, "undone_at": _iso(p.undone_at), "reason": p.reason or None,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def checked_args(op: str, args: dict[str, Any]) -> dict[str, Any]:
    """The args the operation schema judges: without the catalog keys the core checks itself."""
    plain = {k: v for k, v in args.items() if k not in RESOLUTION_KEYS}
    if op == "create_event" and isinstance(plain.get("items"), list):
        plain["items"] = [{k: v for k, v in item.items() if k not in ITEM_RESOLUTION_KEYS}
                          if isinstance(item, dict) else item for item in plain["items"]]
    return plain


def _problems(op: ProposedOperation) -> list[dict[str, str]]:
    """What still stands between this operation and a confirmation, per field (for the review screen)."""
    from adapters.operation_schemas import validate_draft

    _, issues = validate_draft(op.op, checked_args(op.op, op.args))
    return [{"field": issue.field, "reason": issue.problem} for issue in issues]


def _field(index: int, issue_field: str) -> str:
    return f"operations.{index}.{issue_field.replace('[', '.').replace(']', '')}"


@operation(WRITERS, ProposeTextRequest)
def propose_from_text(ctx: Context, body: ProposeTextRequest) -> dict[str, Any]:
    """A spoken or typed purchase, inventory level or event → a proposal to review (nothing else is written)."""
    today = body.today or dt.datetime.now(dt.UTC).date()
    parsed, model, notes = read_text(body.text, today)
    catalog = ctx.backend.planning_bakery(ctx.tenant_id)
    operations, unresolved = draft_operations(parsed, catalog)
    if not operations:
        raise ApiError(400, "nothing_understood", "no purchase, inventory level or event was understood in that; "
                       + "; ".join(unresolved[:3]), "text")
    source = Source(body.source)
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        proposal = service.submit(uow, source=source, operations=operations, by=ctx.caller.uid, model=model,
                                  input_text=body.text, notes=[*notes, *unresolved])
    return proposal_json(proposal)


def _existing(uow: Any, proposal_id: str) -> Proposal:
    """This bakery's proposal, or a 404 (also for another bakery's: never revealed to exist)."""
    proposal: Proposal | None = uow.proposals.get(proposal_id)
    if proposal is None:
        raise ApiError(404, "not_found", f"no proposal {proposal_id!r}", "proposal_id")
    return proposal


@operation(WRITERS, EditProposalRequest)
def edit_proposal(ctx: Context, body: EditProposalRequest) -> dict[str, Any]:
    """The baker's corrections; each changed field must be a valid value for its operation."""
    from adapters.operation_schemas import validate_draft

    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        current = _existing(uow, body.proposal_id)
        changes: dict[int, dict[str, Any]] = {}
        for change in body.changes:
            if change.index >= len(current.operations):
                raise ApiError(400, "invalid", f"there is no operation {change.index}", f"operations.{change.index}")
            op = current.operations[change.index]
            merged = {**op.args, **change.args}
            _, issues = validate_draft(op.op, checked_args(op.op, {k: v for k, v in merged.items() if v is not None}))
            for issue in issues:
                if issue.kind in ("invalid", "unknown_field", "dropped") and \
                        issue.field.split(".")[0].split("[")[0] in change.args:
                    raise ApiError(400, "invalid", f"{issue.field}: {issue.problem}", _field(change.index, issue.field))
            for key in RESOLUTION_KEYS & change.args.keys():
                value = change.args[key]
                if value is not None and key != "alternatives" and (not isinstance(value, str) or len(value) > 300):
                    raise ApiError(400, "invalid", f"{key} must be the key of one of your records",
                                   _field(change.index, key))
            changes[change.index] = change.args
        for n, added in enumerate(body.add):
            _, issues = validate_draft(added.op, checked_args(added.op, added.args))
            bad = [i for i in issues if i.kind in ("invalid", "unknown_field", "dropped")]
            if bad:
                raise ApiError(400, "invalid", f"{bad[0].field}: {bad[0].problem}", f"add.{n}.args.{bad[0].field}")
        edited = service.edit(uow, body.proposal_id, changes=changes, remove=body.remove, restore=body.restore,
                              add=[(a.op, a.args) for a in body.add], by=ctx.caller.uid)
    return proposal_json(edited)


@operation(WRITERS, ProposalRequest)
def confirm_proposal(ctx: Context, body: ProposalRequest) -> dict[str, Any]:
    """Apply every operation not struck out, in one transaction; the proposed and confirmed values are both kept."""
    return confirm_validated(ctx.backend, ctx.tenant_id, body.proposal_id, ctx.caller.uid)


def confirm_validated(store: Any, tenant_id: str, proposal_id: str, uid: str) -> dict[str, Any]:
    """Confirm after checking each live operation against the strict schema (errors name operations.N.field);
    shared by the HTTP function and the MCP tool."""
    from pydantic import ValidationError as SchemaError

    from adapters.operation_schemas import validate_final

    with store.unit_of_work(tenant_id) as uow:
        current = _existing(uow, proposal_id)
        if current.status is ProposalStatus.PROPOSED:
            for index, op in current.live_operations:
                try:
                    validate_final(op.op, checked_args(op.op, op.args))
                except SchemaError as exc:
                    error = exc.errors()[0]
                    where = ".".join(str(p) for p in error["loc"]) or "args"
                    raise ApiError(400, "invalid", f"{where}: {error['msg']}", _field(index, where)) from exc
        confirmed = service.confirm(uow, proposal_id, by=uid)
    return proposal_json(confirmed)


@operation(WRITERS, RejectRequest)
def reject_proposal(ctx: Context, body: RejectRequest) -> dict[str, Any]:
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        return proposal_json(service.reject(uow, body.proposal_id, by=ctx.caller.uid, reason=body.reason))


@operation(WRITERS, ProposalRequest)
def undo_proposal(ctx: Context, body: ProposalRequest) -> dict[str, Any]:
    """Reverse a confirmed proposal if nothing depends on it since (409 naming what does)."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        return proposal_json(service.undo(uow, body.proposal_id, by=ctx.caller.uid))


@operation(READERS, ListProposalsRequest)
def list_proposals(ctx: Context, body: ListProposalsRequest) -> dict[str, Any]:
    """Newest first; any member may see them (the review screen, "AI suggested" against "you confirmed")."""
    status = ProposalStatus(body.status) if body.status else None
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        found = service.listing(uow, status=status, limit=body.limit)
    return {"proposals": [proposal_json(p) for p in found]}


@operation(WRITERS, ProposeFromPhotoRequest)
def propose_from_photo(ctx: Context, body: ProposeFromPhotoRequest) -> dict[str, Any]:
    """An inventory photo ("this flour bag") → a proposal of its level, to review (nothing else is written)."""
    from functions.photos import photo_path

    path = photo_path(ctx.tenant_id, "inventory", body.photo_id)
    photo = RUNTIME.photos.get(path)
    if photo is None or photo.metadata.get("tenant_id") != ctx.tenant_id:
        raise ApiError(404, "not_found", f"no inventory photo {body.photo_id}", "photo_id")
    from adapters.inventory_photo import InventoryPhotoError

    try:
        parsed, model, notes = read_inventory_photo(photo.data, photo.content_type, body.item.strip())
    except InventoryPhotoError as exc:
        raise ApiError(400, "invalid", str(exc), "photo_id") from exc
    parsed = with_spoken_note(parsed, body.note, dt.datetime.now(dt.UTC).date())
    operations, unresolved = draft_operations(parsed, ctx.backend.planning_bakery(ctx.tenant_id))
    if not operations:
        raise ApiError(400, "nothing_understood", "nothing could be read from this photo; say what it is and how "
                       "full", "photo_id")
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        proposal = service.submit(uow, source=Source.INVENTORY_PHOTO, operations=operations, by=ctx.caller.uid,
                                  model=model, input_text=body.note, photo_path=path, notes=[*notes, *unresolved])
    return proposal_json(proposal)
