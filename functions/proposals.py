"""AI input as proposals: propose from text, edit, confirm, reject, undo, list.

Nothing an extractor reads is written except as a proposal; `confirm_proposal` (a signed-in
owner or baker) is the only way its operations reach the bakery's data, all in one transaction.
Arguments are checked twice: by the operation schemas here (the same the MCP tools and Gemini
use), and by the core when it applies them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import Proposal, ProposalStatus, ProposedOperation, Source
from core.speech.operations import SAID, Operation, ParsedInput
from core.speech.parse import parse_utterance
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

OFFLINE_GRAMMAR = "offline-grammar"
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


def read_text(text: str, today: dt.date) -> tuple[ParsedInput, str, list[str]]:
    """Gemini when an API key is configured, else (or when it fails) the offline grammar."""
    from adapters.gemini import GeminiError, extractor_from_env

    extractor = extractor_from_env()
    if extractor is not None:
        try:
            return extractor.from_text(text, today), extractor.model, []
        except GeminiError as exc:
            return parse_utterance(text, today), OFFLINE_GRAMMAR, [f"Gemini was unavailable ({exc}); read offline"]
    return parse_utterance(text, today), OFFLINE_GRAMMAR, []


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


@operation(WRITERS, EditProposalRequest)
def edit_proposal(ctx: Context, body: EditProposalRequest) -> dict[str, Any]:
    """The baker's corrections; each changed field must be a valid value for its operation."""
    from adapters.operation_schemas import validate_draft

    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        current = uow.proposals.get(body.proposal_id)
        if current is None:
            raise ApiError(404, "not_found", f"no proposal {body.proposal_id!r}", "proposal_id")
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
    from pydantic import ValidationError as SchemaError

    from adapters.operation_schemas import validate_final

    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        current = uow.proposals.get(body.proposal_id)
        if current is None:
            raise ApiError(404, "not_found", f"no proposal {body.proposal_id!r}", "proposal_id")
        if current.status is ProposalStatus.PROPOSED:
            for index, op in current.live_operations:
                try:
                    validate_final(op.op, checked_args(op.op, op.args))
                except SchemaError as exc:
                    error = exc.errors()[0]
                    where = ".".join(str(p) for p in error["loc"]) or "args"
                    raise ApiError(400, "invalid", f"{where}: {error['msg']}", _field(index, where)) from exc
        confirmed = service.confirm(uow, body.proposal_id, by=ctx.caller.uid)
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


OFFLINE_PHOTO = "offline-photo-reader"


def read_inventory_photo(image: bytes, mime_type: str, item_hint: str) -> tuple[ParsedInput, str]:
    """Gemini when configured (falls back when it fails), else the offline reader (label OCR, fill line)."""
    from adapters.gemini import GeminiError, extractor_from_env

    extractor = extractor_from_env()
    if extractor is not None:
        try:
            return extractor.from_inventory_photo(image, mime_type, item_hint or None), extractor.model
        except GeminiError:
            pass
    from adapters.inventory_photo import InventoryPhotoError
    from adapters.inventory_photo import read_inventory_photo as read_offline

    try:
        reading = read_offline(image)
    except InventoryPhotoError as exc:
        raise ApiError(400, "invalid", str(exc), "photo_id") from exc
    name = item_hint or reading.item_text
    args: dict[str, Any] = {"item_name": name, "remaining_percentage": reading.remaining_percentage}
    confidence = {"item_name": SAID if item_hint else (0.5 if name else 0.0),
                  "remaining_percentage": reading.level_confidence}
    op = Operation("adjust_inventory", args, confidence)
    return ParsedInput("", "inventory_photo", [op], list(reading.notes)), OFFLINE_PHOTO


def _with_note(parsed: ParsedInput, note: str, today: dt.date) -> ParsedInput:
    """What the baker said with the photo ("about half full") outranks what was read from it."""
    said = parse_utterance(note, today) if note.strip() else None
    heard = next((op for op in said.operations if op.op == "adjust_inventory"), None) if said else None
    if heard is None or not parsed.operations:
        return parsed
    first = parsed.operations[0]
    args, confidence = dict(first.args), dict(first.confidence)
    for name in ("remaining_percentage", "quantity", "unit"):
        if heard.args.get(name) is not None:
            args[name] = heard.args[name]
            confidence[name] = heard.confidence.get(name, SAID)
    if heard.args.get("quantity") is not None:
        args.pop("remaining_percentage", None)
    if not args.get("item_name") and heard.args.get("item_name"):
        args["item_name"], confidence["item_name"] = heard.args["item_name"], SAID
    return ParsedInput(parsed.text, parsed.kind, [Operation(first.op, args, confidence), *parsed.operations[1:]],
                       parsed.unresolved)


@operation(WRITERS, ProposeFromPhotoRequest)
def propose_from_photo(ctx: Context, body: ProposeFromPhotoRequest) -> dict[str, Any]:
    """An inventory photo ("this flour bag") → a proposal of its level, to review (nothing else is written)."""
    from functions.photos import photo_path

    path = photo_path(ctx.tenant_id, "inventory", body.photo_id)
    photo = RUNTIME.photos.get(path)
    if photo is None or photo.metadata.get("tenant_id") != ctx.tenant_id:
        raise ApiError(404, "not_found", f"no inventory photo {body.photo_id}", "photo_id")
    parsed, model = read_inventory_photo(photo.data, photo.content_type, body.item.strip())
    parsed = _with_note(parsed, body.note, dt.datetime.now(dt.UTC).date())
    operations, unresolved = draft_operations(parsed, ctx.backend.planning_bakery(ctx.tenant_id))
    if not operations:
        raise ApiError(400, "nothing_understood", "nothing could be read from this photo; say what it is and how "
                       "full", "photo_id")
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        proposal = service.submit(uow, source=Source.INVENTORY_PHOTO, operations=operations, by=ctx.caller.uid,
                                  model=model, input_text=body.note, photo_path=path, notes=unresolved)
    return proposal_json(proposal)
