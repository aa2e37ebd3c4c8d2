"""AI input as proposals: propose from text, edit, confirm, reject, undo, list.

Nothing an extractor reads is written except as a proposal; `confirm_proposal` (a signed-in
owner or baker) is the only way its operations reach the bakery's data, all in one transaction.
Arguments are checked twice: by the operation schemas here (the same the MCP tools and Gemini
use), and by the core when it applies them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adapters import proposal_answers as answers
from adapters.extractors import read_inventory_photo, with_spoken_note
from adapters.gemini import ReadingHints
from adapters.proposal_answers import (
    RESOLUTION_KEYS,
    checked_args,
    confirm_validated,
    existing,
    field_of,
    proposal_json,
)
from core.errors import ValidationError
from core.proposals import service
from core.proposals.consistency import EDIT_ONLY_FIELDS, carry
from core.proposals.drafting import draft_operations
from core.proposals.model import ProposalStatus, Source
from core.speech.language import OtherLanguage
from functions.models import (
    EditProposalRequest,
    ListProposalsRequest,
    ProposalRequest,
    ProposeFromPhotoRequest,
    ProposeTextRequest,
    RejectRequest,
)
from functions.shared.activity import noted
from functions.shared.auth import READERS, WRITERS
from functions.shared.errors import ApiError
from functions.shared.limits import reading_charges, spend, write_charge
from functions.shared.operation import RUNTIME, Context, operation


@operation(WRITERS, ProposeTextRequest)
def propose_from_text(ctx: Context, body: ProposeTextRequest) -> dict[str, Any]:
    """A spoken or typed purchase, inventory level or event → a proposal to review (nothing else is written)."""
    spend(ctx.backend, [*reading_charges(ctx.tenant_id, ctx.caller.uid), write_charge(ctx.caller.uid)], field="text")
    try:
        proposal = answers.propose_from_text(ctx.bakery, text=body.text, source=Source(body.source), today=body.today,
                                             hints=reading_hints(ctx, body.language))
    except OtherLanguage as exc:  # its own code: the app says which language and what would read it
        raise ApiError(400, exc.code, exc.message, "text") from exc
    except ValidationError as exc:  # nothing understood: its own code, so the app can say so
        raise ApiError(400, "nothing_understood", exc.message, "text") from exc
    return proposal_json(noted(proposal))


def reading_hints(ctx: Context, language: str | None) -> ReadingHints | None:
    """The baker's language and the bakery's currency, for the AI model (read only when one is configured)."""
    from adapters.extractors import gemini_configured

    if not gemini_configured():
        return None
    tenant = ctx.backend.tenant(ctx.tenant_id)
    return ReadingHints(language=language, currency=tenant.settings.currency if tenant else None)


@operation(WRITERS, EditProposalRequest)
def edit_proposal(ctx: Context, body: EditProposalRequest) -> dict[str, Any]:
    """The baker's corrections; each changed field must be a valid value for its operation."""
    from adapters.operation_schemas import validate_draft

    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        current = existing(uow, body.proposal_id)
        changes: dict[int, dict[str, Any]] = {}
        for change in body.changes:
            if change.index >= len(current.operations):
                raise ApiError(400, "invalid", f"there is no operation {change.index}", f"operations.{change.index}")
            op = current.operations[change.index]
            # the line as it will be saved: the baker's change and what follows from it (a 400 when they disagree)
            carried = carry(op.op, op.args, change.args, change.index)
            touched = (change.args.keys() - EDIT_ONLY_FIELDS) | set(carried.derived)
            _, issues = validate_draft(op.op, checked_args(op.op, carried.args))
            for issue in issues:
                if issue.kind in ("invalid", "unknown_field", "dropped") and \
                        issue.field.split(".")[0].split("[")[0] in touched:
                    raise ApiError(400, "invalid", f"{issue.field}: {issue.problem}",
                                   field_of(change.index, issue.field))
            for key in RESOLUTION_KEYS & change.args.keys():
                value = change.args[key]
                if value is not None and key != "alternatives" and (not isinstance(value, str) or len(value) > 300):
                    raise ApiError(400, "invalid", f"{key} must be the key of one of your records",
                                   field_of(change.index, key))
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
    return proposal_json(noted(confirm_validated(ctx.bakery, body.proposal_id)))


@operation(WRITERS, RejectRequest)
def reject_proposal(ctx: Context, body: RejectRequest) -> dict[str, Any]:
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        return proposal_json(noted(service.reject(uow, body.proposal_id, by=ctx.caller.uid, reason=body.reason)))


@operation(WRITERS, ProposalRequest)
def undo_proposal(ctx: Context, body: ProposalRequest) -> dict[str, Any]:
    """Reverse a confirmed proposal if nothing depends on it since (409 naming what does)."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        return proposal_json(noted(service.undo(uow, body.proposal_id, by=ctx.caller.uid)))


@operation(READERS, ListProposalsRequest)
def list_proposals(ctx: Context, body: ListProposalsRequest) -> dict[str, Any]:
    """Newest first; any member may see them (the review screen, "AI suggested" against "you confirmed")."""
    status = ProposalStatus(body.status) if body.status else None
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        found = service.listing(uow, status=status, limit=body.limit)
    return {"proposals": [proposal_json(p) for p in found]}


@operation(READERS, ProposalRequest)
def get_proposal(ctx: Context, body: ProposalRequest) -> dict[str, Any]:
    """One proposal of this bakery (the review screen opens on it); another bakery's is a 404."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        return proposal_json(existing(uow, body.proposal_id))


@operation(WRITERS, ProposeFromPhotoRequest)
def propose_from_photo(ctx: Context, body: ProposeFromPhotoRequest) -> dict[str, Any]:
    """An inventory photo ("this flour bag") → a proposal of its level, to review (nothing else is written)."""
    from functions.photos import photo_path

    path = photo_path(ctx.tenant_id, "inventory", body.photo_id)
    photo = RUNTIME.photos.get(path)
    if photo is None or photo.metadata.get("tenant_id") != ctx.tenant_id:
        raise ApiError(404, "not_found", f"no inventory photo {body.photo_id}", "photo_id")
    spend(ctx.backend, [*reading_charges(ctx.tenant_id, ctx.caller.uid), write_charge(ctx.caller.uid)],
          field="photo_id")  # before it is read: a refused call reads and writes nothing
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
    return proposal_json(noted(proposal))
