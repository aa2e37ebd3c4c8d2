"""Spoken events -> `create_event` operations.

"bake sale on December 12th: 10 dozen sugar cookies and 4 pans of brownies".
Dates without a year are the next such day on or after today. "10 dozen" is
120 pieces; "4 pans of brownies" stays 4 with `"per": "pan"` and a note, since
how many brownies fill a pan is the catalog's business, not the grammar's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.speech.numbers import SMALL, TENS, Token, merge_numbers, read_number, words
from core.speech.operations import DERIVED, MISSING, SAID, Operation

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
    "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}
# Containers whose size in pieces the grammar cannot know.
CONTAINERS = words(
    "pan pans tray trays batch batches box boxes platter platters tin tins sheet sheets plate plates bag bags "
    "basket baskets case cases pack packs package packages container containers jar jars dish dishes"
)
PIECE_WORDS = words("piece pieces each loaf loaves individual")
EVENT_WORDS = words(
    "event sale party wedding fair bazaar fundraiser reception celebration festival potluck birthday "
    "shower open house christmas holiday recital picnic luncheon brunch tea gala order bash market "
    "graduation anniversary dinner meeting"
)
_PURCHASE_WORDS = words("bought purchased paid spent dollars bucks grabbed")
_NAME_LEAD = words(
    "create add schedule plan set up make an a the our my we we've we're i i've have has there's there is "
    "event called named for on this coming next upcoming it's its please okay ok so um uh and with got"
)
_ITEM_INTRO = (
    ("we", "need"), ("we'll", "need"), ("we", "will", "need"), ("i", "need"), ("need",), ("needs",),
    ("needing",), ("with",), ("for",), ("order",), ("making",), ("make",), ("bake",), ("baking",),
    ("we're", "making"), ("we're", "baking"), ("i'm", "making"), ("i'm", "baking"), ("i'm", "doing"),
    ("we're", "doing"), ("doing",),
)
_ITEM_LEAD = words("and plus also then of the some about around approximately roughly")


@dataclass(frozen=True, slots=True)
class DateSpan:
    date: dt.date | None
    start: int
    end: int
    note: str = ""
    strong: bool = True  # "today" alone does not make an utterance an event


def _w(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) and tokens[i].kind == "word" else ""


def _day_at(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """A day of month at i: "12", "12th", "twelfth", "twenty first", "the 3rd"."""
    if _w(tokens, i) == "the":
        i += 1
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t.kind == "num" and t.value is not None and "/" not in t.text and "." not in t.text:
        v = int(t.value)
        if 1 <= v <= 31 and t.value == v:
            return v, i + 1
        return None
    w = _w(tokens, i)
    if w in ORDINALS:
        return ORDINALS[w], i + 1
    if w in TENS and _w(tokens, i + 1) in ORDINALS and ORDINALS[_w(tokens, i + 1)] < 10:
        return TENS[w] + ORDINALS[_w(tokens, i + 1)], i + 2
    if w in SMALL and 1 <= SMALL[w] <= 31 and _w(tokens, i - 1) in MONTHS:
        return SMALL[w], i + 1
    return None


def _year_at(tokens: list[Token], i: int) -> tuple[int, int] | None:
    j = i + 1 if i < len(tokens) and tokens[i].text == "," else i
    if j < len(tokens) and tokens[j].kind == "num" and tokens[j].value is not None:
        v = int(tokens[j].number)
        if 2000 <= v <= 2100 and tokens[j].value == v:
            return v, j + 1
    return None


def _next_on_or_after(today: dt.date, month: int, day: int) -> dt.date | None:
    for year in (today.year, today.year + 1, today.year + 4):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _dated(today: dt.date, month: int, day: int, year: int | None, start: int, end: int) -> DateSpan:
    if year is not None:
        try:
            when = dt.date(year, month, day)
        except ValueError:
            return DateSpan(None, start, end, f"date: {month}/{day}/{year} is not a calendar day")
        note = f"date: {when.isoformat()} is in the past" if when < today else ""
        return DateSpan(when, start, end, note)
    found = _next_on_or_after(today, month, day)
    if found is None:
        return DateSpan(None, start, end, f"date: {month}/{day} is not a calendar day")
    return DateSpan(found, start, end)


_NOT_A_DATE_AFTER = frozenset({"full", "left", "empty", "gone", "remaining", "of", "cup", "cups", "tsp", "tbsp",
                               "teaspoon", "teaspoons", "tablespoon", "tablespoons", "lb", "lbs", "pound", "pounds",
                               "oz", "ounce", "ounces", "kg", "g", "bag", "bags", "stick", "sticks"})


def find_date(tokens: list[Token], today: dt.date) -> DateSpan | None:
    """The date said (raw tokens, numbers not merged): a calendar date outranks a weekday or a relative day,
    so "Saturday, December 5th" is December 5th."""
    return _find_date(tokens, today, relative=False) or _find_date(tokens, today, relative=True)


def _find_date(tokens: list[Token], today: dt.date, *, relative: bool) -> DateSpan | None:
    n = len(tokens)
    for i in range(n):
        w = _w(tokens, i)
        t = tokens[i]
        start = i - 1 if _w(tokens, i - 1) in ("on", "for") else i
        if w in MONTHS:
            day = _day_at(tokens, i + 1)
            if day is not None:
                year = _year_at(tokens, day[1])
                return _dated(today, MONTHS[w], day[0], year[0] if year else None, start, year[1] if year else day[1])
        if w == "the" or t.kind == "num" or w in ORDINALS or w in TENS:
            day = _day_at(tokens, i)
            if day is not None and _w(tokens, day[1]) == "of" and _w(tokens, day[1] + 1) in MONTHS:
                month = MONTHS[_w(tokens, day[1] + 1)]
                year = _year_at(tokens, day[1] + 2)
                end = year[1] if year else day[1] + 2
                return _dated(today, month, day[0], year[0] if year else None, start, end)
        if w == "the" and (_w(tokens, i - 1) == "on" or _w(tokens, i - 1) in WEEKDAYS) and (
                i + 1 < n and (tokens[i + 1].ordinal or _w(tokens, i + 1) in ORDINALS)):
            # "on the 14th": that day of this month, or of the next when it has passed
            day = _day_at(tokens, i)
            if day is not None:
                for ahead in range(0, 13):
                    month = (today.month - 1 + ahead) % 12 + 1
                    year_n = today.year + (today.month - 1 + ahead) // 12
                    try:
                        when = dt.date(year_n, month, day[0])
                    except ValueError:
                        continue
                    if when >= today:
                        # "on Friday the 5th": the day of the month, the weekday with it
                        first = i - 2 if _w(tokens, i - 1) in WEEKDAYS and _w(tokens, i - 2) == "on" else i - 1
                        return DateSpan(when, first, day[1], f"date: 'the {day[0]}' read as {when.isoformat()}")
        if t.kind == "num" and "/" in t.text and t.text.count("/") == 1 and _w(tokens, i + 1) not in _NOT_A_DATE_AFTER:
            # (but "about 1/3 full" and "1/2 cup" are amounts)
            month_s, day_s = t.text.split("/")
            year_v: int | None = None
            end = i + 1
            if i + 2 < n and tokens[i + 1].text == "/" and tokens[i + 2].kind == "num":
                y = int(tokens[i + 2].value or 0)
                year_v, end = (y + 2000 if y < 100 else y), i + 3
            if 1 <= int(month_s) <= 12 and 1 <= int(day_s) <= 31:
                return _dated(today, int(month_s), int(day_s), year_v, start, end)
        if (
            t.kind == "num" and len(t.text) == 4 and i + 4 < n and tokens[i + 1].text == "-"
            and tokens[i + 2].kind == "num" and tokens[i + 3].text == "-" and tokens[i + 4].kind == "num"
        ):
            return _dated(today, int(tokens[i + 2].value or 0), int(tokens[i + 4].value or 0), int(t.value or 0),
                          start, i + 5)
        if not relative:
            continue
        if w in WEEKDAYS:
            s = i
            modifier = _w(tokens, i - 1)
            if modifier in ("this", "next", "coming"):
                s = i - 1
                if _w(tokens, i - 2) == "the":
                    s = i - 2
            if _w(tokens, s - 1) in ("on", "for"):
                s -= 1
            ahead = (WEEKDAYS[w] - today.weekday()) % 7
            note = ""
            if modifier == "next":
                ahead = ahead or 7
                note = f"date: 'next {w}' read as the first {w} after today"
            when = today + dt.timedelta(days=ahead)
            return DateSpan(when, s, i + 1, note)
        if w == "tomorrow":
            return DateSpan(today + dt.timedelta(days=1), start, i + 1)
        if w == "tonight" or (w == "today" and _w(tokens, i - 1) != "from"):
            return DateSpan(today, start, i + 1, strong=False)
        if w == "in" and i + 1 < n:
            merged = merge_numbers(tokens[i + 1 : i + 6])
            if merged and merged[0].kind == "num" and merged[0].value is not None and len(merged) > 1:
                unit = merged[1].text
                consumed = len(tokens[i + 1 : i + 6]) - len(merged) + 2
                if unit in ("days", "day"):
                    return DateSpan(today + dt.timedelta(days=int(merged[0].value)), i, i + 1 + consumed)
                if unit in ("weeks", "week"):
                    return DateSpan(today + dt.timedelta(weeks=int(merged[0].value)), i, i + 1 + consumed)
            if _w(tokens, i + 1) in ("a", "one") and _w(tokens, i + 2) == "week":
                return DateSpan(today + dt.timedelta(weeks=1), i, i + 3)
    return None


def looks_like_event(tokens: list[Token], today: dt.date) -> bool:
    words = {t.text for t in tokens if t.kind == "word"}
    if "$" in {t.text for t in tokens} or words & _PURCHASE_WORDS:
        return False
    span = find_date(tokens, today)
    if span is not None and (span.strong or words & EVENT_WORDS):
        return True
    return bool(words & {"event"})


def _title(words: list[Token]) -> str:
    out = []
    for w in words:
        text = w.raw
        out.append(text[:1].upper() + text[1:] if text.islower() else text)
    return " ".join(out)


def _strip_name(words: list[Token]) -> list[Token]:
    start, end = 0, len(words)
    while start < end and (
        words[start].kind != "word" or words[start].text in _NAME_LEAD
        or (words[start].text == "new" and start + 1 < end and words[start + 1].text == "event")
    ):
        start += 1
    while end > start and (words[end - 1].kind != "word" or words[end - 1].text in _NAME_LEAD
                           or words[end - 1].text in WEEKDAYS):  # "Bridal shower on Saturday, December 5th"
        end -= 1
    return words[start:end]


def _split_items(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for i, t in enumerate(tokens):
        if t.kind == "punct" and t.text in (",", ";", ".", ":", "+", "&", "!"):
            parts.append([])
            continue
        if t.is_word("and", "plus", "also") and i + 1 < len(tokens) and (
            tokens[i + 1].kind == "num" or tokens[i + 1].is_word("a", "an", "some", "another")
        ):
            parts.append([])
            continue
        parts[-1].append(t)
    return [p for p in parts if p]


@dataclass(slots=True)
class _Item:
    name: str
    quantity: Decimal | None
    per: str | None
    said: str


def _parse_item(tokens: list[Token]) -> _Item | None:
    toks = list(tokens)
    while toks and ((toks[0].kind != "word" and toks[0].kind != "num") or toks[0].text in _ITEM_LEAD):
        toks.pop(0)
    if not toks:
        return None
    first_num = next((k for k, t in enumerate(toks) if t.kind == "num" and not t.ordinal), None)
    if first_num is not None and first_num > 0 and all(t.kind == "word" for t in toks[:first_num]) and (
            first_num < len(toks) - 1):
        toks = toks[first_num:]  # "they want 3 dozen cake pops", "can you put down 100 cookies"
    qty: Decimal | None = None
    said = ""
    i = 0
    if toks[0].kind == "num":
        qty, said, i = toks[0].value, toks[0].text, 1
    elif toks[0].is_word("a", "an") and len(toks) > 1:
        qty, said, i = Decimal(1), toks[0].text, 1
    per: str | None = None
    if i < len(toks) and toks[i].kind == "word" and (toks[i].text in CONTAINERS or toks[i].text in PIECE_WORDS):
        word = toks[i].text
        if word in CONTAINERS:
            per = word[:-2] if word.endswith(("boxes", "dishes", "batches")) else word.rstrip("s")
        said = f"{said} {word}".strip()
        i += 1
    if i < len(toks) and toks[i].is_word("of"):
        i += 1
    words = [t for t in toks[i:] if t.kind == "word"]
    while words and words[0].text in ("the", "of", "our", "my", "your"):
        words.pop(0)
    if qty is None and words:
        # "sugar cookies, 10 dozen"
        nums = [t for t in toks if t.kind == "num"]
        if nums:
            qty, said = nums[-1].value, nums[-1].text
    name = " ".join(t.text for t in words)
    if not name and qty is None:
        return None
    return _Item(name, qty, per, said)


def parse_event(tokens: list[Token], today: dt.date) -> tuple[list[Operation], list[str]]:
    """One `create_event` from an event utterance (raw tokens)."""
    notes: list[str] = []
    span = find_date(tokens, today)
    before = tokens[: span.start] if span else tokens
    after = tokens[span.end :] if span else []
    name_words: list[Token] = []
    item_tokens: list[Token] = []
    # "called X" / "named X"
    called = next((k for k, t in enumerate(tokens) if t.is_word("called", "named")), None)
    if called is not None:
        end = called + 1
        while end < len(tokens) and tokens[end].kind == "word" and not (span and span.start <= end < span.end):
            if tokens[end].text in ("on", "for", "with", "we", "need", "needs"):
                break
            end += 1
        name_words = tokens[called + 1 : end]
        rest = [
            t for k, t in enumerate(tokens) if not (called <= k < end) and not (span and span.start <= k < span.end)
        ]
        item_tokens = _after_intro(rest, require=False)
    else:
        before_merged = merge_numbers(before)
        has_items_before = any(t.kind == "num" for t in before_merged)
        if has_items_before:
            # "10 dozen sugar cookies for the bake sale on Dec 12"
            cut = max((k for k, t in enumerate(before) if t.is_word("for")), default=None)
            if cut is not None:
                name_words = before[cut + 1 :]
                item_tokens = list(before[:cut]) + list(after)
            else:
                item_tokens = list(before) + list(after)
        else:
            name_words = before
            item_tokens = list(after)
            if not _strip_name(name_words) and after:
                # "On Dec 12th the church bake sale: ..." / "December 12th bake sale, 10 dozen cookies"
                while after and (after[0].kind == "punct" or after[0].is_word("the", "is", "it's", "we", "have")):
                    after = after[1:]
                stop = next(
                    (k for k, t in enumerate(after)
                     if (t.kind == "punct" and t.text in (":", ",", "-", "—")) or t.kind == "num"
                     or t.is_word("we", "need", "needs", "with", "i")),
                    len(after),
                )
                name_words = after[:stop]
                item_tokens = list(after[stop:])
        item_tokens = _after_intro(item_tokens, require=False)
    # names: drop a leading "for the" or a trailing "on"
    name_tokens = _strip_name([t for t in name_words if t.kind == "word"])
    name = _title(name_tokens) if name_tokens else None
    items: list[dict[str, Any]] = []
    item_conf: list[float] = []
    from core.speech.purchases import extract_money  # a price said with an order is not a finished good

    priced, prices = extract_money(merge_numbers(item_tokens))
    if prices:
        notes.append("a price was said (" + ", ".join(str(m.amount) for m in prices) + "); an event has no prices")
    for part in _split_items([t for t in priced if t.kind != "money"]):
        item = _parse_item(part)
        if item is None:
            continue
        entry: dict[str, Any] = {"finished_good": item.name or None, "quantity": item.quantity}
        if item.per:
            entry["per"] = item.per
            notes.append(f"{item.name}: {item.said} — how many {item.name} in a {item.per} is for the catalog to say")
        if item.said and "dozen" in item.said.lower():
            entry["said"] = item.said
        if item.quantity is None:
            notes.append(f"quantity of {item.name} not said")
        if not item.name:
            notes.append("a finished good's name was not said")
        items.append(entry)
        item_conf.append(SAID if item.quantity is not None and item.name else MISSING)
    args: dict[str, Any] = {
        "name": name,
        "date": span.date.isoformat() if span and span.date else None,
        "items": items,
    }
    conf: dict[str, float] = {
        "name": SAID if name else MISSING,
        "date": (DERIVED if span and span.note else SAID) if span and span.date else MISSING,
        "items": min(item_conf) if item_conf else MISSING,
    }
    if name is None:
        notes.append("event name not said")
    if span is None:
        notes.append("event date not said")
    elif span.note:
        notes.append(span.note)
    if not items:
        notes.append("no finished goods were said for the event")
    return [Operation("create_event", args, conf)], notes


def _after_intro(tokens: list[Token], *, require: bool) -> list[Token]:
    """Drop what comes before the item list ("we need", "with", a colon)."""
    for k, t in enumerate(tokens):
        if t.kind == "punct" and t.text in (":", "—", "-"):
            return list(tokens[k + 1 :])
    for k in range(len(tokens)):
        for phrase in _ITEM_INTRO:
            if all(k + m < len(tokens) and tokens[k + m].text == w for m, w in enumerate(phrase)):
                rest = tokens[k + len(phrase) :]
                if (rest and (rest[0].kind == "num" or rest[0].is_word("a", "an", "some"))) or (
                    rest and read_number(list(rest), 0) is not None
                ):
                    return list(rest)
    return [] if require else list(tokens)
