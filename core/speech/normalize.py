"""What people say around the facts, taken out before the grammar reads them.

- fillers and hesitations: "um", "uh", "er", "like 3 pounds", "so yeah …";
- self-corrections: "two bags, no, three bags", "9.99 no sorry 8.99", "three no wait four 500 gram bags"
  (the later number wins; a bare corrected number keeps the words said after the first one);
- speech-recognition homophones: "for"/"four" and "to"/"two" where a number must stand ("bought for bags",
  "got to pounds", "bought to 4 pound bags", "need for dozen");
- asides that restate an amount: "4 sticks of butter, that's one pound", "which is about 450 grams",
  "24 eggs, that's two dozen" (a restated price, "that was like 15 bucks", is kept: it is the price).

Every rule works on the shape of what was said (numbers, unit words, marker phrases), never on particular items.
"""

from __future__ import annotations

from core.speech.names import MEASURE_UNITS, PACKAGE_UNITS
from core.speech.numbers import DOZEN_WORDS, Token, read_number, words

FILLERS = words("um umm uh uhh uhm er erm hmm hm ah eh mm mhm")
# said before what was meant; dropped only at the start of the utterance
DISCOURSE = words("so yeah yes okay ok alright right well oh anyway now hey")
# "no wait", "sorry", "i mean": the number after replaces the number before
CORRECTION_MARKERS: tuple[tuple[str, ...], ...] = (
    ("no", "no"), ("no", "wait"), ("no", "sorry"), ("sorry", "no"), ("oh", "no"), ("wait", "no"),
    ("i", "mean"), ("or", "rather"), ("make", "that"), ("scratch", "that"), ("correction",), ("actually",),
    ("sorry",), ("wait",), ("no",),
)
ASIDE_LEADS: tuple[tuple[str, ...], ...] = (
    ("that's",), ("thats",), ("that", "is"), ("which", "is"), ("which's",), ("so", "that's"), ("i", "e"),
    ("that", "makes"), ("which", "makes"), ("roughly",), ("about",), ("or",),
)
APPROX = words("about around roughly approximately like almost nearly just over under ish")
# words after a number that make it money, not an amount
MONEY_WORDS = words("dollars dollar bucks buck cents cent euros euro eur quid pence p usd gbp")
_HOMOPHONES = {"for": "four", "to": "two", "too": "two"}
_BUY_VERBS = words("bought buy got get grabbed picked purchased ordered need needed want have had")


def _word(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) and tokens[i].kind == "word" else ""


def _is_unit(tokens: list[Token], i: int) -> bool:
    w = _word(tokens, i)
    return w in MEASURE_UNITS or w in PACKAGE_UNITS


