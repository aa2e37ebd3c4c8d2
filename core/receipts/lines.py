"""Receipt text (OCR output) -> the purchases on it, its totals, and what the baker must check.

Pure: no I/O. The text is read line by line: a header (store name, address, date), item lines
ending in a price (with an optional tax flag), quantity lines ("2 @ 4.99", "2.14 lb @ 0.59/lb")
that belong to the item next to them, discount lines (negative, taken off the item above), and
the summary (SUBTOTAL, TAX, TOTAL); payment, change, card and thank-you lines are never items.
Quantity and unit are the total bought (2 x 4 LB -> 8 LBR); price is the total paid for the line.
Nothing is guessed silently: whatever does not add up or cannot be read goes to `notes`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.measures.units import UNITS
from core.speech.names import FLUID_OUNCE_PAIRS, MEASURE_UNITS, STORES
from core.speech.numbers import DOZEN_WORDS, TWELVE, Token, read_number, tokenize
from core.speech.operations import DERIVED, MISSING, SAID, VAGUE, Operation
from core.speech.purchases import CENT, COUNT

TOLERANCE = CENT

# Receipt abbreviations, expanded whole-word only (the raw OCR line is always kept).
ABBREVIATIONS: dict[str, str] = {
    "flr": "flour", "choc": "chocolate", "gran": "granulated", "unsltd": "unsalted", "unslt": "unsalted",
    "sltd": "salted", "ap": "all-purpose", "lg": "large", "lrg": "large", "btr": "butter", "pwd": "powdered",
    "pwdr": "powdered", "pdr": "powder", "brn": "brown", "sgr": "sugar", "van": "vanilla", "ext": "extract",
    "xtrct": "extract", "bkg": "baking", "crm": "cream", "hvy": "heavy", "whpg": "whipping", "swt": "sweet",
    "cinn": "cinnamon", "conf": "confectioners", "org": "organic", "whl": "whole", "mlk": "milk",
    "evap": "evaporated", "cond": "condensed", "strch": "starch", "syr": "syrup", "yst": "yeast",
    "chs": "cheese", "pnt": "peanut", "almd": "almond", "wlnt": "walnut", "wlnts": "walnuts", "pcn": "pecan",
    "pcns": "pecans", "ccnt": "coconut", "shrd": "shredded", "rsns": "raisins", "lmn": "lemon",
    "lmns": "lemons", "mrg": "margarine", "shrtng": "shortening", "unbl": "unbleached", "bld": "bleached",
    "sd": "soda", "pwdrd": "powdered",
}

_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "@": "0", "I": "1", "l": "1", "|": "1", "S": "5", "s": "5"})
_P = r"[0-9OoIlS|s@]"
_PRICE_AT_END = re.compile(
    rf"(?:^|(?<=\s))(?P<token>\(?(?P<minus>-(?:\s(?=[$£€]))?)?(?:[$£€]\s?)?(?P<minus2>-)?(?P<int>{_P}{{1,5}})\s?[.,]\s?"
    rf"(?P<dec>{_P}{{2}})\)?(?:(?P<trail>-)(?!\s?(?:€|EUR))|-(?=\s?(?:€|EUR)))?)"
    rf"(?:\s?(?:€|EUR)(?P<trail2>-)?)?(?:\s*(?P<flag>[A-Z*]{{1,2}}|(?<=\s)7))?\s*$"
)
_NOT_FLAGS = frozenset({"LB", "KG", "OZ", "G", "L", "EA", "CT", "PK", "ML", "DZ", "GAL", "QT", "PT"})
_PRICEISH_END = re.compile(r"(?:^|\s)[-$(]*[\dOoIlS|?]*\d[\dOoIlS|?]*(?:[.,][\dOoIlS|?#]*)?\)?-?\s*[A-Z*]?\s*$")
_AMOUNT = r"[$£€]?\s?(\d{1,5}[.,]\d{2})(?:\s?(?:€|EUR)(?![A-Za-z]))?"
_UNIT_WORD = r"(?:lbs?|kgs?|oz|g|#)"
_CURRENCY = r"(?:[$£€]|EUR|GBP)"
# "2.14 lb @ 0.59/lb", "2.14 @ $0.59 per lb", "2.48 lb @ 1 lb /0.50", "1.448 kg @ £0.94/kg",
# "0,512 kg x 2,99 EUR/kg"
_WEIGHED = re.compile(
    rf"(?P<weight>\d{{1,4}}(?:[.,]\d{{1,3}})?)\s*(?:(?P<unit>{_UNIT_WORD})\.?)?\s*(?:[@©®]|at|(?<=[a-z#.] )[xX×*])\s*"
    rf"(?:{_CURRENCY}?\s?(?P<price>\d{{1,5}}[.,]\d{{2}})\s?{_CURRENCY}?\s*(?:/|per)\s*(?P<per>{_UNIT_WORD})(?![A-Za-z])"
    rf"\.?|(?:1\s*)?(?P<per_first>{_UNIT_WORD})\.?\s*/\s*{_CURRENCY}?\s?(?P<price_after>\d{{1,5}}[.,]\d{{2}}))",
    re.IGNORECASE,
)
# "2 x 0,89", "3 @ 4.99 ea"; OCR may put a speck beside the x ("3.x £2.49", "2° x. 2.95", "2.x.1.99")
_SPECK = r"[.,:;°'`~-]"
_MULTIPLIER = re.compile(
    rf"(?<![\w.,])(?P<count>\d{{1,3}})(?:{_SPECK}(?=\s*[xX×]))?\s*(?:[@©®]|[xX×*](?:{_SPECK}(?=\s*[$£€\d]))?)"
    rf"\s*{_AMOUNT}(?:\s*(?:ea|each)\b)?",
    re.IGNORECASE)
_DANGLING_COUNT = re.compile(
    rf"(?<![\w.,])(?P<count>\d{{1,3}})(?:{_SPECK}(?=\s*[xX×]))?\s*(?:[@©®]|[xX×*]){_SPECK}?\s*$")
_LEADING_COUNT = re.compile(r"^\s*(?P<count>\d{1,2})\s*(?:[xX×]\s+|\s)(?=\s*[A-Za-z]{2})")
_ITEM_COUNT = re.compile(r"\b(?:items?|count)\b[^\d]{0,12}(\d{1,3})\s*$", re.IGNORECASE)

_SUBTOTAL = frozenset({"SUBTOTAL", "SUBTTL", "SUBTOTAAL", "ZWISCHENSUMME", "SOUSTOTAL"})
_TAX = frozenset({"TAX", "TAXES", "HST", "GST", "PST", "QST", "VAT", "MWST", "UST", "IVA", "TVA", "BTW", "STEUER",
                  "NETTO", "BRUTTO", "NET"})
_TOTAL = frozenset({"TOTAL", "TTL", "DUE", "BALANCE", "SUMME", "GESAMT", "GESAMTBETRAG", "TOTALE", "TOTAAL",
                    "ZAHLEN", "PAYER", "TOTAUX"})
_PAYMENT = frozenset({
    "CASH", "CHANGE", "VISA", "MASTERCARD", "MC", "AMEX", "DISCOVER", "DEBIT", "CREDIT", "CARD", "TEND",
    "TENDER", "TENDERED", "PAYMENT", "EBT", "CHECK", "PAID", "APPROVED", "AUTH", "ACCOUNT", "ACCT", "REFUND",
    "TIP", "GRATUITY", "ROUNDING", "CASHBACK", "CONTACTLESS",
    # German, French, Dutch
    "KARTE", "GIROCARD", "KARTENZAHLUNG", "RUCKGELD", "GEGEBEN", "ESPECES", "RENDU", "MONNAIE", "CARTE",
    "PINNEN", "CONTANT", "WISSELGELD", "BETAALD",
})
# payment words too short or too common to rule out an item unless the line has nothing else ("Geg. BAR 20,00")
_PAYMENT_ALONE = frozenset({"BAR", "CB", "EC", "GEG", "PIN", "EUR", "GBP"})
_SUMMARY = frozenset({"SAVINGS", "SAVED", "SAVE", "ITEMS", "POINTS", "REWARDS", "EARNED", "PRICE", "QTY",
                      "DESCRIPTION", "AANTAL", "OMSCHRIJVING", "BEDRAG"})
_DISCOUNT = frozenset({"COUPON", "CPN", "DISCOUNT", "DISC", "PROMO", "MFR", "MARKDOWN", "OFF", "MULTIBUY",
                       "ROLLBACK", "CLUBCARD", "NECTAR", "RABATT", "PREISVORTEIL", "REMISE", "BONUS", "KORTING"})
_FUZZY = frozenset({"SUBTOTAL", "TOTAL", "BALANCE", "MASTERCARD", "DISCOUNT", "COUPON", "SAVINGS", "CHANGE",
                    "PAYMENT", "CREDIT", "DEBIT", "SUBTOTAAL", "TOTAAL", "RUCKGELD", "MULTIBUY", "PREISVORTEIL",
                    "ZWISCHENSUMME", "GESAMTBETRAG", "WISSELGELD", "CLUBCARD", "CONTACTLESS"})
_HEADER_SKIP = re.compile(
    r"\b(receipt|invoice|welcome|thank|tel|phone|fax|www|http|store\s*#|cashier|register|lane|trans|terminal|"
    r"open|hours|manager|order)\b",
    re.IGNORECASE,
)
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_DATE_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s*(\d{{1,2}})(?!\d)(?:st|nd|rd|th)?,?\s*(\d{{4}}|'?\d{{2}})\b",
                               re.IGNORECASE)
_DATE_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?[\s-]*{_MONTH}[\s,-]*(\d{{4}})\b", re.IGNORECASE)
_DATEISH = re.compile(r"[\dOoIl]{1,4}[-/.][\dOoIl]{1,2}[-/.][\dOoIl]{2,4}")

# Unit words after a number on a receipt: the speech grammar's measure words, plus receipt spellings.
_SIZE_UNITS: dict[str, str] = {w: c for w, c in MEASURE_UNITS.items() if c != COUNT}
_SIZE_UNITS.update({"#": "LBR", "lt": "LTR", "floz": "OZA", "gl": "GLL"})
_PIECE_WORDS = frozenset({"ct", "count", "pk", "pack", "pc", "pcs", "piece", "pieces", "st", "stk", "stuk", "stuks",
                          "stück"})
# a container word printed without a number is one of it: "WHOLE MILK GAL", "HEAVY CREAM QT"
_BARE_UNIT = re.compile(r"(?<![\w.&])(gal|gallon|qt|quart|pt|pint)\.?\s*$", re.IGNORECASE)
# "2 AH ROOMBOTER 250G 2,69   5,38": the price of one, printed before the line's total
_UNIT_PRICE_AT_END = re.compile(r"(?<![\w.,])[$£€]?\s?(\d{1,5}[.,]\d{2})(?:\s?€)?\s*$")
# a decimal comma inside a description: "0,512 kg", "1,5kg"
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])(\d{1,4}),(\d{1,3})(?![\d,])")
_EACH_WORDS = frozenset({"ea", "each"})


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One item bought: the total amount, its unit code, and the total paid for the line."""

    item_name: str
    quantity: Decimal
    unit: str  # UN/CEFACT code
    price: Decimal
    packages: Decimal | None
    package_size: Decimal | None
    raw: str
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReceiptReading:
    """What a receipt says, and what the baker must check before it is recorded."""

    store: str | None
    purchased_on: dt.date | None
    lines: list[ReceiptLine]
    subtotal: Decimal | None
    tax: Decimal | None
    total: Decimal | None
    total_checked: bool
    notes: list[str] = field(default_factory=list)
    store_confidence: float = MISSING

    def operations(self) -> list[Operation]:
        """One proposed `add_purchase` per line, in the speech grammar's shape."""
        ops: list[Operation] = []
        for line in self.lines:
            args: dict[str, Any] = {
                "item_name": line.item_name,
                "quantity": line.quantity,
                "unit": line.unit,
                "price": line.price,
                "store": self.store,
                "purchased_on": self.purchased_on.isoformat() if self.purchased_on else None,
                "packages": line.packages,
                "package_size": line.package_size,
            }
            confidence = dict(line.confidence)
            confidence["store"] = self.store_confidence if self.store else MISSING
            confidence["purchased_on"] = SAID if self.purchased_on else MISSING
            ops.append(Operation("add_purchase", args, confidence))
        return ops


