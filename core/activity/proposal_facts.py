"""What a proposal's call tells activity: its source, what became of it, and the purchases it entered."""

from __future__ import annotations

from typing import Any

from core.proposals.model import Proposal, ProposalStatus


def proposal_outcome(proposal: Proposal) -> str:
    """proposed, confirmed_as_is, edited (confirmed after a line was changed or struck out), rejected or undone."""
    if proposal.status is ProposalStatus.CONFIRMED:
        changed = any(op.removed or op.edited_fields for op in proposal.operations)
        return "edited" if changed else "confirmed_as_is"
    return proposal.status.value


def proposal_facts(proposal: Proposal) -> dict[str, Any]:
    """The facts to note when a call made, confirmed, rejected or undid `proposal` (no arguments, no text)."""
    outcome = proposal_outcome(proposal)
    facts: dict[str, Any] = {"proposal_source": proposal.source.value, "proposal_outcome": outcome}
    if outcome in ("confirmed_as_is", "edited"):
        facts["purchases"] = sum(1 for _, op in proposal.live_operations if op.op == "add_purchase")
    return facts
