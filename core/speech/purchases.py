"""Spoken purchases -> `add_purchase` operations.

"I bought two pounds of flour at Costco for $8", "two 5 lb bags of King Arthur
flour, $4.99 each", "two pounds of butter and a dozen eggs at Costco for $14".
Quantity and unit are the total bought; price is the total paid for the line.
See docs/speech-grammar.md for how a price said once for several items is handled.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.measures.units import UNITS, Dimension, convert
from core.speech.events import MONTHS, ORDINALS, WEEKDAYS
from core.speech.names import BRANDS, FLUID_OUNCE_PAIRS, MEASURE_UNITS, OTHER_CONTAINERS, PACKAGE_UNITS, STORES
from core.speech.numbers import ONE, TWELVE, Token, merge_numbers, said_dozen, tokenize, words
from core.speech.operations import DERIVED, GUESSED, MISSING, SAID, Operation
from core.speech.understood import VAGUE_NAMES, guessed_name

CENT = Decimal("0.01")
_KNOWN_STORES = frozenset(STORES.values())
_BUY_VERBS = ("bought", "got", "purchased", "grabbed", "ordered", "picked", "buy", "order", "with")
_COMPOUND_UNITS = frozenset({("LBR", "ONZ"), ("KGM", "GRM"), ("LTR", "MLT")})
_SIZE_WORDS = words("big large small little huge giant medium jumbo mini bulk family")
COUNT = "H87"

_PRICE_INTRO = words(
    "for at paid pay spent cost costs was were is it that which came to total of a just only about around "
    "all they those these are"
)
_TOTAL_AFTER = (
    ("in", "total"), ("total",), ("altogether",), ("all", "together"), ("all", "in"), ("for", "everything"),
    ("for", "all", "of", "it"), ("for", "all", "of", "them"), ("for", "all"), ("for", "both"),
    ("for", "the", "lot"), ("all", "told"),
)
_EACH_AFTER = (("each",), ("apiece",), ("ea",), ("a", "piece"), ("per", "piece"), ("a", "pop"), ("for", "each"),
               ("per", "item"), ("a", "unit"), ("per", "unit"))
_PER_WORDS = frozenset({"a", "an", "per", "/", "every", "the"})
_STORE_PREPS = frozenset({"at", "from", "on"})
_STORE_STOP = words(
    "for and paid today yesterday this last on i we then so but which that it its it's was were "
    "today's spent cost costs with a an some like got bought picked grabbed"
)
_LEAD_FILLERS = words(
    "i we i've we've i'm just also bought buy got get picked up purchased purchase grabbed ordered added add "
    "log record have so okay ok um uh and then today yesterday plus another more some the please to need needed "
    "order want wanna had has those these "
    "went shopping did for on"
)
_TRAIL_FILLERS = words("too also today yesterday please this morning as well for the bakery")
_SPLIT_WORDS = frozenset({"and", "plus", "also", "then", "&"})
_SEGMENT_PUNCT = frozenset({",", ";", ":", ".", "!", "?", "+", "(", ")"})


@dataclass(slots=True)
class Money:
    amount: Decimal
    per: str | None = None  # None: a total; "each"; or a unit code ("LBR", "BG")
    explicit_total: bool = False  # "in total", "altogether", "a total of"
    after_verb: bool = False  # "milk was 3.29": said as what something cost
    guessed: bool = False  # read from bare words with nothing saying it is a price ("eggs four twenty nine")
    at: bool = False  # said after "at" ("4 blocks at 1,49"): a price for each of several, as a rule


@dataclass(slots=True)
class Segment:
    tokens: list[Token] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)


@dataclass(slots=True)
class ItemLine:
    name: str
    brand: str | None
    quantity: Decimal | None
    unit: str | None
    packages: Decimal | None = None
    package_size: Decimal | None = None
    package_unit: str | None = None
    package_type: str | None = None
    money: list[Money] = field(default_factory=list)
    price: Decimal | None = None
    price_confidence: float = MISSING
    quantity_guessed: bool = False  # the count was heard as "for"/"to" ("bought for bags")
    dozens: Decimal | None = None  # "two dozen": 2


def _money_token(k: int) -> Token:
    return Token("money", f"money{k}", f"money{k}", Decimal(k))


def _is_unitish(tok: Token | None) -> bool:
    return tok is not None and tok.kind == "word" and (tok.text in MEASURE_UNITS or tok.text in PACKAGE_UNITS)


def _match(tokens: list[Token], i: int, words: tuple[str, ...]) -> bool:
    if i + len(words) > len(tokens):
        return False
    return all(tokens[i + k].text == w and tokens[i + k].kind in ("word", "punct") for k, w in enumerate(words))


_STERLING = frozenset({"pound", "pounds", "quid"})
_PRICE_VERBS = frozenset({"for", "paid", "pay", "cost", "costs", "spent", "at"})  # not "is": "the flour is 5 pounds"
# what may follow a price said in bare words ("three forty nine", "two fifty each")
_AFTER_PRICE = words("each apiece ea a an per for at from in total altogether all and on yesterday today "
                     "this last plus then so but total")
_SLANG = {"fiver": Decimal(5), "tenner": Decimal(10)}


def _said_in_words(tok: Token) -> bool:
    return tok.kind == "num" and re.search(r"[a-z]", tok.text) is not None and "dozen" not in tok.text


def _cents_at(tokens: list[Token], j: int) -> bool:
    """A whole number 1..99 at j that is not itself an amount of something ("a pound twenty", not "2 pounds 8 oz")."""
    v = tokens[j].value if j < len(tokens) else None
    if v is None or tokens[j].kind != "num" or tokens[j].ordinal:
        return False
    if not (0 < v < 100 and v == v.to_integral_value()) or "." in tokens[j].text or "/" in tokens[j].text:
        return False
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    return not (_is_unitish(nxt) and not (nxt is not None and nxt.is_word("each", "ea"))) and not (
        nxt is not None and (nxt.is_word("of", "percent", "dozen") or nxt.text == "%" or nxt.kind == "num")
    )


def _clause_has_amount(out: list[Token]) -> bool:
    """Whether the clause read so far already says an amount with a unit ("a 38 ml bottle of …")."""
    for k in range(len(out) - 1, 0, -1):
        if out[k].kind == "punct" or out[k].kind == "money" or out[k].is_word("and", "plus"):
            return False
        if out[k - 1].kind == "num" and out[k].kind == "word" and out[k].text in MEASURE_UNITS:
            return True  # a measure ("38 ml"), not a package count ("2 bags of flour 25 pounds each" is weight)
    return False


def _spoken_price(tokens: list[Token], i: int, out: list[Token]) -> tuple[Decimal, int, bool] | None:
    """Prices said the way people say them: "four pounds twenty", "a pound fifteen", "for 4 pounds", "89p" is
    elsewhere; "a fiver"; "three forty nine" / "eleven ninety nine" (dollars and cents in bare words).
    (amount, index after, whether it is a guess: nothing but the words' shape says it is a price)."""
    n = len(tokens)
    t = tokens[i]
    dollars = any(x.text == "$" or x.is_word("dollar", "dollars", "bucks", "buck", "cents") for x in tokens)
    if t.is_word(*_SLANG):
        return _SLANG[t.text], i + 1, False
    if t.is_word("a", "an") and i + 1 < n and tokens[i + 1].is_word(*_SLANG):
        return _SLANG[tokens[i + 1].text], i + 2, False
    qty: Decimal | None = None
    if t.kind == "num" and t.value is not None and not t.ordinal:
        qty = t.value
    elif t.is_word("a", "an"):
        qty = ONE
    if qty is not None and i + 1 < n and tokens[i + 1].is_word(*_STERLING) and not dollars:
        j = i + 2
        if _cents_at(tokens, j):  # "four pounds twenty", "a pound fifteen", "4 pounds 20"
            return qty + tokens[j].number / 100, j + 1, False
        after = tokens[j] if j < n else None
        bare_end = after is None or after.kind == "punct" or after.is_word(*_AFTER_PRICE)
        if after is not None and (after.is_word("of") or after.kind == "num" or (
                _is_unitish(after) and not after.is_word("each", "ea"))):
            return None
        if tokens[i + 1].text == "quid":
            return qty, j, False
        intro = bool(out) and out[-1].kind == "word" and out[-1].text in _PRICE_VERBS and (
            not t.is_word("a", "an") or (after is not None and after.is_word("each", "apiece", "ea")))
        if bare_end and (intro or _clause_has_amount(out)):
            return qty, j, not intro  # "for 4 pounds", "a 38 ml bottle of vanilla three pounds"
        return None
    digit = tokens[i + 2].value if i + 2 < n and _said_in_words(tokens[i + 2]) else None
    if (digit is not None and 0 < digit < 10 and _said_in_words(t) and qty is not None
            and qty == qty.to_integral_value() and 0 < qty < 1000 and tokens[i + 1].is_word("oh", "o")):
        # "four oh nine": 4.09
        after = tokens[i + 3] if i + 3 < n else None
        if after is None or after.kind == "punct" or (after.kind == "word" and after.text in _AFTER_PRICE):
            introduced = bool(out) and out[-1].kind == "word" and out[-1].text in _PRICE_INTRO
            return qty + digit / 100, i + 3, not introduced
    if _said_in_words(t) and i + 1 < n and _said_in_words(tokens[i + 1]) and qty is not None:
        cents = tokens[i + 1].value
        whole = qty == qty.to_integral_value() and 0 < qty < 1000
        if whole and cents is not None and 10 <= cents < 100 and cents == cents.to_integral_value():
            after = tokens[i + 2] if i + 2 < n else None
            if after is None or after.kind == "punct" or (after.kind == "word" and after.text in _AFTER_PRICE and (
                    not _is_unitish(after) or after.is_word("each", "ea"))):
                # "eggs at aldi four twenty nine": 4.29 is a guess unless "for"/"paid"/… says it is a price
                introduced = bool(out) and out[-1].kind == "word" and out[-1].text in _PRICE_INTRO
                qualified = after is not None and after.is_word("for", "each", "apiece", "ea", "a", "per")
                return qty + cents / 100, i + 2, not (introduced or qualified)
    return None


def extract_money(tokens: list[Token]) -> tuple[list[Token], list[Money]]:
    """Replace each price phrase by a `money` token; return the stream and the prices."""
    out: list[Token] = []
    found: list[Money] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        amount: Decimal | None = None
        j = i
        before_total = False
        spoken = _spoken_price(tokens, i, out)
        guessed = False
        if spoken is not None:
            amount, j, guessed = spoken
        elif t.kind == "punct" and t.text in ("$", "€", "£") and i + 1 < n and tokens[i + 1].kind == "num":
            amount, j = tokens[i + 1].number, i + 2
            if (j + 2 < n and tokens[j].is_word("and") and tokens[j + 1].kind == "num"
                    and tokens[j + 2].is_word("cents", "cent")):
                amount, j = amount + tokens[j + 1].number / 100, j + 3  # "$3 and 50 cents"
        elif t.kind == "num" and i + 1 < n and tokens[i + 1].is_word("dollars", "dollar", "bucks", "buck", "usd",
                                                                      "euros", "euro", "eur", "quid"):
            amount, j = t.value, i + 2
            if j < n and tokens[j].is_word("and") and j + 1 < n and tokens[j + 1].kind == "num":
                if j + 2 < n and tokens[j + 2].is_word("cents", "cent"):
                    amount, j = (amount or Decimal(0)) + (tokens[j + 1].number or Decimal(0)) / 100, j + 3
            elif _cents_at(tokens, j) and not said_dozen(tokens[j]):
                amount, j = (amount or Decimal(0)) + tokens[j].number / 100, j + 1
                if j < n and tokens[j].is_word("cents", "cent"):
                    j += 1
        elif t.is_word("a", "an", "one") and i + 1 < n and tokens[i + 1].is_word("dollar", "buck", "euro", "quid"):
            amount, j = Decimal(1), i + 2
            if _cents_at(tokens, j):  # "a dollar fifty", "one euro twenty"
                amount, j = amount + tokens[j].number / 100, j + 1
                if j < n and tokens[j].is_word("cents", "cent"):
                    j += 1
        elif (t.kind == "num" and i + 1 < n and tokens[i + 1].text in ("€", "£", "$") and tokens[i + 1].kind == "punct"
              and not (i + 2 < n and tokens[i + 2].kind == "num")):
            amount, j = t.value, i + 2  # "3,50 €" (but "5 dozen $14.49": the sign belongs to the next number)
        elif (
            t.kind == "num" and re.fullmatch(r"\d+\.\d\d", t.text) is not None and not t.ordinal
            and (not _is_unitish(tokens[i + 1] if i + 1 < n else None)
                 or tokens[i + 1].is_word("each", "ea", "apiece"))
        ):
            # "3.49 a dozen", ", 4.99": a two-decimal amount is money
            amount, j = t.value, i + 1
        elif t.kind == "num" and i + 1 < n and tokens[i + 1].is_word("cents", "cent", "p", "pence", "pee"):
            amount, j = (t.value or Decimal(0)) / 100, i + 2
        elif t.kind == "num" and not t.ordinal and out and "/" not in t.text:
            prev = out[-1]
            nxt = tokens[i + 1] if i + 1 < n else None
            after_total = prev.is_word("of", "to") and len(out) >= 2 and out[-2].is_word("total", "came", "comes")
            priced_verb = prev.is_word("paid", "spent", "cost", "costs", "total", "was") or after_total
            if (prev.is_word("for", "at", "paid", "spent", "cost", "costs", "total", "was") or after_total) and not (
                _is_unitish(nxt) or (nxt is not None and nxt.text in ("%", "percent"))
            ):
                plain_end = nxt is None or nxt.kind == "punct" or nxt.is_word(
                    "each", "apiece", "total", "a", "an", "per", "and", "at", "from", "altogether", "in", "all", "on"
                )
                cents_next = (
                    nxt is not None and nxt.kind == "num" and nxt.value is not None and 10 <= nxt.value < 100
                    and "." not in nxt.text and t.value is not None and t.value < 100
                )
                if priced_verb or "." in t.text or plain_end or cents_next:
                    amount, j = t.value, i + 1
                    # "four ninety-nine"
                    if (
                        j < n and tokens[j].kind == "num" and tokens[j].number is not None
                        and 10 <= tokens[j].number < 100 and "." not in t.text and "." not in tokens[j].text
                    ):
                        amount, j = (amount or Decimal(0)) + tokens[j].number / 100, j + 1
        if amount is None:
            out.append(t)
            i += 1
            continue
        # intro words before the price: "for", "paid", "a total of", "came to"
        after_verb = False
        said_at = bool(out) and out[-1].is_word("at")  # "4 blocks at 1,49"
        while out and out[-1].kind == "word" and out[-1].text in _PRICE_INTRO:
            if out[-1].text in ("total", "all", "altogether", "spent"):
                before_total = True  # "spent $40 on …" is what everything cost
            after_verb = after_verb or out[-1].text in ("was", "were", "is", "cost", "costs")
            if out[-1].text == "a" and len(out) >= 2 and out[-2].text not in _PRICE_INTRO:
                break
            out.pop()
        money = Money(amount, explicit_total=before_total, after_verb=after_verb, guessed=guessed, at=said_at)
        # qualifiers after the price
        progressed = True
        while progressed:
            progressed = False
            for phrase in _TOTAL_AFTER:
                if _match(tokens, j, phrase):
                    money.explicit_total = True
                    j += len(phrase)
                    progressed = True
                    break
            for phrase in _EACH_AFTER:
                if _match(tokens, j, phrase):
                    money.per = "each"
                    j += len(phrase)
                    progressed = True
                    break
            if (
                j + 1 < n and tokens[j].text in _PER_WORDS and tokens[j].kind in ("word", "punct")
                and tokens[j + 1].kind == "word"
                and (_is_unitish(tokens[j + 1]) or tokens[j + 1].text in ("dozen", "doz"))
                and money.per is None
            ):
                word = tokens[j + 1].text
                money.per = "DZN" if word in ("dozen", "doz") else MEASURE_UNITS.get(word) or PACKAGE_UNITS[word]
                if money.per in ("H87",):
                    money.per = "each"
                j += 2
                progressed = True
            if (
                money.per is None and j < n and tokens[j].kind == "num"
                and tokens[j].text.lower() in ("a dozen", "one dozen", "an dozen")
            ):
                money.per, j, progressed = "DZN", j + 1, True  # "3.49 a dozen"
        names_store = j + 1 < n and (_known_at(tokens, j + 1, STORES) is not None
                                     or tokens[j + 1].is_word("amazon", "line"))
        if j < n and tokens[j].is_word("on") and not names_store:
            j += 1  # "spent $8 on flour" (but "$8 on Amazon" names the store)
        out.append(_money_token(len(found)))
        found.append(money)
        i = j
    return out, found


def _title(words: list[Token]) -> str:
    return " ".join(w.raw[:1].upper() + w.raw[1:] if w.raw.islower() else w.raw for w in words)


def extract_store(tokens: list[Token]) -> tuple[list[Token], str | None, bool]:
    """Remove "at Costco" / "from Trader Joe's"; return (stream, store, vague) where vague is "the store"."""
    out: list[Token] = []
    store: str | None = None
    vague = False
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if store is not None and t.is_word("from") and i + 2 < n and tokens[i + 1].is_word("the", "our", "a"):
            # "walnuts from the bulk bins": where in the store, not another store
            end = i + 2
            while end < n and tokens[end].kind == "word" and tokens[end].text not in _STORE_STOP and end - i < 5:
                end += 1
            i = end
            continue
        start_known = _known_at(tokens, i, STORES)
        gone_to = _known_at(tokens, i + 1, STORES) if t.is_word("to") else None
        if store is None and gone_to is not None and i > 0 and (
                tokens[i - 1].is_word("went", "go", "going", "drove", "ran", "popped", "stopped", "been")):
            store, i = gone_to  # "went to Aldi"
            continue
        if store is None and t.kind == "word" and (
            (t.text in _STORE_PREPS and i + 1 < n and tokens[i + 1].kind == "word")
            or (start_known is not None and (i == 0 or tokens[i - 1].kind in ("punct", "money"))
                and _store_lead_ok(tokens, i))
        ):
            j = i + 1 if t.text in _STORE_PREPS else i
            if t.text == "on" and _known_at(tokens, j, STORES) is None and not tokens[j].is_word("amazon", "line"):
                out.append(t)
                i += 1
                continue
            while j < n and tokens[j].is_word("the", "my", "our", "a"):
                j += 1
            known = _known_at(tokens, j, STORES)
            if known is not None:
                store, end = known
            else:
                end = j
                while end < n and tokens[end].kind == "word" and tokens[end].text not in _STORE_STOP and end - j < 4:
                    if tokens[end].text in _STORE_PREPS and _known_at(tokens, end + 1, STORES) is not None:
                        break  # "from the bulk bins at winco": the store is the one after "at"
                    end += 1
                words = tokens[j:end]
                if end < n and tokens[end].text in _STORE_PREPS and _known_at(tokens, end + 1, STORES) is not None:
                    i = end  # where in the store, then the store itself
                    continue
                if not words:
                    out.append(t)
                    i += 1
                    continue
                text = " ".join(w.text for w in words)
                if text in ("store", "grocery store", "grocery", "shop", "supermarket", "market", "line"):
                    vague = text != "line"
                    store = "Online" if text == "line" else None
                else:
                    store = _title(words)
            if end < n and tokens[end].is_word("run"):
                end += 1
            i = end
            continue
        out.append(t)
        i += 1
    if store is None and any(t.is_word("online") for t in out):
        store = "Online"  # "ordered 50 pounds of flour online"
        out = [t for t in out if not t.is_word("online")]
    return out, store, vague


def _store_lead_ok(tokens: list[Token], i: int) -> bool:
    """A known store said first ("kroger 3 pounds of bananas …") or set off ("Costco run: …")."""
    known = _known_at(tokens, i, STORES)
    if known is None:
        return False
    end = known[1]
    if (i == 0 or all(t.kind == "word" and t.text in _LEAD_FILLERS for t in tokens[:i])) and (
        _known_at(tokens, i, BRANDS) is None  # "King Arthur bread flour": the brand, not the store
    ):
        return True
    if end >= len(tokens) and i > 0 and tokens[i - 1].kind in ("money", "punct"):
        return True  # "flour 2 x 25 lb at 12.49 each, costco"
    return end >= len(tokens) or tokens[end].text in (",", ":", "run", "-", "trip", ";")


def _known_at(tokens: list[Token], i: int, table: dict[str, str]) -> tuple[str, int] | None:
    """The longest known name (store or brand) starting at token i."""
    for length in (4, 3, 2, 1):
        if i + length > len(tokens):
            continue
        words = tokens[i : i + length]
        if any(w.kind not in ("word", "num", "punct") for w in words):
            continue
        key = " ".join(w.text for w in words)
        if key in table:
            return table[key], i + length
    return None


def fold_and_a_half(tokens: list[Token]) -> list[Token]:
    """ "a pound and a half" -> 1.5 pound; "two cups and a quarter" -> 2.25 cups; "2 pounds 8 ounces" -> 2.5
    pounds (two amounts of one kind said together, the larger unit first)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        joined = t.is_word("and") and i + 1 < len(tokens) and tokens[i + 1].kind == "num"
        n_at = i + 1 if joined else i
        amount = tokens[n_at]
        if (amount.kind == "num" and amount.value is not None and len(out) >= 2
                and (out[-2].kind == "num" or out[-2].is_word("a", "an"))
                and out[-1].kind == "word" and out[-1].text in MEASURE_UNITS
                and n_at + 1 < len(tokens) and tokens[n_at + 1].kind == "word"
                and tokens[n_at + 1].text in MEASURE_UNITS):
            big, small = MEASURE_UNITS[out[-1].text], MEASURE_UNITS[tokens[n_at + 1].text]
            sterling_after = n_at + 2 < len(tokens) and tokens[n_at + 2].kind == "num"  # "1 kilo one pound twenty"
            if (big, small) in _COMPOUND_UNITS and not sterling_after:
                q = out[-2]
                first = q.value if q.value is not None else ONE
                out[-2] = Token("num", q.text, q.raw, first + convert(amount.value, small, big), start=q.start)
                i = n_at + 2
                continue

        if (
            t.is_word("and") and out and _is_unitish(out[-1]) and i + 1 < len(tokens)
            and tokens[i + 1].kind == "num" and tokens[i + 1].number is not None and tokens[i + 1].number < 1
            and len(out) >= 2
        ):
            q = out[-2]
            unit = out[-1]
            if q.kind == "num" and q.value is not None:
                out[-2] = Token("num", q.text, q.raw, q.number + tokens[i + 1].number, start=q.start)
                i += 2
                continue
            if q.is_word("a", "an"):
                out[-2] = Token("num", "1", q.raw, ONE + tokens[i + 1].number, start=q.start)
                out[-1] = unit
                i += 2
                continue
        out.append(t)
        i += 1
    return out


def _starts_quantity(tokens: list[Token], i: int) -> bool:
    if i >= len(tokens):
        return False
    t = tokens[i]
    if t.kind in ("num", "money"):
        return True
    return t.is_word("a", "an", "some", "i", "we", "also", "another", "then")


def _price_references(tokens: list[Token], money: list[Money]) -> set[int]:
    """Where "milk was 3.29, butter was 4.99" starts a price for an item named earlier: the index of the
    name's first word (the word right before a price, said already earlier in the utterance)."""
    starts: set[int] = set()
    for p, t in enumerate(tokens):
        if t.kind != "money" or p < 2 or not money[int(t.value or 0)].after_verb:
            continue
        k = p - 1
        while k >= 0 and tokens[k].kind == "word" and p - k <= 3 and not _is_unitish(tokens[k]):
            earlier = {x.text for x in tokens[: k] if x.kind == "word"}
            if tokens[k].text in earlier and tokens[p - 1].text in earlier and k > 0 and tokens[k - 1].kind != "num":
                starts.add(k)
                break
            k -= 1
    return starts


def split_segments(tokens: list[Token], money: list[Money]) -> list[Segment]:
    segments: list[Segment] = [Segment()]
    references = _price_references(tokens, money)
    for i, t in enumerate(tokens):
        if t.kind == "punct" and t.text in _SEGMENT_PUNCT:
            segments.append(Segment())
            continue
        if i in references and segments[-1].tokens:
            segments.append(Segment())
        if t.kind == "word" and t.text in _SPLIT_WORDS and (
            _starts_quantity(tokens, i + 1) or (segments[-1].money and i + 1 < len(tokens))
        ):
            # "… and 2 lemons", and after a line's own price "10 eggs 2,29 and butter 250 g 1,99"
            segments.append(Segment())
            continue
        if t.kind == "money":
            segments[-1].money.append(money[int(t.value or 0)])
            continue
        segments[-1].tokens.append(t)
    return segments


def _strip(tokens: list[Token]) -> list[Token]:
    start = 0
    while start + 1 < len(tokens) and tokens[start].is_word("can", "could", "would", "will") and (
        tokens[start + 1].is_word("you")
    ):
        start += 2  # "can you add 2 pounds of flour": a request, not the item
    while start < len(tokens) and tokens[start].kind == "word" and tokens[start].text in _LEAD_FILLERS:
        # keep "a"/"an" and "some": they belong to a quantity
        if tokens[start].text in ("some", "another", "more") and start + 1 < len(tokens):
            start += 1
            continue
        start += 1
    end = len(tokens)
    while end > start and (
        (tokens[end - 1].kind == "word" and tokens[end - 1].text in _TRAIL_FILLERS)
        or (tokens[end - 1].kind == "punct")
        or tokens[end - 1].is_word("of", "and", "the", "for", "at", "a", "an", "in")
    ):
        end -= 1
    return [t for t in tokens[start:end] if not (t.kind == "punct" and t.text in ("-", "—", "–", "/", "$", "#"))]


def _read_unit(tokens: list[Token], i: int) -> tuple[str, str, int] | None:
    """(code, word, next index) for a unit or package word at i ("fl oz" counts)."""
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    if i + 1 < len(tokens) and (tokens[i].text, tokens[i + 1].text) in FLUID_OUNCE_PAIRS:
        return "OZA", "fl oz", i + 2
    w = tokens[i].text
    if w in MEASURE_UNITS:
        j = i + 1
        if j < len(tokens) and tokens[j].kind == "punct" and tokens[j].text == ".":
            j += 1
        return MEASURE_UNITS[w], w, j
    if w in PACKAGE_UNITS:
        return PACKAGE_UNITS[w], w, i + 1
    return None


def _is_package(code: str) -> bool:
    return UNITS[code].dimension is Dimension.PACKAGE


def parse_item(tokens: list[Token]) -> ItemLine | None:
    """One item phrase: quantity, optional package size, unit, brand and name."""
    toks = _strip(tokens)
    verb = next((k for k, t in enumerate(toks) if k > 0 and t.is_word(*_BUY_VERBS) and k + 1 < len(toks)
                 and (toks[k + 1].kind == "num" or toks[k + 1].is_word("a", "an", "some", "up"))), None)
    if verb is not None and toks[0].kind != "num" and not toks[0].is_word("a", "an"):
        toks = _strip(toks[verb + 1:])  # "the tuesday before last I bought 2 bags": what came before the verb
    # "a big bag of walnuts", "two large tubs": a size word before the unit says nothing the unit does not
    toks = [t for k, t in enumerate(toks)
            if not (t.kind == "word" and t.text in _SIZE_WORDS and 0 < k < len(toks) - 1
                    and (toks[k - 1].kind == "num" or toks[k - 1].is_word("a", "an"))
                    and _read_unit(toks, k + 1) is not None)]
    if not toks:
        return None
    qty: Decimal | None = None
    size: Decimal | None = None
    size_unit: str | None = None
    unit: str | None = None
    package: str | None = None
    package_word: str | None = None
    i = 0
    homophone = False
    dozens: Decimal | None = None
    if toks[0].kind == "num":
        qty, i = toks[0].value, 1
        homophone = any(w in ("for", "to", "too") for w in toks[0].raw.lower().split())
        if said_dozen(toks[0]) and toks[0].value is not None:
            dozens = toks[0].value / TWELVE
    elif toks[0].is_word("a", "an") and (
        _read_unit(toks, 1) is not None or (len(toks) > 1 and toks[1].kind == "num")
    ):
        qty, i = ONE, 1
    if qty is not None and i + 1 < len(toks) and toks[i].is_word("x", "times") and toks[i + 1].kind == "num":
        i += 1  # "2 x 5 lb bags"
    if qty is not None and i < len(toks) and toks[i].is_word("of"):
        k = i + 1  # "2 of those big tubs of ricotta": two tubs
        while k < len(toks) and (toks[k].is_word("those", "these", "the", "them") or toks[k].text in _SIZE_WORDS):
            k += 1
        if k > i + 1 and _read_unit(toks, k) is not None:
            i = k
    pieces = toks[i].value if i + 1 < len(toks) and toks[i].kind == "num" else None
    if (qty is not None and pieces is not None and toks[i + 1].is_word("pack", "packs", "pk")
            and pieces == pieces.to_integral_value()):
        # "two 12 packs of eggs", "a 6 pack of yogurt": packs of so many pieces
        size, size_unit, package, package_word, i = pieces, COUNT, "PK", toks[i + 1].text, i + 2
    elif i < len(toks) and toks[i].kind == "num" and (read := _read_unit(toks, i + 1)) is not None and not _is_package(
        read[0]
    ):
        # "two 5 lb bags", "a 25 lb bag"
        size, size_unit, i = toks[i].value, read[0], read[2]
        pk = _read_unit(toks, i)
        if pk is not None and _is_package(pk[0]):
            package, package_word, i = pk[0], pk[1], pk[2]
    elif qty is not None and (read := _read_unit(toks, i)) is not None:
        code, word, i = read
        if _is_package(code):
            package, package_word = code, word
            # "two bags of flour, 5 pounds each": the size comes with the next segment
        else:
            unit = code
            pk = _read_unit(toks, i)
            if pk is not None and _is_package(pk[0]):
                # "a 5 lb bag of flour"
                size, size_unit, package, package_word, i = qty, code, pk[0], pk[1], pk[2]
                qty = ONE
                unit = None
    if (package is not None and size is None and i + 2 < len(toks) and toks[i].is_word("of")
            and toks[i + 1].kind == "num" and toks[i + 1].value is not None and not toks[i + 1].ordinal
            and toks[i + 2].kind == "word" and _read_unit(toks, i + 2) is None):
        # "a box of 30 eggs": the count in each package
        size, size_unit, i = toks[i + 1].value, COUNT, i + 2
    elif (package is not None and size is None and i + 2 < len(toks) and toks[i].is_word("of")
            and toks[i + 1].kind == "num" and toks[i + 1].value is not None and not toks[i + 1].ordinal
            and (inner := _read_unit(toks, i + 2)) is not None and _is_package(inner[0])):
        # "a case of 24 cans of evaporated milk": so many cans in each case
        size, size_unit, i = toks[i + 1].value, inner[0], inner[2]
    if i < len(toks) and toks[i].is_word("of"):
        i += 1
    name_tokens = toks[i:]
    if package is not None and size is None and len(name_tokens) >= 3:
        # "two bags of flour 25 pounds each": the size of each package after the name
        end = len(name_tokens) - (1 if name_tokens[-1].is_word("each", "apiece", "ea") else 0)
        num, unit_tok = name_tokens[end - 2], name_tokens[end - 1]
        if (num.kind == "num" and num.value is not None and unit_tok.kind == "word"
                and unit_tok.text in MEASURE_UNITS and MEASURE_UNITS[unit_tok.text] != COUNT and end - 2 > 0):
            size, size_unit = num.value, MEASURE_UNITS[unit_tok.text]
            name_tokens = _strip(name_tokens[: end - 2])
    if qty is None and len(name_tokens) > 1:
        # the amount after the name: "cocoa powder 8 ounce can", "heavy cream a quart", "almond flour one pound bag"
        for k in range(1, len(name_tokens)):
            if name_tokens[k].kind != "num" and not (
                name_tokens[k].is_word("a", "an") and _read_unit(name_tokens, k + 1) is not None
            ):
                continue
            tail = parse_item(name_tokens[k:])
            head = _strip(name_tokens[:k])
            if tail is not None and not tail.name and tail.brand is None and tail.quantity is not None and head:
                tail.name = " ".join(t.text for t in head if t.kind in ("word", "num"))
                named = parse_item(head)
                if named is not None:
                    tail.name, tail.brand = named.name, named.brand
                return tail
    if qty is None and name_tokens:
        # reverse order: "flour, 10 pounds" / "butter 2 lbs" / "eggs two dozen"
        for k in range(len(name_tokens) - 1, 0, -1):
            if name_tokens[k].kind == "num" and not name_tokens[k].ordinal:
                rest = name_tokens[k + 1 :]
                read = _read_unit(name_tokens, k + 1)
                if read is not None and read[2] == len(name_tokens):
                    qty = name_tokens[k].value
                    if _is_package(read[0]):
                        package, package_word = read[0], read[1]
                    else:
                        unit = read[0]
                    name_tokens = _strip(name_tokens[:k])
                    break
                if not rest:
                    qty = name_tokens[k].value
                    name_tokens = _strip(name_tokens[:k])
                    break
    brand: str | None = None
    kept: list[Token] = []
    k = 0
    while k < len(name_tokens):
        known = _known_at(name_tokens, k, BRANDS) if brand is None else None
        if known is not None:
            brand, k = known[0], known[1]
            continue
        kept.append(name_tokens[k])
        k += 1
    kept = _strip(kept)
    if kept and kept[0].is_word("of"):
        kept = kept[1:]
    cut = next((k for k, t in enumerate(kept) if k > 0 and k + 1 < len(kept) and kept[k + 1].kind == "word" and (
        t.is_word("for") or (t.is_word("to") and kept[k + 1].is_word("the", "a", "an", "our", "my"))
        or (t.is_word("on", "in") and kept[-1].is_word("offer", "sale", "special", "promotion")))), None)
    if cut is not None:
        kept = _strip(kept[:cut])  # "ground beef for the meat pies": what it is for is not its name
    name = " ".join(t.text for t in kept if t.kind in ("word", "num"))
    if name in ("them", "those", "these", "it", "each"):
        name = ""  # "vanilla beans, 10 of them": the amount of the item before
    if not name and qty is None and brand is None:
        return None
    line = ItemLine(name=name, brand=brand, quantity=None, unit=None, quantity_guessed=homophone, dozens=dozens)
    if size is not None and size_unit is not None:
        packages = qty if qty is not None else ONE
        line.quantity, line.unit = packages * size, size_unit
        line.packages, line.package_size, line.package_unit = packages, size, package
        if package_word in OTHER_CONTAINERS:
            line.package_type = package_word
    elif package is not None:
        line.quantity, line.unit, line.packages, line.package_unit = qty, package, qty, package
        if package_word in OTHER_CONTAINERS:
            line.package_type = package_word
    elif qty is not None:
        line.quantity, line.unit = qty, unit or COUNT
    return line


def _line_price(line: ItemLine, money: Money, notes: list[str]) -> Decimal | None:
    """The total for a line from one price said for it."""
    if money.per is None:
        return money.amount
    if money.per == "each":
        if line.dozens is not None and line.packages is None:
            return money.amount * line.dozens  # "two dozen eggs, 4.29 each": each dozen
        if line.packages is not None:
            return money.amount * line.packages
        if line.quantity is not None:
            return money.amount * line.quantity
        notes.append(f"price of {line.name or 'item'}: {money.amount} each, but how many was not said")
        return None
    per = money.per
    if line.packages is not None and line.package_unit == per:
        return money.amount * line.packages
    if line.quantity is not None and line.unit is not None:
        if line.unit == per:
            return money.amount * line.quantity
        if per == "DZN" and line.unit == COUNT:
            return money.amount * line.quantity / TWELVE
        src, dst = UNITS[line.unit], UNITS[per]
        if src.dimension is dst.dimension and src.dimension is not Dimension.PACKAGE:
            return money.amount * convert(line.quantity, line.unit, per)
    notes.append(
        f"price of {line.name or 'item'}: {money.amount} per {UNITS[per].name} cannot be applied to "
        f"{line.quantity or '?'} {UNITS[line.unit].name if line.unit else '?'}"
    )
    return None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_EACH_NAMES = frozenset({"", "each", "apiece", "ea", "a piece", "per bag", "a bag", "per box", "a box", "per jar",
                         "a jar", "per pack", "a pack"})


def _merge_reverse_segments(segments: list[Segment]) -> list[tuple[ItemLine, list[Money]]]:
    """Parse segments into lines; attach quantity-only and price-only pieces to their neighbour."""
    lines: list[tuple[ItemLine, list[Money]]] = []
    loose: list[Money] = []
    for seg in segments:
        line = parse_item(seg.tokens)
        if line is not None and line.quantity is None and line.brand is None and line.name and seg.money:
            named = set(line.name.split())
            for k, (prev, prev_money) in enumerate(lines):
                parts = prev.name.split(" and ")
                if prev.quantity is None and not prev_money and len(parts) > 1 and line.name in parts:
                    # "got flour and sugar, flour was 9.99 and sugar was 6.49": one line each
                    lines[k:k + 1] = [(ItemLine(part, prev.brand if n == 0 else None, None, None), [])
                                      for n, part in enumerate(parts)]
                    break
            earlier = [ln for ln in lines if ln[0].name and named <= set(ln[0].name.split())]
            exact = [ln for ln in earlier if ln[0].name == line.name]
            earlier = exact or earlier
            if len(earlier) == 1:  # "… milk was 3.29": the price of the milk said before
                earlier[0][1].extend(seg.money)
                continue
        if line is None:
            if seg.money:
                if lines and not any(m.per is None and not m.explicit_total for m in lines[-1][1]) and not all(
                    m.explicit_total for m in seg.money
                ):
                    lines[-1][1].extend(seg.money)
                else:
                    loose.extend(seg.money)
            continue
        if (lines and line.brand is None and line.name in _EACH_NAMES and line.quantity is not None
                and line.unit is not None):
            prev, prev_money = lines[-1]
            if (prev.package_unit is not None and prev.packages is not None and prev.package_size is None
                    and line.unit != prev.package_unit):  # "2 boxes of butter, 4 sticks each"
                # "three bags of powdered sugar, 2 pounds each"
                prev.package_size, prev.unit = line.quantity, line.unit
                prev.quantity = prev.packages * line.quantity
                prev_money.extend(seg.money)
                continue
        if not line.name and line.brand is None and lines and lines[-1][0].quantity is None:
            # "King Arthur flour, 5 pounds"
            prev, prev_money = lines[-1]
            prev.quantity, prev.unit, prev.packages = line.quantity, line.unit, line.packages
            prev.package_size, prev.package_unit = line.package_size, line.package_unit
            prev_money.extend(seg.money)
            continue
        lines.append((line, list(seg.money)))
    if loose:
        lines.append((ItemLine("", None, None, None), loose)) if not lines else lines[-1][1].extend(loose)
    return lines


def past_date(tokens: list[Token], today: dt.date) -> tuple[dt.date, int, int] | None:
    """The day something was bought, when said: "on Tuesday", "last Saturday", "on the 3rd", "on the 9th of
    November", "on November 9th" — the latest such day on or before today. (date, start, end) in raw tokens."""
    n = len(tokens)

    def w(k: int) -> str:
        return tokens[k].text if 0 <= k < n and tokens[k].kind == "word" else ""

    def day_at(k: int) -> tuple[int, int] | None:
        if w(k) == "the":
            k += 1
        value = tokens[k].value if k < n else None
        if value is not None and tokens[k].ordinal:
            return int(value), k + 1
        if w(k) in ORDINALS:
            return ORDINALS[w(k)], k + 1
        if w(k) in ("twenty", "thirty") and w(k + 1) in ORDINALS and ORDINALS[w(k + 1)] < 10:
            return (20 if w(k) == "twenty" else 30) + ORDINALS[w(k + 1)], k + 2
        return None

    for i in range(n):
        lead = w(i) in ("on", "last", "this", "past")
        j = i + 1 if lead else i
        if not lead and i > 0:
            continue  # a bare weekday or date must open the sentence or follow "on"/"last"
        if w(j) in WEEKDAYS:
            back = (today.weekday() - WEEKDAYS[w(j)]) % 7
            if w(i) == "last" and back == 0:
                back = 7
            return today - dt.timedelta(days=back), i, j + 1
        month: int | None = None
        day: tuple[int, int] | None = None
        if w(j) in MONTHS and (day := day_at(j + 1)) is not None:
            month = MONTHS[w(j)]
        elif (day := day_at(j)) is not None and w(i) == "on":
            if w(day[1]) == "of" and w(day[1] + 1) in MONTHS:
                month, day = MONTHS[w(day[1] + 1)], (day[0], day[1] + 2)
        else:
            continue
        if day is None:
            continue
        for back in range(0, 13):
            if month is None:
                y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
                m += 1
            else:
                y, m = today.year - back, month
            try:
                when = dt.date(y, m, day[0])
            except ValueError:
                continue
            if when <= today:
                return when, i, day[1]
        return None
    return None


def parse_purchase(tokens: list[Token], today: dt.date) -> tuple[list[Operation], list[str]]:
    """`add_purchase` operations from a purchase utterance (already tokenised, numbers not merged)."""
    notes: list[str] = []
    # "2 lbs. of walnuts": the abbreviation's dot is not a sentence end
    tokens = [
        t for k, t in enumerate(tokens)
        if not (t.kind == "punct" and t.text == "." and k > 0 and _is_unitish(tokens[k - 1])
                and k + 1 < len(tokens) and tokens[k + 1].kind == "word")
    ]
    said_date = past_date(tokens, today)
    purchase_date: dt.date | None = None
    if said_date is not None:
        purchase_date, start, end = said_date
        tokens = tokens[:start] + tokens[end:]
    stream = fold_and_a_half(merge_numbers(tokens))
    stream, money = extract_money(stream)
    stream, store, vague_store = extract_store(stream)
    if purchase_date is None and any(t.is_word("yesterday") for t in stream):
        purchase_date = today - dt.timedelta(days=1)
    lines = _merge_reverse_segments(split_segments(stream, money))
    lines = [(line, m) for line, m in lines if line.name or line.brand or line.quantity is not None or m]
    if len(lines) > 1:  # "we got a delivery from sysco, 50 lbs of flour …": "a delivery" is no item of its own
        lines = [(line, m) for line, m in lines
                 if not (line.quantity is None and not m and line.brand is None and guessed_name(line.name)
                         and all(w in VAGUE_NAMES or w in ("a", "an", "the", "our", "my")
                                 for w in line.name.split()))] or lines
    if not lines:
        return [], ["no item was recognised in what was said"]
    if len(lines) > 1 and not lines[-1][0].name and lines[-1][0].quantity is None:
        # a trailing price with no item of its own
        tail = lines.pop()[1]
        lines[-1][1].extend(tail)
    for line, ms in lines:
        several = (line.packages is not None and line.packages > 1) or (
            line.unit == COUNT and line.quantity is not None and line.quantity > 1 and line.dozens is None)
        for m in ms:
            if m.at and m.per is None and not m.explicit_total and several and len(ms) == 1:
                # "got 4 blocks at 1,49": at so much a block — the usual reading, but a reading: flagged
                m.per, m.guessed = "each", True
                notes.append(f"price of {line.name or 'item'}: {m.amount} said after 'at' was read as each; "
                             "check it")
    shared: list[Money] = []
    if len(lines) == 1:
        line, ms = lines[0]
        totals = [m for m in ms if m.per is None]
        per = [m for m in ms if m.per is not None]
        if per:
            line.price = _line_price(line, per[0], notes)
            line.price_confidence = SAID if per[0].per == "each" or line.unit == per[0].per else DERIVED
            for m in totals:
                if line.price is not None and _cents(line.price) != _cents(m.amount):
                    notes.append(f"price of {line.name}: {per[0].amount} per unit makes {_cents(line.price)}, "
                                 f"but {m.amount} total was said")
        elif totals:
            line.price, line.price_confidence = totals[0].amount, SAID
            if len(totals) > 1:
                notes.append(f"price of {line.name}: several prices said ({', '.join(str(m.amount) for m in totals)})")
    else:
        for idx, (line, ms) in enumerate(lines):
            own = [m for m in ms if not m.explicit_total]
            shared.extend(m for m in ms if m.explicit_total)
            if not own:
                continue
            others_priced = any(
                any(not m.explicit_total for m in other_ms) for k, (_o, other_ms) in enumerate(lines) if k != idx
            )
            is_last = idx == len(lines) - 1
            if own[0].per is None and is_last and not others_priced:
                # "butter and eggs ... for $14": one price for several lines
                shared.append(own[0])
                continue
            line.price = _line_price(line, own[0], notes)
            line.price_confidence = SAID if own[0].per in (None, "each") else DERIVED
        if shared:
            total = shared[0].amount
            unpriced = [line for line, _ in lines if line.price is None]
            priced_sum = sum((line.price for line, _ in lines if line.price is not None), Decimal(0))
            if not unpriced:
                if _cents(priced_sum) != _cents(total):
                    notes.append(f"the line prices add up to {_cents(priced_sum)}, but {total} total was said")
            elif len(unpriced) == 1 and total - priced_sum > 0 and len(unpriced) < len(lines):
                unpriced[0].price, unpriced[0].price_confidence = total - priced_sum, DERIVED
            else:
                names = ", ".join(line.name or "item" for line in unpriced)
                notes.append(f"price: {total} was said for {names} together; say each line's price")
    for line, ms in lines:
        if line.price is not None and any(m.guessed for m in ms):
            line.price_confidence = min(line.price_confidence, GUESSED)
            notes.append(f"price of {line.name or 'item'}: {_cents(line.price)} was read from bare words; check it")
    store_conf = MISSING
    if store:
        store_conf = SAID if store in _KNOWN_STORES or store == "Online" else (
            GUESSED if len(store.split()) > 2 else DERIVED)
    ops: list[Operation] = []
    for line, _ in lines:
        args: dict[str, Any] = {
            "item_name": line.name or None,
            "quantity": line.quantity,
            "unit": line.unit,
            "price": _cents(line.price) if line.price is not None else None,
            "store": store,
        }
        conf: dict[str, float] = {
            "item_name": (GUESSED if guessed_name(line.name) else SAID) if line.name else MISSING,
            "quantity": (GUESSED if line.quantity_guessed else SAID) if line.quantity is not None else MISSING,
            "unit": SAID if line.unit is not None else MISSING,
            "price": line.price_confidence if line.price is not None else MISSING,
            "store": store_conf,
        }
        if conf["quantity"] == GUESSED:
            notes.append(f"quantity of {line.name or 'item'}: {line.quantity} was read from a word that sounds like "
                         "a number; check it")
        if conf["item_name"] == GUESSED:
            notes.append(f"item_name: {line.name!r} may hold words that are not the item's name; check it")
        if line.brand:
            args["brand"] = line.brand
            conf["brand"] = SAID
        if line.packages is not None and (line.package_size is not None or line.package_unit is not None):
            args["packages"] = line.packages
            conf["packages"] = conf["quantity"]
            if line.package_size is not None:
                args["package_size"] = line.package_size
                conf["package_size"] = SAID
            if line.package_unit is not None:
                args["package_unit"] = line.package_unit
                conf["package_unit"] = SAID
            if line.package_type is not None:
                args["package_type"] = line.package_type
                conf["package_type"] = SAID
        if purchase_date is not None:
            args["purchased_on"] = purchase_date.isoformat()
            conf["purchased_on"] = DERIVED  # worked out from "yesterday", "on Tuesday", "on the 3rd"
        label = line.name or "item"
        if not line.name:
            notes.append("item name not said")
        if line.quantity is None:
            notes.append(f"quantity of {label} not said")
        elif line.quantity <= 0:
            notes.append(f"quantity of {label} must be more than 0")
        if line.price is None and not any(label in n for n in notes if n.startswith("price")):
            notes.append(f"price of {label} not said")
        ops.append(Operation("add_purchase", args, conf))
    if store is None:
        notes.append("store: " + ("'the store' does not say which" if vague_store else "not said"))
    return ops, notes


def purchase_tokens(text: str) -> list[Token]:
    return tokenize(text)
