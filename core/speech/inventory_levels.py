"""Spoken inventory levels -> `adjust_inventory` operations.

"butter is half gone" -> 50, "flour bag about 40% full" -> 40, "we're out of
sugar" -> 0, "a quarter left" -> 25, "only 2 cups of sugar left" -> a remaining
quantity. Vague words ("almost empty") give a number with low confidence and a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from core.measures.units import UNITS, Dimension
from core.speech.names import MEASURE_UNITS, PACKAGE_UNITS
from core.speech.numbers import Token, merge_numbers, words
from core.speech.operations import SAID, VAGUE, Operation

HUNDRED = Decimal(100)
_STEP = Decimal("0.01")

# Phrases meaning "nothing left" (checked longest first).
_ZERO_PHRASES: tuple[tuple[str, ...], ...] = (
    ("all", "gone"), ("ran", "out", "of"), ("run", "out", "of"), ("ran", "out"), ("run", "out"),
    ("out", "of"), ("used", "up", "all"), ("used", "all", "of"), ("used", "all"), ("used", "up"),
    ("no", "more"), ("none", "left"), ("nothing", "left"), ("finished", "off"), ("all", "out", "of"),
    ("none", "of"), ("none",), ("completely", "empty"), ("totally", "empty"), ("all", "used"), ("empty",),
    ("gone",), ("finished",), ("depleted",), ("zero",),
)
_VAGUE_PHRASES: tuple[tuple[tuple[str, ...], Decimal], ...] = (
    (("almost", "empty"), Decimal(10)), (("nearly", "empty"), Decimal(10)), (("almost", "out", "of"), Decimal(10)),
    (("nearly", "out", "of"), Decimal(10)), (("almost", "out"), Decimal(10)), (("nearly", "out"), Decimal(10)),
    (("running", "low", "on"), Decimal(10)), (("running", "low"), Decimal(10)), (("getting", "low"), Decimal(10)),
    (("barely", "any"), Decimal(10)), (("a", "little", "left"), Decimal(10)), (("a", "bit", "left"), Decimal(10)),
    (("almost", "gone"), Decimal(10)), (("almost", "finished"), Decimal(10)),
    (("nearly", "finished"), Decimal(10)), (("nearly", "gone"), Decimal(10)), (("low", "on"), Decimal(10)),
    (("almost", "full"), Decimal(90)), (("nearly", "full"), Decimal(90)), (("mostly", "full"), Decimal(75)),
    (("mostly", "gone"), Decimal(25)), (("low",), Decimal(10)),
)
_FULL_PHRASES: tuple[tuple[str, ...], ...] = (
    ("brand", "new"), ("unopened",), ("full",), ("new", "bag"), ("new", "box"), ("new", "jar"), ("untouched",),
)
_CONSUMED = frozenset({"gone", "used", "empty", "consumed", "eaten", "through", "finished"})
_REMAINING = frozenset({"left", "remaining", "remains", "full", "leftover"})
CUE_WORDS = frozenset(
    {"gone", "left", "remaining", "remains", "empty", "full", "percent", "used", "ran", "run", "out", "through",
     "low", "leftover", "unopened", "depleted", "finished"}
)
_FILLERS = words(
    "we're we are is was it's its there's there the our my of about around roughly maybe only just left "
    "remaining gone used looks look like approximately nearly almost full empty up out ran run all no more "
    "at down to percent have has got i think guess probably still a an bit little over under less than so "
    "what's in it level supply stock inventory set mark update adjust we've i've we've we'd now currently "
    "of halfway through been already and but also then okay ok um uh hmm says say said pretty much around "
    "on this morning today yesterday tonight afternoon evening completely totally entirely basically literally "
    "bag bags jar jars box boxes tub tubs container containers bottle bottles carton cartons canister "
    "canisters bin bins tin tins package packages can cans bucket buckets sack sacks pouch block"
)
_CONTAINER_WORDS = words(
    "bag jar box tub container bottle carton canister bin tin package can bucket sack pouch block"
)


@dataclass(slots=True)
class _Clause:
    tokens: list[Token]
    percent: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    vague: bool = False
    name: str = ""


def _match(tokens: list[Token], i: int, words: tuple[str, ...]) -> bool:
    return i + len(words) <= len(tokens) and all(
        tokens[i + k].kind == "word" and tokens[i + k].text == w for k, w in enumerate(words)
    )


_SETTING_VERBS = frozenset({"set", "update", "mark", "adjust", "count", "counted", "recount"})
_HOLDING = (("we", "have"), ("i", "have"), ("we've", "got"), ("i've", "got"), ("down", "to"), ("there", "are"),
            ("there's",), ("there", "is"), ("we", "still", "have"), ("i", "still", "have"))


def has_level_cue(tokens: list[Token]) -> bool:
    words = [t.text for t in tokens if t.kind == "word"]
    if any(w in CUE_WORDS for w in words) or any(t.text == "%" for t in tokens):
        return True
    if words and words[0] in _SETTING_VERBS and "to" in words:  # "set butter to 3 pounds"
        return True
    return any(_match(tokens, i, ("no", "more")) or any(_match(tokens, i, p) for p in _HOLDING)
               for i in range(len(tokens)))


def _pct(value: Decimal) -> Decimal:
    q = value.quantize(_STEP, rounding=ROUND_HALF_UP)
    return q.to_integral_value() if q == q.to_integral_value() else q.normalize()


def _read_clause(tokens: list[Token]) -> _Clause:
    clause = _Clause(tokens)
    used = [False] * len(tokens)
    consumed_dir = any(t.kind == "word" and t.text in _CONSUMED for t in tokens)
    remaining_dir = any(t.kind == "word" and t.text in _REMAINING for t in tokens)
    i = 0
    if not any(t.kind == "num" for t in tokens):
        # "about a cup of powdered sugar left": an article before a measure is one of it
        for at, (article, unit_word) in enumerate(pairwise(tokens)):
            if article.is_word("a", "an") and unit_word.kind == "word" and unit_word.text in MEASURE_UNITS and (
                unit_word.text != "each"
            ):
                clause.quantity, clause.unit = Decimal(1), MEASURE_UNITS[unit_word.text]
                used[at] = used[at + 1] = True
                break
            if article.is_word("last") and unit_word.kind == "word" and unit_word.text in PACKAGE_UNITS:
                # "down to our last bag of flour": one bag
                clause.quantity, clause.unit = Decimal(1), PACKAGE_UNITS[unit_word.text]
                used[at] = used[at + 1] = True
                break
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "num" and t.value is not None and clause.percent is None and clause.quantity is None:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            if nxt is not None and (nxt.text == "%" or nxt.is_word("percent", "pct")):
                value = t.value
                used[i] = used[i + 1] = True
                if nxt.is_word("per") and after is not None and after.is_word("cent"):
                    used[i + 2] = True
            elif nxt is not None and nxt.is_word("per") and after is not None and after.is_word("cent"):
                value = t.value
                used[i] = used[i + 1] = used[i + 2] = True
            elif nxt is not None and nxt.kind == "word" and (nxt.text in MEASURE_UNITS or nxt.text in PACKAGE_UNITS):
                code = MEASURE_UNITS.get(nxt.text) or PACKAGE_UNITS[nxt.text]
                used[i] = used[i + 1] = True
                if UNITS[code].dimension is Dimension.PACKAGE and t.value < 1:
                    value = t.value * HUNDRED  # "half a bag of flour left"
                else:
                    clause.quantity, clause.unit = t.value, code
                    i += 2
                    continue
            elif t.value < 1:
                value = t.value * HUNDRED
                used[i] = True
            else:
                # "3 eggs left": a count
                clause.quantity, clause.unit = t.value, "H87"
                used[i] = True
                i += 1
                continue
            clause.percent = HUNDRED - value if consumed_dir and not remaining_dir else value
        i += 1
    if clause.percent is None and clause.quantity is None:
        for phrase, level in _VAGUE_PHRASES:
            k = _find(tokens, phrase)
            if k is not None:
                clause.percent, clause.vague = level, True
                _mark(used, k, len(phrase))
                break
    if clause.percent is None and clause.quantity is None:
        for phrase in _ZERO_PHRASES:
            k = _find(tokens, phrase)
            if k is not None:
                clause.percent = Decimal(0)
                _mark(used, k, len(phrase))
                break
    if clause.percent is None and clause.quantity is None and tokens and tokens[-1].is_word("out"):
        clause.percent = Decimal(0)  # "raisins are out"
        used[-1] = True
    if clause.percent is None and clause.quantity is None:
        for phrase in _FULL_PHRASES:
            k = _find(tokens, phrase)
            if k is not None:
                clause.percent = HUNDRED
                _mark(used, k, len(phrase))
                break
    clause.name = _name(tokens, used)
    return clause


def _find(tokens: list[Token], phrase: tuple[str, ...]) -> int | None:
    for i in range(len(tokens)):
        if _match(tokens, i, phrase):
            return i
    return None


def _mark(used: list[bool], start: int, length: int) -> None:
    for k in range(start, start + length):
        used[k] = True


def _name(tokens: list[Token], used: list[bool]) -> str:
    runs: list[list[Token]] = [[]]
    for t, u in zip(tokens, used, strict=True):
        if u or t.kind != "word" or (t.text in CUE_WORDS and t.text not in ("run",)):
            runs.append([])
        else:
            runs[-1].append(t)
    best: list[str] = []
    for run in runs:
        words = [t.text for t in run]
        while words and words[0] in _FILLERS and words[:2] != ["all", "purpose"]:
            words.pop(0)
        while words and (words[-1] in _FILLERS or words[-1] in _CONTAINER_WORDS):
            words.pop()
        if words and words[-1].endswith("'s"):
            words[-1] = words[-1][:-2]
        if len(words) > len(best):
            best = words
    return " ".join(best)


def _clauses(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for t in tokens:
        if (t.kind == "punct" and t.text in (",", ";", ".", "!", "?", ":")) or t.is_word("and", "but", "also", "plus"):
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def parse_inventory(tokens: list[Token]) -> tuple[list[Operation], list[str]]:
    """`adjust_inventory` operations from an inventory utterance."""
    notes: list[str] = []
    clauses = [_read_clause(c) for c in _clauses(merge_numbers(tokens))]
    # A clause with a level but no item ("a quarter left") takes the item of the clause before it;
    # an item without a level ("butter and cream cheese are half gone") takes the next level said.
    merged: list[_Clause] = []
    for c in clauses:
        has_level = c.percent is not None or c.quantity is not None
        if has_level and not c.name and merged and not c.vague and merged[-1].vague:
            # "flour's running low, maybe 2 kilos": the amount said after a vague word is the level
            prev = merged[-1]
            prev.percent, prev.quantity, prev.unit, prev.vague = c.percent, c.quantity, c.unit, False
            continue
        if has_level and not c.name and merged and merged[-1].percent is None and merged[-1].quantity is None:
            prev = merged[-1]
            prev.percent, prev.quantity, prev.unit, prev.vague = c.percent, c.quantity, c.unit, c.vague
            continue
        if not c.name and not has_level:
            continue
        merged.append(c)
    for idx, c in enumerate(merged):
        if c.percent is None and c.quantity is None:
            later = next((m for m in merged[idx + 1 :] if m.percent is not None or m.quantity is not None), None)
            earlier = next(
                (m for m in reversed(merged[:idx]) if m.percent is not None or m.quantity is not None), None
            )
            source = later or earlier
            if source is not None and source.quantity is None:
                c.percent, c.vague = source.percent, source.vague
    ops: list[Operation] = []
    for c in merged:
        args: dict[str, Any] = {"item_name": c.name or None}
        conf: dict[str, float] = {"item_name": SAID if c.name else 0.0}
        if c.quantity is not None:
            args["quantity"] = c.quantity
            args["unit"] = c.unit
            conf["quantity"] = SAID
            conf["unit"] = SAID
        elif c.percent is not None:
            pct = _pct(c.percent)
            args["remaining_percentage"] = pct
            conf["remaining_percentage"] = VAGUE if c.vague else SAID
            if c.vague:
                notes.append(f"level of {c.name or 'item'}: a vague word was read as about {pct}%; check it")
            if not Decimal(0) <= pct <= HUNDRED:
                notes.append(f"level of {c.name or 'item'}: {pct}% is not between 0 and 100")
        else:
            args["remaining_percentage"] = None
            conf["remaining_percentage"] = 0.0
            notes.append(f"level of {c.name or 'item'} not said")
        if not c.name:
            notes.append("item name not said")
        ops.append(Operation("adjust_inventory", args, conf))
    if not ops:
        notes.append("no inventory level was recognised in what was said")
    return ops, notes
