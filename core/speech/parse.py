"""The entry point: one utterance -> `ParsedInput` (purchases, inventory levels or an event)."""

from __future__ import annotations

import datetime as dt

from core.errors import UnknownUnitError
from core.measures.units import parse_unit
from core.speech.events import EVENT_WORDS, looks_like_event, parse_event
from core.speech.inventory_levels import has_level_cue, parse_inventory
from core.speech.losses import has_loss_cue, parse_loss
from core.speech.normalize import normalize
from core.speech.numbers import Token, merge_numbers, tokenize
from core.speech.operations import ParsedInput
from core.speech.purchases import extract_money, fold_and_a_half, parse_purchase
from core.speech.understood import check

_PRICE_WORDS = frozenset({"dollars", "dollar", "bucks", "buck", "cents", "paid", "spent", "bought", "purchased"})
_NOT_UNITS = frozenset({"t", "c", "g", "l", "m", "a", "in", "each", "per"})  # single letters read as units elsewhere
_BUYING_WORDS = _PRICE_WORDS | frozenset({"buy", "got", "get", "picked", "grabbed", "ordered", "bag", "bags", "box",
                                          "boxes", "jar", "jars", "pack", "packs", "dozen", "pound", "pounds", "lb",
                                          "lbs", "oz", "kg", "g"})


def _sounds_like_buying(tokens: list[Token]) -> bool:
    """A number (in digits or words), a price, a unit, or a word about buying: else it is not a purchase at all."""
    for t in merge_numbers(tokens):
        if t.kind == "num" or t.value is not None or t.text == "$" or t.text in _BUYING_WORDS:
            return True
        if t.kind == "word" and t.text not in _NOT_UNITS:
            try:
                parse_unit(t.text)
                return True
            except UnknownUnitError:
                continue
    return False


def _has_money(tokens: list[Token]) -> bool:
    return any(t.text in ("$", "€", "£") or (t.kind == "word" and t.text in _PRICE_WORDS) for t in tokens)


def _names_an_event(tokens: list[Token]) -> bool:
    return any(t.kind == "word" and t.text in EVENT_WORDS for t in tokens)


def _says_a_price(tokens: list[Token]) -> bool:
    """A price in any form the purchase grammar reads ("5.48", "four pounds twenty", "3,50 €")."""
    return _has_money(tokens) or bool(extract_money(fold_and_a_half(merge_numbers(tokens)))[1])


def parse_utterance(text: str, today: dt.date) -> ParsedInput:
    """Read what a baker said or typed; nothing is guessed silently (see `unresolved`), and operations made of
    words the grammar could not place are not proposed (see `core.speech.understood`)."""
    parsed = _parse(text, today)
    if not parsed.operations:
        return parsed
    kept, notes = check(parsed.operations, text)
    if not kept:
        return ParsedInput(text, "unknown", [], [*notes, "no purchase, inventory level or event was understood"])
    return ParsedInput(text, parsed.kind, kept, [*notes, *parsed.unresolved])


def _parse(text: str, today: dt.date) -> ParsedInput:
    tokens = normalize(tokenize(text))
    if not tokens:
        return ParsedInput(text, "unknown", [], ["nothing was said"])
    if looks_like_event(tokens, today) and not (_says_a_price(tokens) and not _names_an_event(tokens)):
        ops, notes = parse_event(tokens, today)
        return ParsedInput(text, "event", ops, notes)
    if has_loss_cue(tokens) and not _says_a_price(tokens):
        ops, notes = parse_loss(tokens, text)
        if ops:
            return ParsedInput(text, "inventory", ops, notes)
    if has_level_cue(tokens) and not _says_a_price(tokens):
        ops, notes = parse_inventory(tokens)
        return ParsedInput(text, "inventory", ops, notes)
    if not _sounds_like_buying(tokens):
        return ParsedInput(text, "unknown", [], ["no purchase, inventory level or event was heard"])
    ops, notes = parse_purchase(tokens, today)
    return ParsedInput(text, "purchase" if ops else "unknown", ops, notes)