# prices ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Price:
    amount: Decimal  # negative for a discount
    start: int  # where the price begins in the line
    flag: str | None
    repaired: bool  # an OCR confusion was fixed inside the token


def _price_at_end(text: str) -> _Price | None:
    m = _PRICE_AT_END.search(text)
    if m is None:
        return None
    flag = m.group("flag")
    if flag is not None and flag in _NOT_FLAGS:
        return None
    int_part, dec_part = m.group("int"), m.group("dec")
    if "@" in int_part[:-1] or "@" in dec_part[:-1]:
        return None  # "2 @4.99": the "@" is the multiplier, not a misread 0
    if sum(c.isdigit() for c in int_part + dec_part) < 2 or not dec_part[-1:].strip():
        return None
    fixed = f"{int_part}.{dec_part}".translate(_CONFUSIONS)
    try:
        amount = Decimal(fixed)
    except InvalidOperation:
        return None
    token = m.group("token")
    negative = bool(m.group("minus") or m.group("minus2") or m.group("trail") or m.group("trail2")) or (
        token.startswith("(") and token.endswith(")")
    )
    repaired = fixed != f"{int_part}.{dec_part}"  # a decimal comma is how much of the world prints prices
    return _Price(-amount if negative else amount, m.start("token"), flag, repaired)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


