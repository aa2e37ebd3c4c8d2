"""Knowing what the offline reader does not know.

The grammar places words by their shape: a number and a unit, a price, a store after "at", the words after
"of". Whatever is left over becomes a name. That is right for "2 pounds of pistachio flour" (the grammar
need not know pistachio flour), and wrong for "set a timer for twenty minutes" or "hello can you hear me",
where the left-over words are not the name of anything bought, counted or baked.

A name is *unplaced* when it holds words that never name food: pronouns, question words, auxiliaries and
modals, greetings and microphone checks, commands to an assistant, units of time, arithmetic. Such an
operation is kept only when the sentence gives solid evidence of an operation anyway (at least two of: a
measure or package unit, a price, a store, a buying verb) — and its name then gets a low confidence, so the
review screen flags it. Otherwise the operation is dropped and, when nothing is left, the reader answers
"not understood" with the words it could not place. A purchase with no name and nothing but a bare count
("what's two plus two") is dropped the same way.
"""

from __future__ import annotations

import re
from typing import Any

from core.speech.numbers import SMALL, TENS, words
from core.speech.operations import GUESSED, UNPLACED, Operation

# closed-class words: no ingredient, supply or finished good is named with them
NOT_NAME_WORDS = words(
    # pronouns and determiners that point at people
    "i me my mine we you your yours he him his she her hers they them their theirs us it's "
    # question words
    "what what's whats who who's why how how's where where's when when's "
    # auxiliaries and modals
    "can't could couldn't would wouldn't should shall will won't do does don't did didn't am are aren't "
    "is isn't was wasn't were weren't be been being have has had i'm you're we're they're i've you've "
    "let's lets "
    # greetings, politeness, microphone checks
    "hello hi hey bye goodbye thanks thank please testing test check mic microphone "
    # commands meant for an assistant
    "set tell remind turn cancel search text email message alarm timer reminder hear listen "
    "convert calculate translate define explain show play call "
    # time, weather, arithmetic
    "minute minutes hour hours seconds o'clock weather forecast plus minus times divided equals equal"
)
_BUYING_VERBS = words("bought buy got picked grabbed purchased ordered paid spent get")
_BARCODE = re.compile(r"\d{8,14}")  # a UPC or EAN said or typed as the item: placed, not guessed
_MEASURED = re.compile(r"^(?!H87$)[A-Z0-9]{2,3}$")  # a unit code other than a bare count


def unplaced(name: str | None) -> list[str]:
    """The words of a name that the grammar cannot place in a name."""
    if not name:
        return []
    parts = name.lower().split()
    if all(w in SMALL or w in TENS or (w.isdigit() and not _BARCODE.fullmatch(w)) for w in parts):
        return parts  # "two one two": numbers left over, no name at all
    return [w for w in parts if w in NOT_NAME_WORDS]


def _evidence(op: Operation, said: set[str]) -> int:
    args = op.args
    found = 0
    unit = args.get("unit")
    if isinstance(unit, str) and _MEASURED.match(unit):
        found += 1
    if args.get("price") is not None:
        found += 1
    if args.get("store"):
        found += 1
    if said & _BUYING_VERBS or (args.get("price") is None and any(c in "".join(said) for c in "$€£")):
        found += 1
    return found


def _name_of(op: Operation) -> tuple[str, str | None]:
    if op.op == "create_event":
        return "name", op.args.get("name")
    return "item_name", op.args.get("item_name")


def check(operations: list[Operation], text: str) -> tuple[list[Operation], list[str]]:
    """Operations the sentence really supports (names of guessed words get a low confidence), and notes on
    the words that could not be placed."""
    said = set(text.lower().split())
    kept: list[Operation] = []
    notes: list[str] = []
    for op in operations:
        field, name = _name_of(op)
        bad = unplaced(name)
        if op.op == "create_event":
            items: list[dict[str, Any]] = list(op.args.get("items") or [])
            bad_items = [w for item in items for w in unplaced(item.get("finished_good"))]
            if bad and not items:
                notes.append(f"could not place: {name!r} is not an event anything is baked for")
                continue
            if bad or bad_items:
                kept.append(_lowered(op, {field: UNPLACED} if bad else {}, items=bool(bad_items)))
                continue
            kept.append(op)
            continue
        if op.op == "add_purchase" and not name and _evidence(op, said) == 0 and op.args.get("unit") in (None, "H87"):
            notes.append("could not place a bare number: nothing bought was named")
            continue
        if op.op == "add_purchase" and not bad and op.args.get("quantity") is None and _evidence(op, said) == 0:
            notes.append(f"could not place: {name!r} (no amount, price, store or buying said)")
            continue
        if bad:
            if op.op == "add_purchase" and _evidence(op, said) >= 2:
                kept.append(_lowered(op, {field: UNPLACED}))
                notes.append(f"{field}: could not place {', '.join(repr(w) for w in bad)} in {name!r}; check it")
            else:
                notes.append(f"could not place: {name!r}")
            continue
        kept.append(op)
    return kept, notes


def _lowered(op: Operation, fields: dict[str, float], *, items: bool = False) -> Operation:
    confidence = dict(op.confidence)
    for key, value in fields.items():
        confidence[key] = min(confidence.get(key, value), value)
    if items:
        confidence["items"] = min(confidence.get("items", GUESSED), GUESSED)
    return Operation(op.op, op.args, confidence)


VAGUE_NAMES = words("stuff things thing groceries supplies items item everything bits odds ends shopping delivery "
                    "order shipment haul purchase purchases usual")


def guessed_name(name: str | None) -> bool:
    """A name that swallowed a number or runs long, or says nothing ("stuff"): the grammar's reading is a guess."""
    if not name:
        return False
    parts = name.split()
    if all(p in VAGUE_NAMES or p in ("a", "an", "the", "and", "some", "of", "our", "my") for p in parts):
        return True
    return len(parts) > 5 or any(
        (re.fullmatch(r"\d+([.,]\d+)?", p) and not _BARCODE.fullmatch(p)) or p in SMALL or p in TENS for p in parts)

