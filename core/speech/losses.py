"""Stock that was lost, not used: "threw out 2 cups of milk that went bad", "gave away a dozen eggs".

Each becomes `adjust_inventory` with a `loss` {quantity, unit, reason, notes}: reason `spoilage` for food
that went off, `gift` for what was given away, else `other` with what was said as its notes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.speech.numbers import Token, merge_numbers
from core.speech.operations import MISSING, SAID, Operation
from core.speech.purchases import fold_and_a_half, parse_item

# phrases that say stock was lost, and the reason each implies (None: "other")
_SPOILED = (("went", "bad"), ("gone", "bad"), ("spoiled",), ("spoilt",), ("expired",), ("moldy",), ("mouldy",),
            ("stale",), ("rancid",), ("went", "off"), ("gone", "off"), ("past", "its", "date"))
_GIVEN = (("gave", "away"), ("given", "away"), ("donated",), ("gave",))
_LOST = (("threw", "out"), ("threw", "away"), ("thrown", "out"), ("thrown", "away"), ("tossed",), ("binned",),
         ("spilled",), ("spilt",), ("dropped",), ("burnt",), ("burned",), ("wasted",), ("lost",), ("ruined",),
         ("had", "to", "throw", "out"), ("had", "to", "toss"))
_FILLER = frozenset({"that", "which", "because", "it", "they", "was", "were", "had", "has", "i", "we", "some",
                     "the", "my", "our", "of", "to"})


def _phrase_at(tokens: list[Token], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    for phrase in phrases:
        if all(i + k < len(tokens) and tokens[i + k].is_word(word) for k, word in enumerate(phrase)):
            return len(phrase)
    return 0


def has_loss_cue(tokens: list[Token]) -> bool:
    return any(_phrase_at(tokens, i, _SPOILED + _GIVEN + _LOST) for i in range(len(tokens)))


def parse_loss(tokens: list[Token], text: str) -> tuple[list[Operation], list[str]]:
    reason: str | None = None
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        spoiled, given, lost = (_phrase_at(tokens, i, p) for p in (_SPOILED, _GIVEN, _LOST))
        if spoiled:
            reason, i = "spoilage", i + spoiled
        elif given:
            reason, i = reason or "gift", i + given
        elif lost:
            i += lost
        else:
            kept.append(tokens[i])
            i += 1
    while kept and (kept[-1].kind == "punct" or kept[-1].text in _FILLER):
        kept.pop()  # "…milk that went bad": the trailing "that"
    line = parse_item(fold_and_a_half(merge_numbers(kept)))
    notes: list[str] = []
    if line is None or not line.name:
        return [], ["say what was lost and how much"]
    loss: dict[str, Any] = {"quantity": line.quantity, "unit": line.unit, "reason": reason or "other"}
    if reason is None:
        loss["notes"] = text.strip()[:200]
    confidence = {"item_name": SAID, "loss": SAID if line.quantity is not None else MISSING}
    if line.quantity is None:
        notes.append(f"how much {line.name} was lost was not said")
    elif line.quantity <= Decimal(0):
        notes.append(f"the amount of {line.name} lost must be more than 0")
    return [Operation("adjust_inventory", {"item_name": line.name, "loss": loss}, confidence)], notes