# keywords --------------------------------------------------------------------------------------

def _near(word: str, target: str) -> bool:
    """Within one edit of `target` (OCR drops, adds or swaps one letter)."""
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        return sum(a != b for a, b in zip(word, target, strict=True)) <= 1
    short, long_ = (word, target) if len(word) < len(target) else (target, word)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def _fold(text: str) -> str:
    """Accents dropped: "Rückgeld" is "Ruckgeld", "ESPÈCES" is "ESPECES"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _keywords(text: str) -> set[str]:
    """The summary/payment words on a line, read leniently ("T0TAL", "SUB TOTAL", "SUB-TOTAL")."""
    upper = re.sub(r"\b(SUB|SOUS)[\s-]+(TOTAL|TTL|TOTAAL)\b", r"\1\2", _fold(text).upper())
    found: set[str] = set()
    raws = re.findall(r"[A-Z0-9]+", upper)
    letters = [raw for raw in raws if re.search(r"[A-Z]", raw)]
    if letters and all(raw in _PAYMENT_ALONE for raw in letters) and not set(letters) <= {"EUR", "GBP"}:
        found.add("CASH")  # "BAR 20,00", "Geg. BAR", "CB 12,34 EUR": a payment
    for raw in raws:
        if not re.search(r"[A-Z]", raw):
            continue
        word = raw.replace("0", "O").replace("1", "L") if re.search(r"[A-Z]{2}", raw) else raw
        for group in (_SUBTOTAL, _TAX, _TOTAL, _PAYMENT, _SUMMARY, _DISCOUNT):
            if word in group:
                found.add(word)
        if len(word) >= 5:
            found.update(k for k in _FUZZY if k not in found and _near(word, k))
    return found


# quantities ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Amount:
    count: Decimal | None = None  # items or packages bought
    count_spans: list[tuple[int, int]] = field(default_factory=list)
    unit_price: Decimal | None = None
    size: Decimal | None = None
    size_unit: str | None = None
    weight: Decimal | None = None
    weight_unit: str | None = None
    weight_price: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.count is None and self.size is None and self.weight is None


def _size_unit(tokens: list[Token], k: int) -> tuple[str, int] | None:
    """(code, index after) for a size unit at token k; "CT"/"PK" are pieces."""
    if k >= len(tokens):
        return None
    t = tokens[k]
    if t.kind == "punct" and t.text == "#":
        return "LBR", k + 1
    if t.kind != "word":
        return None
    if k + 1 < len(tokens) and (t.text, tokens[k + 1].text) in FLUID_OUNCE_PAIRS:
        return "OZA", k + 2
    if t.text in _PIECE_WORDS:
        return COUNT, k + 1
    code = _SIZE_UNITS.get(t.text)
    return (code, k + 1) if code else None


def _read_sizes(text: str, amount: _Amount) -> list[tuple[int, int]]:
    """Find "5LB", "1 1/2 LB", "HALF GAL", "18CT", "1 DZ", "2 x 5 LB", "4 EA"; return the spans used."""
    tokens = tokenize(text)
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        end_of = tokens[k].start + len(tokens[k].raw)
        if t.kind == "word" and t.text in DOZEN_WORDS and amount.size is None:
            start = k
            value = TWELVE
            for j in range(max(0, k - 3), k):
                read = read_number(tokens, j)
                if read is not None and read[1] == k + 1:
                    start, value = j, read[0]
                    break
            amount.size, amount.size_unit = value, COUNT
            spans.append((tokens[start].start, end_of))
            k += 1
            continue
        unit = _size_unit(tokens, k) if t.kind in ("word", "punct") else None
        if unit is not None and k > 0:
            for j in range(max(0, k - 3), k):
                if tokens[j].kind == "word" and j > 0 and tokens[j - 1].text in ("&", "and", "n"):
                    continue  # "HALF & HALF PT": the second "half" is part of the name
                read = read_number(tokens, j)
                if read is None or read[1] != k or read[0] <= 0:
                    continue
                stop = tokens[unit[1] - 1].start + len(tokens[unit[1] - 1].raw)
                if amount.size is None:
                    amount.size, amount.size_unit = read[0], unit[0]
                    spans.append((tokens[j].start, stop))
                    # "2 x 5 LB": packages before the size
                    if j >= 2 and tokens[j - 1].is_word("x") and tokens[j - 2].kind == "num" and amount.count is None:
                        amount.count = tokens[j - 2].value
                        spans.append((tokens[j - 2].start, tokens[j].start))
                break
            k = unit[1]
            continue
        if t.kind == "word" and t.text in _EACH_WORDS and k > 0 and tokens[k - 1].kind == "num":
            each = tokens[k - 1].value
            if amount.count is None and each is not None and each > 0:
                amount.count = each
            spans.append((tokens[k - 1].start, end_of))
        k += 1
    return spans


# OCR misreads of unit words right after a number: "20Z" is 2 OZ, "3.61 1b" is 3.61 lb, "SLB" is 5LB.
_DIGIT_LOOKALIKES = str.maketrans({"S": "5", "O": "0", "o": "0"})
_UNIT_REPAIRS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(?<=\d)\s?[0O][zZ]\b"), " OZ"),
    (re.compile(r"(?<=/)\s?[1Il|]{1,2}[bB]\b"), "lb"),
    (re.compile(r"(?<=\d)\s?[1Il|t][bB]([sS]?)\b"), r" LB\1"),
    (re.compile(r"(?<![\w.])[Ss](?=\s?(?:LB|OZ|KG|CT)\b)"), "5"),
    # "SOOML" is 500ML, "5O0G" 500G
    (re.compile(r"(?<![\w.,])[S5][O0o]{1,3}(?=(?:ML|ml|G|g|KG|kg)\b)"),
     lambda m: m.group(0).translate(_DIGIT_LOOKALIKES)),
    # "lkg" and "ikg" are 1kg; "Vollmilch 11" or "OIL iL" at the end of a name is 1l (an l or i read for a one)
    (re.compile(r"(?<![\w.,])[lIi|](?=\s?(?:kg|KG|Kg|ml|ML|lb|LB|oz|OZ)\b)"), "1"),
    (re.compile(r"(?<=[A-Za-z] )1[1I|](?=\s*$)"), "1l"),
    (re.compile(r"(?<=[A-Za-z] )[iIl|](?=[lL]\s*$)"), "1"),
    # a speck between the number and its unit: "1lkg", "1kKG"
    (re.compile(r"(?<=\d)[lIi|kK](?=(?:kg|KG|Kg)\b)"), ""),
    (re.compile(r"(?<=\d)\s?[mM][1I|][lL]?\b"), "ml"),
    # a zero between letters is an O ("D0Z", "CH0C"); a G read as a 6 at the end of a name ("500G" as "5006")
    (re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])"), "O"),
    (re.compile(r"(?<![\w.,/])(\d{2,4})6(?=\s*$)"), r"\1G"),
    # a g read as a 9 after a round size at the end of a name ("200g" as "2009")
    (re.compile(r"(?<![\w.,/])(\d{1,3}[05])9(?=\s*$)"), r"\1g"),
)


_OUNCES_MISREAD = re.compile(r"(?<![\w.])(\d{1,2}(?:\.\d{1,2})?)[0O][2Z7]{1,2}(?![\w.])")


def _repair_units(text: str) -> str:
    """Unit words as printed, from their usual OCR misreads (applied only right after a number)."""
    for pattern, replacement in _UNIT_REPAIRS:
        text = pattern.sub(replacement, text)
    return text


def _read_amount(description: str) -> tuple[_Amount, str]:
    """Quantity facts in an item description, and the description with them cut out."""
    description = _DECIMAL_COMMA.sub(r"\1.\2", _repair_units(description))
    amount = _Amount()
    cut: list[tuple[int, int]] = []
    weighed = _WEIGHED.search(description)
    if weighed is not None:
        unit_word = (weighed["unit"] or weighed["per"] or weighed["per_first"]).lower()
        amount.weight = _money(weighed["weight"])
        amount.weight_unit = _SIZE_UNITS.get(unit_word, "LBR")
        amount.weight_price = _money(weighed["price"] or weighed["price_after"])
        cut.append(weighed.span())
    multiplier = _MULTIPLIER.search(description) if weighed is None else None
    if multiplier is not None:
        amount.count = Decimal(multiplier.group("count"))
        amount.unit_price = _money(multiplier.group(2))
        cut.append(multiplier.span())
    rest = _blank(description, cut)
    if weighed is not None and (lead := _LEADING_COUNT.match(rest)) is not None and lead.group("count") == "1":
        rest = _blank(rest, [lead.span("count")])  # "1 BANANAS 2.14 lb @ ...": the quantity column
    if weighed is None:
        cut.extend(_read_sizes(rest, amount))
        if amount.size is None and (ounces := _OUNCES_MISREAD.search(_blank(description, cut))) is not None:
            amount.size, amount.size_unit = Decimal(ounces.group(1)), "ONZ"  # "1602" is 16OZ
            cut.append(ounces.span())
        rest = _blank(description, cut)
        if amount.count is None and (lead := _LEADING_COUNT.match(rest)) is not None:
            amount.count = Decimal(lead.group("count"))
            cut.append(lead.span("count"))
            rest = _blank(description, cut)
            if amount.unit_price is None and (each := _UNIT_PRICE_AT_END.search(rest)) is not None:
                amount.unit_price = _money(each.group(1))
                cut.append(each.span())
                rest = _blank(description, cut)
        if amount.size is None and (bare := _BARE_UNIT.search(rest.rstrip(" *"))) is not None:
            amount.size, amount.size_unit = Decimal(1), _SIZE_UNITS[bare.group(1).lower()]
            cut.append(bare.span())
            rest = _blank(description, cut)
    return amount, rest


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


# names -----------------------------------------------------------------------------------------

def _name(description: str) -> tuple[str, bool]:
    """A readable item name and whether an abbreviation was expanded."""
    words: list[str] = []
    expanded = after_code = False
    for raw in description.split():
        word = raw.strip(".,:;*~_=+-/\\|!?()[]{}<>\"'`@$").lower()
        if not word or not re.search(r"[a-z0-9]", word):
            continue
        if _is_code(word):
            after_code = True
            if words and len(words[-1]) == 1:
                words.pop()  # "E 512345 KS FLOUR": a flag printed before the code
            continue  # item code / UPC / PLU
        if after_code and len(word) == 1:
            continue  # "GV FLOUR 007874201512 F": the flag printed after the code
        after_code = False
        word = re.sub(r"(?<=[a-z])ii(?=[a-z])", "ü", word)  # "Haselniisse": an ü read as two i's
        misread = word.replace("i", "l").replace("1", "l").replace("0", "o")  # "FIR" is FLR
        if word in ABBREVIATIONS or (not word.isdigit() and misread in ABBREVIATIONS):
            word, expanded = ABBREVIATIONS.get(word) or ABBREVIATIONS[misread], True
        words.append(word)
    return " ".join(words), expanded


def _is_code(word: str) -> bool:
    """An item code, UPC or PLU: five or more digits, perhaps with a letter or two stuck on ("4011KF")."""
    return re.fullmatch(r"\d{5,}[a-z]{0,2}", word) is not None


def _codes(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.,])\d{5,}(?![\d.,])", text))


def _has_name(description: str) -> bool:
    return re.search(r"[A-Za-z]{2}", description) is not None


# header ----------------------------------------------------------------------------------------

def _known_store(line: str) -> str | None:
    """A known chain that begins the line ("WHOLE FOODS MARKET", "WELCOME TO SAFEWAY"); a chain's name after other
    words is part of another shop's name ("GREEN VALLEY CO-OP")."""
    text = " " + re.sub(r"[^a-z0-9' ]+", " ", line.lower().replace("0", "o")) + " "
    text = re.sub(r"^ (?:welcome to |the )?", " ", re.sub(r"\s+", " ", text))
    for key in sorted(STORES, key=len, reverse=True):
        if len(key) >= 4 and text.startswith(f" {key} "):
            return STORES[key]
    return None


