"""Proposals as every entry point answers them (the HTTP functions, the MCP tools): the JSON of a proposal
with what still blocks each operation, a proposal read from text, and a confirmation checked against the strict
operation schemas. Errors are the core's, naming `operations.N.field`; each entry point maps them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from adapters.extractors import OFFLINE_GRAMMAR, read_text
from core.application.context import BakeryContext
from core.errors import NotFoundError, ValidationError
from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import Proposal, ProposalStatus, ProposedOperation, Source
from core.speech.language import refuse_other_language

if TYPE_CHECKING:
    from adapters.gemini import ReadingHints

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
            "derived_fields": list(op.derived),
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


def field_of(index: int, issue_field: str) -> str:
    return f"operations.{index}.{issue_field.replace('[', '.').replace(']', '')}"


def existing(uow: Any, proposal_id: str) -> Proposal:
    """This bakery's proposal, or a 404 (also for another bakery's: never revealed to exist)."""
    proposal: Proposal | None = uow.proposals.get(proposal_id)
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id!r}", field="proposal_id")
    return proposal


def confirm_validated(ctx: BakeryContext, proposal_id: str) -> Proposal:
    """Confirm after checking each live operation against the strict schema (errors name operations.N.field)."""
    from pydantic import ValidationError as SchemaError

    from adapters.operation_schemas import validate_final

    with ctx.unit_of_work() as uow:
        current = existing(uow, proposal_id)
        if current.status is ProposalStatus.PROPOSED:
            for index, op in current.live_operations:
                try:
                    validate_final(op.op, checked_args(op.op, op.args))
                except SchemaError as exc:
                    error = exc.errors()[0]
                    where = ".".join(str(p) for p in error["loc"]) or "args"
                    raise ValidationError(f"{where}: {error['msg']}", field=field_of(index, where)) from exc
        return service.confirm(uow, proposal_id, by=ctx.uid)


def propose_from_text(ctx: BakeryContext, *, text: str, source: Source, today: dt.date | None = None,
                      hints: ReadingHints | None = None) -> Proposal:
    """What a sentence says was bought, is left, was lost or is to be baked, stored as a proposal (nothing else
    is written); a ValidationError on `text` when nothing was understood. `hints` (language, currency) go to
    the AI model when one is configured."""
    parsed, model, notes = read_text(text, today or dt.datetime.now(dt.UTC).date(), hints)
    if model == OFFLINE_GRAMMAR:  # English only: another language is said so, never read into nonsense
        refuse_other_language(text)
    operations, unresolved = draft_operations(parsed, ctx.catalog())
    if not operations:
        raise ValidationError("no purchase, inventory level or event was understood in that; "
                              + "; ".join(unresolved[:3]), field="text")
    with ctx.unit_of_work() as uow:  # with an Idempotency-Key, a retried send answers the first proposal
        return service.submit(uow, source=source, operations=operations, by=ctx.uid or "agent", model=model,
                              input_text=text, notes=[*notes, *unresolved], proposal_id=ctx.stable_id("proposal"))