def _phrase_at(tokens: list[Token], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    for phrase in phrases:
        if all(_word(tokens, i + k) == w for k, w in enumerate(phrase)):
            return len(phrase)
    return 0


def _number_end(tokens: list[Token], i: int) -> int | None:
    """The index after a number phrase (a currency sign allowed before it) starting at i, else None."""
    j = i
    if j < len(tokens) and tokens[j].kind == "punct" and tokens[j].text in ("$", "€", "£"):
        j += 1
    read = read_number(tokens, j)
    if read is None or (_word(tokens, j) in ("a", "an") and read[1] == j + 1):
        return None
    return read[1]


def _possessive_day(t: Token) -> Token:
    """ "next friday's wedding": the day, not a name."""
    if t.kind == "word" and t.text.endswith("'s") and t.text[:-2] in _DAY_WORDS:
        return Token("word", t.text[:-2], t.raw[:-2], start=t.start)
    return t


_DAY_WORDS = words("monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday week "
                   "weekend")


def drop_fillers(tokens: list[Token]) -> list[Token]:
    """Hesitations anywhere; "like" before a number ("like 3 pounds", "like a fiver"); discourse words first."""
    out: list[Token] = []
    tokens = [_possessive_day(t) for t in tokens]
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text in FILLERS:
            continue
        if t.is_word("like"):
            k = i + 1
            while k < len(tokens) and tokens[k].kind == "punct" and tokens[k].text == ",":
                k += 1
            set_off = bool(out) and out[-1].text == "," and k > i + 1  # ", like,"
            if (set_off or _number_end(tokens, k) is not None or _word(tokens, k) in ("a", "an", "half", "maybe")
                    or (k < len(tokens) and tokens[k].text in ("$", "€", "£"))) and not (
                    out and out[-1].is_word("would", "i'd", "we'd", "you'd")):
                continue
        out.append(t)
    start = 0
    while start < len(out) - 1 and (
        (out[start].kind == "word" and out[start].text in DISCOURSE)
        or (out[start].kind == "punct" and out[start].text not in ("$", "€", "£"))
    ):
        start += 1
    return out[start:]


def _number_spans(tokens: list[Token]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        end = _number_end(tokens, i)
        if end is None and _word(tokens, i) in ("a", "an") and _is_unit(tokens, i + 1):
            end = i + 1  # "a gallon … I mean two gallons"
        if end is not None and end > i:
            spans.append((i, end))
            i = end
        else:
            i += 1
    return spans


def apply_corrections(tokens: list[Token]) -> list[Token]:
    """ "X no wait Y": Y replaces X, where X and Y are number phrases (with what follows X when Y says it again)."""
    changed = True
    while changed:
        changed = False
        spans = _number_spans(tokens)
        for m in range(len(tokens)):
            size = _phrase_at(tokens, m, CORRECTION_MARKERS)
            if not size:
                continue
            after = m + size
            while after < len(tokens) and tokens[after].kind == "punct" and tokens[after].text in (",", "-", "—", "…"):
                after += 1
            new_end = _number_end(tokens, after)
            if new_end is None:
                continue
            before = [s for s in spans if s[1] <= m and m - s[0] <= 8]
            if not before:
                continue
            old_start, old_end = before[-1]
            between = tokens[old_end:m]
            while between and (between[-1].is_word("and") or between[-1].kind == "punct"):
                between = between[:-1]  # "a gallon and I mean two gallons"
            if any(t.is_word("and", "plus", "then", "also") for t in between):
                continue
            tail = [t for t in between if not (t.kind == "punct" and t.text in (",", "-", "—", "…"))]
            repeated = _is_unit(tokens, new_end) or (
                bool(tail) and new_end < len(tokens) and tokens[new_end].text == tail[0].text
            )
            of_at = next((k for k, t in enumerate(tail) if t.is_word("of")), None)
            if tail and not repeated:
                # "3 bags no sorry 4": the new number, then what was said after the old one
                tokens = tokens[:old_start] + tokens[after:new_end] + tail + tokens[new_end:]
            elif of_at is not None and _is_unit(tokens, new_end) and _word(tokens, new_end + 1) != "of":
                # "two pints of double cream, no, three pints": the item said with the first amount stays
                tokens = tokens[:old_start] + tokens[after:new_end + 1] + tail[of_at:] + tokens[new_end + 1:]
            else:
                tokens = tokens[:old_start] + tokens[after:]
            changed = True
            break
    return tokens


NAME_CORRECTION_MARKERS: tuple[tuple[str, ...], ...] = (
    ("no", "wait"), ("no", "sorry"), ("sorry", "no"), ("oh", "no"), ("wait", "no"), ("i", "mean"), ("or", "rather"),
    ("sorry",),
)
_NOT_NAME = words("of and or at for from in on is are was were has have left the a an some")


def apply_name_corrections(tokens: list[Token]) -> list[Token]:
    """ "the eggs, no wait, the milk is half gone", "2 bags of flour no sorry sugar": the words after the marker
    replace the name said just before it (at most three words, back to "of", a number, a unit or a comma)."""
    i = 0
    while i < len(tokens):
        size = _phrase_at(tokens, i, NAME_CORRECTION_MARKERS)
        after = i + size
        while size and after < len(tokens) and tokens[after].kind == "punct" and tokens[after].text in (",", "-", "—"):
            after += 1
        if (not size or after >= len(tokens) or tokens[after].kind != "word" or _number_end(tokens, after) is not None
                or (tokens[after].text in _NOT_NAME and tokens[after].text not in ("the", "a", "an", "some"))):
            i += 1
            continue
        end = i
        while end > 0 and tokens[end - 1].kind == "punct" and tokens[end - 1].text in (",", "-", "—"):
            end -= 1
        start = end
        while (start > 0 and end - start < 3 and tokens[start - 1].kind == "word"
               and tokens[start - 1].text not in _NOT_NAME and not _is_unit(tokens, start - 1)):
            start -= 1
        if start == end:
            i += 1
            continue
        if start > 0 and _word(tokens, start - 1) in ("the", "a", "an", "some") and _word(tokens, after) in (
                "the", "a", "an", "some"):
            start -= 1  # "the eggs, no wait, the milk"
        tokens = tokens[:start] + tokens[after:]
        i = start
    return tokens


def fix_homophones(tokens: list[Token]) -> list[Token]:
    """ "for"/"to" heard where a count must be: right before a unit word or "dozen", or after a buying verb and
    before a package size ("bought to 4 pound bags")."""
    out = list(tokens)
    for i, t in enumerate(tokens):
        if t.kind != "word" or t.text not in _HOMOPHONES:
            continue
        nxt = _word(tokens, i + 1)
        prev = _word(tokens, i - 1)
        if prev in ("a", "an", "the") or i + 1 >= len(tokens):
            continue
        plural_unit = _is_unit(tokens, i + 1) and (nxt.endswith("s") or nxt in DOZEN_WORDS)
        counted = nxt in DOZEN_WORDS or plural_unit
        bought = prev in _BUY_VERBS or (prev == "up" and _word(tokens, i - 2) in ("picked", "pick"))
        size_follows = (
            bought and tokens[i + 1].kind == "num" and not tokens[i + 1].ordinal
            and _is_unit(tokens, i + 2) and _word(tokens, i + 3) in PACKAGE_UNITS
        )
        if counted or size_follows:
            out[i] = Token("word", _HOMOPHONES[t.text], t.raw, start=t.start)
    return out


def drop_asides(tokens: list[Token]) -> list[Token]:
    """ "that's one pound", "which is about 450 grams", "that's two dozen" after an amount: a restatement."""
    out = list(tokens)
    i = 0
    while i < len(out):
        size = _phrase_at(out, i, ASIDE_LEADS)
        if not size or not (_number_spans(out[:i]) or any(_word(out, k) in ("a", "an") for k in range(i))):
            i += 1
            continue
        lead = out[i].text
        j = i + size
        while _word(out, j) in APPROX:
            j += 1
        end = _number_end(out, j)
        if end is None and _word(out, j) in ("a", "an") and _is_unit(out, j + 1):
            end = j + 1
        if end is None:
            i += 1
            continue
        dozen = any(_word(out, k) in DOZEN_WORDS for k in range(j, end))
        if _is_unit(out, end) and _word(out, end) not in MONEY_WORDS and not (
            _word(out, end) in ("pound", "pounds") and out[end + 1:end + 2] and out[end + 1].kind == "num"
        ):
            end += 1
        elif not dozen:
            i += 1
            continue
        if lead in ("about", "roughly", "or") and not (i > 0 and out[i - 1].kind == "punct"):
            i += 1  # "about 2 pounds" is the amount itself unless set off by a comma
            continue
        if _word(out, end) == "of" or (end < len(out) and out[end].kind == "num"):
            i += 1  # "that's 2 pounds of flour": a new amount, not an aside
            continue
        start = i - 1 if i > 0 and out[i - 1].kind == "punct" and out[i - 1].text in (",", "(", "-", "—") else i
        if end < len(out) and out[end].kind == "punct" and out[end].text == ")":
            end += 1
        out = out[:start] + out[end:]
        i = start
    return out


def drop_leftover_markers(tokens: list[Token]) -> list[Token]:
    """A correction marker that corrected nothing ("the flour, sorry, is half gone") is no part of a name."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        size = _phrase_at(tokens, i, (("no", "wait"), ("i", "mean"), ("sorry",), ("oops",), ("whoops",)))
        if size:
            i += size
            continue
        out.append(tokens[i])
        i += 1
    return out


def normalize(tokens: list[Token]) -> list[Token]:
    """The tokens with fillers, corrections, homophones and asides settled (raw tokens, numbers not merged)."""
    settled = apply_name_corrections(apply_corrections(drop_fillers(tokens)))
    return drop_asides(fix_homophones(drop_leftover_markers(settled)))