def _read_store(header: list[str]) -> tuple[str | None, float]:
    for line in header[:6]:
        known = _known_store(line)
        if known is not None:
            return known, SAID
    for line in header[:4]:
        text = re.sub(r"(?i)^\s*welcome\s+to\s+", "", line).strip(" *-=~#.")
        letters = sum(c.isalpha() for c in text)
        visible = sum(not c.isspace() for c in text)
        if letters < 3 or letters < 0.6 * visible or _HEADER_SKIP.search(text) or _find_date(text, None):
            continue
        if re.match(r"^\d", text):
            continue  # a street address
        text = re.sub(r"\s*(#\s*\d+|store\s*\d+|no\.?\s*\d+)\s*$", "", text, flags=re.IGNORECASE)
        words = text.split()
        while words and _specks(words[0]):
            words.pop(0)  # OCR specks around a logo line: "a FLOUR & SONS |"
        while words and _specks(words[-1]):
            words.pop()
        words = [w if any(c.islower() for c in w) else w.capitalize() for w in words]
        return " ".join(words), DERIVED
    return None, MISSING


def _specks(word: str) -> bool:
    return not re.search(r"[A-Z0-9]", word) and (len(word) <= 2 or not re.search(r"[a-z]", word))


def _year(text: str) -> int:
    digits = text.lstrip("'")
    value = int(digits)
    return 2000 + value if len(digits) == 2 else value


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _find_date(line: str, today: dt.date | None, *, day_first_here: bool = False) -> dt.date | None:
    """The date on a line. `day_first_here`: the receipt is British or continental (pounds, euros, VAT), so
    "05/04/26" is the 5th of April; otherwise the month comes first unless the numbers say otherwise."""
    text = _DATEISH.sub(lambda m: m.group(0).translate(_CONFUSIONS), line)
    found: dt.date | None = None
    if (m := _DATE_ISO.search(text)) is not None:
        found = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if found is None and (m := _DATE_NUMERIC.search(text)) is not None:
        a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), _year(m.group(4))
        day_first = sep == "." or a > 12 or day_first_here
        if b > 12:
            day_first = False
        found = _make_date(year, b, a) if day_first else _make_date(year, a, b)
    if found is None and (m := _DATE_MONTH_FIRST.search(text)) is not None:
        found = _make_date(_year(m.group(3)), _MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
    if found is None and (m := _DATE_DAY_FIRST.search(text)) is not None:
        found = _make_date(int(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
    if found is None or found.year < 2000:
        return None
    if today is not None and found.year > today.year + 1:
        return None
    return found


# lines -----------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Draft:
    raw: str
    price: Decimal | None  # None: the price could not be read (worked out at the end, or dropped)
    price_confidence: float
    amount: _Amount
    rest: str  # the description with the quantity facts cut out: the item name
    discounted: bool = False


@dataclass(slots=True)
class _State:
    today: dt.date
    drafts: list[_Draft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    in_body: bool = False
    done: bool = False
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    item_count: int | None = None
    name_line: str | None = None  # the line just above, when it had no price (a two-line item)
    name_in_body: bool = False
    pending: _Amount | None = None  # a quantity line waiting for its item
    pending_raw: str = ""
    pending_above: _Draft | None = None  # the item above a waiting quantity line, which it did not fit as read
    price_from_totals: bool = False  # one price was worked out from the subtotal: the total proves nothing
    loose_discounts: list[tuple[_Draft, str, Decimal]] = field(default_factory=list)  # too large to apply


# specks OCR reads beyond a line's last word ("7.99N >", "1,98 B |"): never part of a price or a name
_TRAILING_SPECKS = re.compile(r"(?:\s+[>|<'\"`~_»«!]+)+$")


def read_receipt_text(text: str, today: dt.date) -> ReceiptReading:
    """Read OCR text of a receipt into purchase lines, totals and notes for the baker."""
    state = _State(today)
    for raw in text.splitlines():
        line = _TRAILING_SPECKS.sub("", " ".join(raw.replace("\t", " ").split()))
        if line:
            _read_line(state, line)
    if state.name_line is not None and state.name_in_body and not state.done:
        _unpriced(state, state.name_line)
    if state.pending is not None and not _pending_fits_above(state):
        state.notes.append(f"line {state.pending_raw!r}: a quantity with no item it fits")
    store, store_confidence = _read_store(state.header)
    purchased_on = _date_of(state, text)
    _price_unreadable_lines(state)
    for draft in state.drafts:
        _repair_a_misread_weight(state, draft)
    _repair_a_misread_digit(state)
    lines = [_finish(d, d.price, state.notes) for d in state.drafts if d.price is not None]
    checked = _check_totals(state, lines)
    if not lines:
        state.notes.append("no item lines were read from the receipt")
    if store is None:
        state.notes.append("store: not found on the receipt")
    return ReceiptReading(store, purchased_on, lines, state.subtotal, state.tax, state.total, checked,
                          state.notes, store_confidence)


# what marks a receipt from a country that writes the day first: pounds, euros, VAT and its continental names
_DAY_FIRST_MARKS = re.compile(r"[£€]|\b(?:EUR|GBP|VAT|MwSt|MWST|TVA|BTW|USt)\b")


def _date_of(state: _State, text: str) -> dt.date | None:
    day_first = _DAY_FIRST_MARKS.search(text) is not None
    for line in text.splitlines():
        found = _find_date(line, state.today, day_first_here=day_first)
        if found is not None:
            if found > state.today + dt.timedelta(days=1):
                state.notes.append(f"date {found.isoformat()} is after today; check it")
            return found
    state.notes.append("purchase date: not found on the receipt")
    return None


def _read_line(state: _State, line: str) -> None:
    previous, previous_in_body = state.name_line, state.name_in_body
    state.name_line = None
    if state.done:
        _item_count(state, line)  # "ITEMS SOLD 9" usually follows the total
        return
    price = _price_at_end(line)
    before = len(state.drafts)
    used = (_text_line(state, line, previous, previous_in_body) if price is None
            else _priced_line(state, line, price, previous, previous_in_body))
    if previous is not None and not used and previous_in_body:
        _unpriced(state, previous, at=before)


def _remember_name(state: _State, line: str) -> None:
    state.name_line, state.name_in_body = line, state.in_body


def _text_line(state: _State, line: str, previous: str | None, previous_in_body: bool = True) -> bool:
    """A line without a price: header, an item name above its price, a quantity line, or noise."""
    words = _keywords(line)
    if _item_count(state, line):
        return False
    amount, rest = _read_amount(line)
    if (amount.weight is not None or amount.unit_price is not None) and _has_name(rest):
        state.in_body = True  # "GALA APPLES 1.77 lb @ 1.99/lb 3?5)": an item whose price is unreadable
        _unpriced(state, line)
        return False
    if (amount.weight is not None or amount.unit_price is not None) and not _has_name(rest):
        _quantity_line(state, line, amount)
        if previous is not None:
            _remember_name(state, previous)  # "BANANAS" / "2.14 lb @ 0.59/lb" / "1.26"
            # a header line above "2 x 0,89" (the item follows it) is no item of its own
            state.name_in_body = previous_in_body or state.pending is None
            return True
        return False
    if not state.in_body:
        state.header.append(line)
        if _has_name(line) and not words and not _HEADER_SKIP.search(line) and _find_date(line, None) is None:
            _remember_name(state, line)
        return False
    if _has_name(line) and not words & (_PAYMENT | _TOTAL | _SUBTOTAL | _TAX | _SUMMARY):
        _remember_name(state, line)
    elif _priceish(line):
        state.notes.append(f"line {line!r} unreadable; not read as a purchase")
    return False


def _item_count(state: _State, line: str) -> bool:
    count = _ITEM_COUNT.search(line)
    if count is None or "ITEMS" not in _keywords(line):
        return False
    state.item_count = int(count.group(1))
    return True


def _quantity_line(state: _State, line: str, amount: _Amount) -> None:
    """ "2 @ 4.99" or "2.14 lb @ 0.59/lb" on its own: for the item above if it fits, else the next one."""
    state.in_body = True
    last = state.drafts[-1] if state.drafts else None
    if (
        last is not None and last.price is not None and last.amount.count is None and last.amount.weight is None
        and _fits(amount, last.price)
    ):
        _merge_amount(last.amount, amount)
        last.raw = f"{last.raw} / {line}"
        return
    if state.pending is not None and not _pending_fits_above(state):
        state.notes.append(f"line {state.pending_raw!r}: a quantity with no item it fits")
    state.pending, state.pending_raw = amount, line
    open_above = last is not None and last.amount.count is None and last.amount.weight is None
    state.pending_above = last if open_above else None


def _repaired_unit_price(amount: _Amount, price: Decimal) -> Decimal | None:
    """ "3 x 6,59" under a line of 1,77: the unit price with one digit read as another it is often confused with,
    when exactly one such reading makes count x unit price the line price."""
    if amount.count is None or amount.unit_price is None or amount.count <= 0:
        return None
    fits = {v for v in _digit_variants(amount.unit_price) if _cents(amount.count * v) == price}
    return fits.pop() if len(fits) == 1 else None


def _repair_unit_price(state: _State, amount: _Amount, raw: str, price: Decimal) -> bool:
    repaired = _repaired_unit_price(amount, price)
    if repaired is None:
        return False
    state.notes.append(f"line {raw!r}: unit price read as {amount.unit_price}; {repaired} (one digit read "
                       f"differently) makes the line price {price}. Check it")
    amount.unit_price = repaired
    return True


def _pending_fits_above(state: _State) -> bool:
    """A waiting quantity line that fits the item above it once one digit of its unit price is read differently
    goes to that item (flagged); True when it did."""
    above, pending = state.pending_above, state.pending
    if (pending is None or above is None or above.price is None or above.discounted or above.amount.count is not None
            or above.amount.weight is not None or above not in state.drafts):
        return False
    if not _repair_unit_price(state, pending, state.pending_raw, above.price):
        return False
    _merge_amount(above.amount, pending)
    above.raw = f"{above.raw} / {state.pending_raw}"
    state.pending, state.pending_above = None, None
    return True


def _merge_amount(into: _Amount, extra: _Amount) -> None:
    if into.count is None and into.weight is None:
        into.count, into.unit_price = extra.count, extra.unit_price
        into.weight, into.weight_unit, into.weight_price = extra.weight, extra.weight_unit, extra.weight_price
    if into.size is None and extra.size is not None:
        into.size, into.size_unit = extra.size, extra.size_unit


def _priceish(line: str) -> bool:
    """Whether a line ends like a price that could not be read ("3.4", "4.9?", "-5", "4 99")."""
    parts = line.split()
    if len(parts) >= 2 and re.fullmatch(r"[A-Z*]", parts[-1]):
        parts = parts[:-1]
    if len(parts) < 2:
        return False
    last = parts[-1]
    if re.search(r"\d", last) and re.search(r"[.,$?\-]", last):
        return True
    return re.fullmatch(r"\d{1,4}", parts[-2]) is not None and re.fullmatch(r"\d{2}", last) is not None


def _unpriced(state: _State, line: str, *, at: int | None = None) -> None:
    """A line in the item list with words but no readable price: an item whose price was lost."""
    if _keywords(line) or not re.search(r"[A-Za-z]{3}", line):
        if _priceish(line):
            state.notes.append(f"line {line!r} unreadable; not read as a purchase")
        return
    amount, rest = _read_amount(_without_price_remains(line))
    state.drafts.insert(len(state.drafts) if at is None else at, _Draft(line, None, MISSING, amount, rest))


def _without_price_remains(line: str) -> str:
    """ "XYZ FROSTING 3.4O?" -> "XYZ FROSTING": the unreadable price is not part of the name."""
    parts = line.split()
    capitals = sum(p.isupper() for p in parts) > len(parts) / 2
    while len(parts) > 1 and (re.fullmatch(r"[A-Z*]", parts[-1]) or _priceish(" ".join(parts[-2:]))
                              or (capitals and len(parts[-1]) <= 3 and not parts[-1].isupper())
                              or (capitals and re.search(r"[a-z][A-Z]", parts[-1]) is not None)):
        if capitals and (len(parts[-1]) <= 3 or re.search(r"[a-z][A-Z]", parts[-1])) and re.search(r"[a-z]", parts[-1]):
            parts.pop()  # "BAKING SODA 1LB LoL", "EGGS LARGE DOZ eWmeSe)": the misread price of a capitals line
            continue
        if re.search(r"[A-Za-z]{3}", parts[-1]) or re.fullmatch(r"\d+(?:\.\d+)?[A-Za-z#]+", parts[-1]):
            break  # a word or a size ("5LB") ends the name
        parts.pop()
    return " ".join(parts)


# digits OCR takes for one another in receipt fonts (a dotted or slashed zero reads as 6 or 8)
_DIGIT_CONFUSIONS: dict[str, str] = {"0": "689", "6": "058", "8": "0369", "9": "08", "3": "85", "5": "63", "1": "7",
                                     "7": "1"}


def _digit_variants(value: Decimal) -> list[Decimal]:
    """The value with one digit read as another it is often confused with."""
    printed = f"{value}"
    out: list[Decimal] = []
    for k, digit in enumerate(printed):
        for other in _DIGIT_CONFUSIONS.get(digit, ""):
            candidate = Decimal(printed[:k] + other + printed[k + 1:])
            if candidate > 0:
                out.append(candidate)
    return out


def _repair_a_misread_weight(state: _State, draft: _Draft) -> None:
    """ "3.63 lb @ 0.59/lb 1.79": when weight x price per unit does not make the line price and exactly one
    digit of the weight, read as a digit it is often confused with, makes it, that weight is taken (flagged)."""
    amount = draft.amount
    if (draft.price is None or draft.discounted or amount.weight is None or amount.weight_price is None
            or _cents(amount.weight * amount.weight_price) == draft.price):
        return
    price = draft.price
    weights = [w for w in _digit_variants(amount.weight) if _cents(w * amount.weight_price) == price]
    if len(weights) != 1:
        return
    state.notes.append(f"line {draft.raw!r}: weight read as {amount.weight}; {weights[0]} (one digit read "
                       f"differently) makes the line price {price}. Check it")
    amount.weight = weights[0]
    draft.price_confidence = min(draft.price_confidence, VAGUE)


def _repair_a_misread_digit(state: _State) -> None:
    """When the lines do not add up to the receipt's subtotal (or total less tax) and exactly one way of reading
    one digit of one price differently makes them, that reading is taken, flagged, and the total proves nothing.
    A line's own "2 x 0,89" or weight breaks a tie: the repair must agree with it."""
    drafts = [d for d in state.drafts if d.price is not None]
    target = state.subtotal
    if target is None and state.total is not None:
        target = state.total - (state.tax or Decimal(0))
    if target is None or not drafts or state.price_from_totals:
        return
    gap = target - sum((d.price for d in drafts if d.price is not None), Decimal(0))
    if gap == 0:
        return
    found: list[tuple[_Draft, Decimal]] = []
    for draft in drafts:
        if draft.price is None or draft.discounted:
            continue
        expected = _expected_price(draft.amount)
        if expected is not None and expected == draft.price:
            continue  # the line agrees with its own quantity: not the misread one
        printed = f"{draft.price:.2f}"
        for k, digit in enumerate(printed):
            for other in _DIGIT_CONFUSIONS.get(digit, ""):
                candidate = Decimal(printed[:k] + other + printed[k + 1:])
                if candidate > 0 and candidate - draft.price == gap and (expected is None or expected == candidate):
                    found.append((draft, candidate))
    if len({id(draft) for draft, _ in found}) != 1 or len(found) != 1:
        return
    draft, candidate = found[0]
    state.notes.append(f"line {draft.raw!r}: price read as {draft.price}; {candidate} (one digit read differently) "
                       "makes the lines add up to the receipt's subtotal. Check it")
    draft.price, draft.price_confidence = candidate, VAGUE
    state.price_from_totals = True


def _settle_discounts(state: _State, items_total: Decimal | None, known: Decimal) -> None:
    """A discount larger than its item is an OCR misread ("-8.50" for "-0.50"): when exactly one is left
    and the subtotal says what it must have been, that is applied, flagged; otherwise it is noted."""
    loose = state.loose_discounts
    if len(loose) == 1 and items_total is not None:
        draft, line, _off = loose[0]
        gap = known - items_total
        if draft.price is not None and 0 < gap < draft.price:
            draft.price -= gap
            draft.discounted, draft.price_confidence = True, VAGUE
            draft.raw = f"{draft.raw} / {line}"
            state.price_from_totals = True
            state.notes.append(f"line {line!r}: the discount is misread; {_cents(gap)} is what the receipt's "
                               "subtotal leaves for it. Check it")
            return
    for draft, line, off in loose:
        state.notes.append(f"line {line!r}: a discount of {off} is not less than the price of the item above "
                           f"({draft.price}); not applied")


def _price_unreadable_lines(state: _State) -> None:
    """Prices lost to OCR: from the line's own "2 @ 4.99" or weight, else (for one line) from the subtotal."""
    for draft in state.drafts:
        expected = _expected_price(draft.amount)
        if draft.price is None and expected is not None and expected > 0:
            draft.price, draft.price_confidence = expected, DERIVED
            state.notes.append(f"line {draft.raw!r}: price unreadable; {expected} worked out from "
                               f"{_describe(draft.amount)}")
    missing = [d for d in state.drafts if d.price is None]
    known = sum((d.price for d in state.drafts if d.price is not None), Decimal(0))
    items_total = state.subtotal
    if items_total is None and state.total is not None:
        items_total = state.total - (state.tax or Decimal(0))
    _settle_discounts(state, items_total if not missing else None, known)
    if len(missing) == 1 and items_total is not None and items_total - known > 0:
        draft = missing[0]
        draft.price, draft.price_confidence = items_total - known, VAGUE
        state.price_from_totals = True
        state.notes.append(f"line {draft.raw!r}: price unreadable; {_cents(draft.price)} is what the receipt's "
                           "subtotal leaves for it. Check it")
        return
    for draft in missing:
        state.notes.append(f"line {draft.raw!r} unreadable: it looks like an item but its price cannot be read")


def _fits(amount: _Amount, price: Decimal) -> bool:
    expected = _expected_price(amount)
    return expected is not None and abs(expected - price) <= TOLERANCE


def _expected_price(amount: _Amount) -> Decimal | None:
    if amount.weight is not None and amount.weight_price is not None:
        return _cents(amount.weight * amount.weight_price)
    if amount.count is not None and amount.unit_price is not None:
        return _cents(amount.count * amount.unit_price)
    return None


def _priced_line(state: _State, line: str, price: _Price, previous: str | None,
                 previous_in_body: bool = True) -> bool:
    words = _keywords(line[: price.start])
    if words and _summary_line(state, price, words):
        return False
    if price.amount < 0 or words & _DISCOUNT:
        _discount(state, line, price, words)
        return False
    state.in_body = True
    if price.amount == 0:
        state.notes.append(f"line {line!r}: price 0.00, not read as a purchase")
        return False
    description = line[: price.start]
    amount, rest = _read_amount(description)
    dangling = _DANGLING_COUNT.search(rest) if amount.count is None and amount.weight is None else None
    if dangling is not None:
        # "CHOC CHIPS 2 x 3.29" / "2 @ 4.99": the price is per item
        amount.count, amount.unit_price = Decimal(dangling.group("count")), price.amount
        rest = _blank(rest, [dangling.span()])
        if not _has_name(rest):
            _quantity_line(state, line, amount)
            if previous is not None:
                _remember_name(state, previous)
                state.name_in_body = previous_in_body or state.pending is None  # a header line is no item
                return True
            return False
        _add_item(state, line, price, amount, rest, total=_cents(amount.count * price.amount))
        return False
    if _has_name(rest):
        _add_item(state, line, price, amount, rest)
        return False
    if previous is not None:
        # a two-line item: the name above, the quantity and price here
        pending = f"{state.pending_raw} " if state.pending is not None else ""
        state.pending = None
        combined = f"{previous} {pending}{description}"
        amount, rest = _read_amount(combined)
        _add_item(state, f"{previous} / {pending}{line}", price, amount, rest)
        return True
    last = state.drafts[-1] if state.drafts else None
    if last is not None and not amount.empty and last.price == price.amount and _fits(amount, price.amount):
        _merge_amount(last.amount, amount)  # the item's quantity line repeats its price
        last.raw = f"{last.raw} / {line}"
        return False
    state.notes.append(f"line {line!r}: a price with no item name; not read as a purchase")
    return False


def _summary_line(state: _State, price: _Price, words: set[str]) -> bool:
    """SUBTOTAL, TAX, TOTAL, payment and savings lines: read what matters; True when handled."""
    if words & _SUBTOTAL:
        state.subtotal = price.amount
    elif words & _TAX and not words & (_SUMMARY | _PAYMENT):
        state.tax = (state.tax or Decimal(0)) + price.amount
    elif words & _TOTAL and not words & (_SUMMARY | _PAYMENT):
        state.total, state.done = price.amount, True
    elif words & _SUMMARY and price.amount < 0 and not words & _TOTAL:
        return False  # "INSTANT SAVINGS -1.00": a discount
    elif not words & (_PAYMENT | _SUMMARY):
        return False  # only discount words: a discount
    state.in_body = state.in_body or bool(state.drafts)
    return True


def _discount(state: _State, line: str, price: _Price, words: set[str]) -> None:
    state.in_body = True
    off = abs(price.amount)
    if not state.drafts:
        state.notes.append(f"line {line!r}: a discount of {off} with no item above it; not applied")
        return
    codes = _codes(line)
    last = next((d for d in reversed(state.drafts) if codes & _codes(d.raw)), state.drafts[-1])
    if last.price is None or off >= last.price:
        state.loose_discounts.append((last, line, off))  # settled against the subtotal at the end
        return
    last.price -= off
    last.discounted = True
    last.price_confidence = min(last.price_confidence, DERIVED)
    last.raw = f"{last.raw} / {line}"
    if not words & (_DISCOUNT | _SUMMARY):
        state.notes.append(f"line {line!r}: read as a discount of {off} on {_name(last.rest)[0] or 'the item above'}")


def _add_item(state: _State, raw: str, price: _Price, amount: _Amount, rest: str,
              *, total: Decimal | None = None) -> None:
    state.in_body = True
    line_price = total if total is not None else price.amount
    if state.pending is not None and not _fits(state.pending, line_price):
        _pending_fits_above(state)  # misread, and the item above is the one it fits: it goes there
    if state.pending is not None:
        if amount.count is None and amount.weight is None:
            if not _fits(state.pending, line_price):
                _repair_unit_price(state, state.pending, state.pending_raw, line_price)
            _merge_amount(amount, state.pending)
            raw = f"{state.pending_raw} / {raw}"
        else:
            state.notes.append(f"line {state.pending_raw!r}: a quantity with no item it fits")
        state.pending = None
    confidence = DERIVED if price.repaired or total is not None else SAID
    state.drafts.append(_Draft(raw, total if total is not None else price.amount, confidence, amount, rest))


def _finish(draft: _Draft, price: Decimal, notes: list[str]) -> ReceiptLine:
    """Quantity, unit, packages and confidence for one item; notes for what does not add up."""
    amount = draft.amount
    name, expanded = _name(draft.rest)
    conf: dict[str, float] = {"item_name": DERIVED if expanded else SAID, "price": draft.price_confidence}
    packages: Decimal | None = None
    size: Decimal | None = None
    count = amount.count if amount.count is not None and amount.count > 0 else None
    if amount.weight is not None and amount.weight > 0:
        quantity, unit = amount.weight, amount.weight_unit or "LBR"
        conf.update(quantity=SAID, unit=SAID)
    elif amount.size is not None and amount.size_unit is not None:
        packages = count or Decimal(1)
        size = amount.size
        quantity, unit = packages * size, amount.size_unit
        conf.update(quantity=DERIVED if count and count != 1 else SAID, unit=SAID,
                    packages=SAID if count else DERIVED, package_size=SAID)
    else:
        quantity, unit = count or Decimal(1), COUNT
        conf.update(quantity=SAID if count else DERIVED, unit=VAGUE)
    expected = _expected_price(amount)
    if expected is not None and not draft.discounted and abs(expected - price) > TOLERANCE:
        notes.append(f"{name or 'item'}: {_describe(amount)} makes {expected}, but the line says {price}")
        conf["price"] = min(conf["price"], VAGUE)
        conf["quantity"] = min(conf["quantity"], VAGUE)
    if not name:
        conf["item_name"] = MISSING
        notes.append(f"line {draft.raw!r}: no item name")
    if conf["price"] == DERIVED and expected is None and not draft.discounted:
        notes.append(f"{name or 'item'}: price {_cents(price)} was read through OCR repairs; check it")
    return ReceiptLine(name, _plain(quantity), unit, _cents(price), _plain_or_none(packages),
                       _plain_or_none(size), draft.raw, conf)


def _describe(amount: _Amount) -> str:
    if amount.weight is not None and amount.weight_price is not None:
        unit = UNITS[amount.weight_unit or "LBR"].symbol
        return f"{amount.weight} {unit} at {amount.weight_price}/{unit}"
    return f"{amount.count} at {amount.unit_price} each"


def _plain(value: Decimal) -> Decimal:
    """2.500 -> 2.5, 8.0 -> 8 (no exponent)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _plain_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else _plain(value)


def _check_totals(state: _State, lines: list[ReceiptLine]) -> bool:
    items = sum((line.price for line in lines), Decimal(0))
    tax = state.tax or Decimal(0)
    if state.subtotal is not None and lines and abs(items - state.subtotal) > TOLERANCE:
        state.notes.append(f"lines add up to {_cents(items)} but the receipt subtotal is {state.subtotal}")
    if state.item_count is not None and lines:
        counted = sum((line.packages or (line.quantity if line.unit == COUNT else Decimal(1)) for line in lines),
                      Decimal(0))
        if state.item_count not in (len(lines), int(counted)):
            state.notes.append(f"the receipt counts {state.item_count} items but {len(lines)} lines were read")
    if state.total is None:
        state.notes.append("total: not found on the receipt")
        return False
    if not lines:
        return False
    if abs(items + tax - state.total) <= TOLERANCE:
        return not state.price_from_totals
    with_tax = f" plus tax {_cents(tax)}" if state.tax is not None else ""
    state.notes.append(f"lines add up to {_cents(items)}{with_tax} but the receipt total is {state.total}")
    return False
