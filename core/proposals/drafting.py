"""From what an extractor read to proposed operations: catalog keys filled in, and what the baker must settle.

Whatever extractor answered (the offline grammar, receipt OCR, Gemini), its operations are
resolved against the bakery's catalog (`core.speech.resolve`), and each gets flags for the fields
that block a confirmation: a required value not given, an item or finished good that matches
nothing or several things; and for what the resolver chose that the baker should check: an item
matched by what the bakery usually buys, a bare count read as packages, a new product of the
ingredient in the size read. Nothing is guessed silently.
"""

from __future__ import annotations

from typing import Any

from core.bakery import Bakery
from core.proposals.model import ProposedOperation
from core.proposals.service import new_operation
from core.speech.operations import Operation, ParsedInput
from core.speech.resolve import resolve_against

LOW_CONFIDENCE = 0.6
_REQUIRED = {"add_purchase": ("item_name", "quantity", "unit", "price"), "create_event": ("name", "date")}


def flags_for(op: str, args: dict[str, Any], confidence: dict[str, float], resolved: bool) -> list[str]:
    flags = [f"{name}: not given" for name in _REQUIRED.get(op, ()) if args.get(name) in (None, "")]
    if op in ("add_purchase", "adjust_inventory") and resolved and not (args.get("product_id")
                                                                       or args.get("ingredient_slug")):
        flags.append(f"item_name: {args.get('item_name')!r} is not matched to your catalog; choose one")
    if op == "adjust_inventory" and args.get("remaining_percentage") is None and args.get("quantity") is None \
            and not args.get("loss"):
        flags.append("remaining_percentage: no level given")
    if op == "create_event":
        items = args.get("items") or []
        if not items:
            flags.append("items: no finished goods given")
        for n, item in enumerate(items):
            if isinstance(item, dict):
                if resolved and not item.get("finished_good_slug"):
                    flags.append(f"items.{n}.finished_good: {item.get('finished_good')!r} is not one of your "
                                 "finished goods; choose one")
                if item.get("quantity") in (None, ""):
                    flags.append(f"items.{n}.quantity: not given")
    flags += [f"{name}: low confidence ({value:.0%}); check it" for name, value in sorted(confidence.items())
              if value < LOW_CONFIDENCE and args.get(name) not in (None, "")]
    return flags


def _to_proposed(ops: list[Operation], resolved: bool,
                 noted: dict[int, list[str]] | None = None) -> list[ProposedOperation]:
    out = []
    for index, op in enumerate(ops):
        args = op.to_json()["args"]
        flags = flags_for(op.op, args, op.confidence, resolved) + list((noted or {}).get(index, []))
        out.append(new_operation(op.op, args, op.confidence, flags, index))
    return out


def draft_operations(parsed: ParsedInput, catalog: Bakery | None) -> tuple[list[ProposedOperation], list[str]]:
    """The proposal's operations and notes; with a catalog, names are resolved against it."""
    if catalog is None:
        return _to_proposed(parsed.operations, resolved=False), list(parsed.unresolved)
    resolution = resolve_against(parsed, catalog)
    return _to_proposed(resolution.operations, resolved=True, noted=resolution.flags), list(resolution.unresolved)
