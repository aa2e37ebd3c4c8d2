"""Tokens and spoken numbers: "two", "twenty-five", "a dozen", "one and a half", "1 1/2", "½", "2.5".

`tokenize` splits an utterance into word, number and punctuation tokens;
`merge_numbers` then folds every number phrase into one `num` token holding an
exact Decimal. Articles ("a", "an") stay words: only the grammar knows whether
"a" means one ("a pound of butter") or nothing ("a bake sale").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


ONE = Decimal(1)
HALF = Decimal("0.5")
TWELVE = Decimal(12)

SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Denominator words: "a half", "three quarters", "two thirds".
DENOMINATORS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "eighth": 8, "eighths": 8,
}
VULGAR: dict[str, Decimal] = {
    "½": HALF, "¼": Decimal("0.25"), "¾": Decimal("0.75"), "⅓": ONE / 3, "⅔": Decimal(2) / 3,
    "⅛": Decimal("0.125"), "⅜": Decimal("0.375"), "⅝": Decimal("0.625"), "⅞": Decimal("0.875"),
    "⅕": Decimal("0.2"),
}
DOZEN_WORDS = frozenset({"dozen", "doz", "dz"})
ARTICLES = frozenset({"a", "an"})

_TOKEN = re.compile(
    r"""
    (?P<frac>\d+/\d+)
    | (?P<dcomma>\d+,\d\d)(?![\d,])
    | (?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)(?P<ord>st|nd|rd|th)?
    | (?P<vulgar>[½¼¾⅓⅔⅛⅜⅝⅞⅕])
    | (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)
    | (?P<punct>[$€£%&:;,.!?/()\-—–#@+])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "num", "punct"
    text: str  # lower-cased word, or the punctuation; for numbers the digits as said
    raw: str  # as written, for brand and store names
    value: Decimal | None = None  # numbers only
    ordinal: bool = False  # "12th", "twelfth"
    start: int = 0  # character offset in the utterance

    @property
    def number(self) -> Decimal:
        """The value of a number token (0 for anything else)."""
        return self.value if self.value is not None else Decimal(0)

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text in words


def tokenize(text: str) -> list[Token]:
    """Words (lower-cased, apostrophes kept), numbers (exact), and punctuation."""
    tokens: list[Token] = []
    cleaned = re.sub(r"(?<=[^\W_])-(?=[^\W\d_])", " ", text.replace("’", "'"))
    for m in _TOKEN.finditer(cleaned):
        raw = m.group(0)
        if m.group("frac"):
            num, den = m.group("frac").split("/")
            value = Decimal(num) / Decimal(den) if int(den) else None
            if value is None:
                continue
            tokens.append(Token("num", raw, raw, value, start=m.start()))
        elif m.group("dcomma"):  # "3,50": a decimal comma (a thousands comma has three digits after it)
            digits = m.group("dcomma").replace(",", ".")
            tokens.append(Token("num", digits, raw, Decimal(digits), start=m.start()))
        elif m.group("num"):
            digits = m.group("num").replace(",", "")
            tokens.append(Token("num", digits, raw, Decimal(digits), ordinal=bool(m.group("ord")), start=m.start()))
        elif m.group("vulgar"):
            tokens.append(Token("num", raw, raw, VULGAR[raw], start=m.start()))
        elif m.group("word"):
            tokens.append(Token("word", raw.lower(), raw, start=m.start()))
        else:
            tokens.append(Token("punct", raw, raw, start=m.start()))
    return tokens


def _word(tokens: list[Token], i: int) -> str:
    return tokens[i].text if i < len(tokens) and tokens[i].kind == "word" else ""


def _read_cardinal_words(tokens: list[Token], i: int) -> tuple[Decimal, int] | None:
    """ "twenty five", "one hundred and twenty", "two thousand"."""
    total = 0
    current = 0
    last = ""  # "", "small", "tens", "hundred", "thousand"
    j = i
    while j < len(tokens):
        w = _word(tokens, j)
        if w in SMALL and (last in ("", "hundred", "thousand") or (last == "tens" and 0 < SMALL[w] < 10)):
            current += SMALL[w]
            last = "small"
        elif w in TENS and last in ("", "hundred", "thousand"):
            current += TENS[w]
            last = "tens"
        elif w == "hundred" and last in ("small", "tens") and current < 100:
            current *= 100
            last = "hundred"
        elif w == "thousand" and last in ("small", "tens", "hundred"):
            total += current * 1000
            current = 0
            last = "thousand"
        elif w == "and" and last in ("hundred", "thousand") and (
            _word(tokens, j + 1) in SMALL or _word(tokens, j + 1) in TENS
        ):
            j += 1
            continue
        else:
            break
        j += 1
    if not last:
        return None
    return Decimal(total + current), j


def _read_fraction_after(tokens: list[Token], i: int) -> tuple[Decimal, int] | None:
    """ "a half", "one half", "a quarter", "three quarters", "1/2", "½"."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t.kind == "num" and t.value is not None and t.value < 1:
        return t.value, i + 1
    numerator: Decimal | None = None
    j = i
    if _word(tokens, i) in ARTICLES:
        numerator, j = ONE, i + 1
    elif _word(tokens, i) in SMALL:
        numerator, j = Decimal(SMALL[_word(tokens, i)]), i + 1
    elif t.kind == "num" and t.value is not None:
        numerator, j = t.value, i + 1
    if numerator is not None and _word(tokens, j) in DENOMINATORS:
        return numerator / DENOMINATORS[_word(tokens, j)], j + 1
    return None


def read_number(tokens: list[Token], i: int) -> tuple[Decimal, int] | None:
    """The number phrase starting at token i and the index after it, or None."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    value: Decimal | None = None
    j = i
    w = _word(tokens, i)
    if w == "half":
        # "half a pound", "half a dozen", "half dozen"
        value, j = HALF, i + 1
        if _word(tokens, j) in ARTICLES and _word(tokens, j + 1) not in DENOMINATORS:
            j += 1
    elif w in ARTICLES and _word(tokens, i + 1) in ("couple", "pair"):
        value, j = Decimal(2), i + 2
        if _word(tokens, j) == "of":
            j += 1
        return value, j
    elif w in ARTICLES and _word(tokens, i + 1) in DOZEN_WORDS:
        value, j = ONE, i + 1
    elif w in ARTICLES and _word(tokens, i + 1) == "hundred":
        value, j = Decimal(100), i + 2
        k = j + 1 if _word(tokens, j) == "and" else j
        if _word(tokens, k) in SMALL or _word(tokens, k) in TENS:  # "a hundred and fifty"
            rest = _read_cardinal_words(tokens, k)
            if rest is not None and rest[0] < 100:
                value, j = value + rest[0], rest[1]
    elif w in ARTICLES or w in SMALL:
        frac = _read_fraction_after(tokens, i)
        if frac is not None:
            value, j = frac
        elif w in SMALL:
            read = _read_cardinal_words(tokens, i)
            if read is not None:
                value, j = read
    elif w in TENS:
        read = _read_cardinal_words(tokens, i)
        if read is not None:
            value, j = read
    elif t.kind == "num" and t.value is not None:
        value, j = t.value, i + 1
        nxt = tokens[j] if j < len(tokens) else None
        # "1 1/2", "1½", "2-1/2"
        if nxt is not None and nxt.kind == "punct" and nxt.text == "-" and j + 1 < len(tokens):
            after = tokens[j + 1]
            if after.kind == "num" and after.value is not None and after.value < 1 and "/" in after.text:
                value, j = value + after.value, j + 2
        elif (
            nxt is not None and nxt.kind == "num" and nxt.value is not None and nxt.value < 1
            and ("/" in nxt.text or nxt.text in VULGAR) and t.value == t.value.to_integral_value()
        ):
            value, j = value + nxt.value, j + 1
        elif _word(tokens, j) in DENOMINATORS and value >= 1 and value == value.to_integral_value():
            # "3 quarters"
            value, j = value / DENOMINATORS[_word(tokens, j)], j + 1
        if t.ordinal:
            return value, j
    if value is None:
        return None
    # "one and a half", "two and three quarters", "1 and 1/2"
    if _word(tokens, j) == "and" and value >= 1:
        frac = _read_fraction_after(tokens, j + 1)
        if frac is not None and frac[0] < 1:
            value, j = value + frac[0], frac[1]
    # "two dozen", "a dozen and a half"
    if _word(tokens, j) in DOZEN_WORDS:
        value, j = value * TWELVE, j + 1
        if _word(tokens, j) == "and":
            frac = _read_fraction_after(tokens, j + 1)
            if frac is not None and frac[0] < 1:
                value, j = value + frac[0] * TWELVE, frac[1]
    return value, j


def merge_numbers(tokens: list[Token]) -> list[Token]:
    """Fold each number phrase into one `num` token; leave everything else alone."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        read = read_number(tokens, i)
        if read is not None and not (t.is_word("a", "an") and read[1] == i + 1):
            value, j = read
            text = " ".join(x.raw for x in tokens[i:j])
            if j == i + 1 and t.kind == "num":
                out.append(t)  # one number token as read ("3,50" keeps its text "3.50")
            else:
                out.append(Token("num", text, text, value, ordinal=t.ordinal and j == i + 1, start=t.start))
            i = j
        else:
            out.append(t)
            i += 1
    return out


def parse_number(text: str) -> Decimal | None:
    """The value of a whole text that is one number phrase ("one and a half" -> 1.5), else None."""
    tokens = tokenize(text)
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].is_word("a", "an"):
        return ONE
    read = read_number(tokens, 0)
    if read is None or read[1] != len(tokens):
        return None
    return read[0]


def said_dozen(token: Token) -> bool:
    """Whether a merged number token was said with "dozen" ("two dozen")."""
    return any(part in DOZEN_WORDS for part in token.text.lower().split())
