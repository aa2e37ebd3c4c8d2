"""The entry point: one utterance -> `ParsedInput` (purchases, inventory levels or an event)."""

from __future__ import annotations

import datetime as dt

from core.speech.events import looks_like_event, parse_event
from core.speech.inventory_levels import has_level_cue, parse_inventory
from core.speech.numbers import Token, tokenize
from core.speech.operations import ParsedInput
from core.speech.purchases import parse_purchase

_PRICE_WORDS = frozenset({"dollars", "dollar", "bucks", "buck", "cents", "paid", "spent", "bought", "purchased"})


def _has_money(tokens: list[Token]) -> bool:
    return any(t.text == "$" or (t.kind == "word" and t.text in _PRICE_WORDS) for t in tokens)


def parse_utterance(text: str, today: dt.date) -> ParsedInput:
    """Read what a baker said or typed; nothing is guessed silently (see `unresolved`)."""
    tokens = tokenize(text)
    if not tokens:
        return ParsedInput(text, "unknown", [], ["nothing was said"])
    if looks_like_event(tokens, today):
        ops, notes = parse_event(tokens, today)
        return ParsedInput(text, "event", ops, notes)
    if has_level_cue(tokens) and not _has_money(tokens):
        ops, notes = parse_inventory(tokens)
        return ParsedInput(text, "inventory", ops, notes)
    ops, notes = parse_purchase(tokens, today)
    return ParsedInput(text, "purchase" if ops else "unknown", ops, notes)
