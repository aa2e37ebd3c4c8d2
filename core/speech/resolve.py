"""Optional catalog resolution: match parsed names to the tenant's products, ingredients,
suppliers and finished goods, offering alternatives and flagging what matches nothing.

Matching is token overlap (lower-cased words, a trailing plural "s" dropped), so
"King Arthur flour" finds the product "King Arthur / All-Purpose Flour". A name
that is all digits is looked up as a UPC.

An item bought or counted is resolved in two steps (`_resolve_item`):

1. **which ingredient**: every product and ingredient scored by its name (a receipt's abbreviations match the
   words they shorten: "unswt" unsweetened, "nat" natural, "dk" dark; a brand's initials its name: "KS", "KA";
   two words written as one: "semisweet"; British phrases the American ones: "caster", "double cream"; words
   no catalog has, like a store brand, count half). Of those within `BAND` of the best, a name explaining every
   word another explains and more leaves that one out, and an exact name is that ingredient. The rest are
   ranked by what the ingredient is (the head of its name, before the comma: "milk" is "Milk, whole", not
   "Chocolate chips, milk"), then what this bakery has bought of it (how often, how lately), what it holds now,
   what its recipes use, whether one of its products is the size read, and the name. The first is preselected,
   and flagged when purchases, stock or recipes chose it rather than its name; a tie on all of these is left to
   the baker with the alternatives, never guessed.
2. **which product** of it: the one whose package is the size read (converted to its unit), or whose package is
   the line's whole amount, or that a bare count is packages of ("4 @ 3.99 KERRY BUTTER": 4 packages, the
   quantity 4 x its size), else one the amount is a whole number of packages of; a brand named narrows them to
   that brand's. When none fits, no product is named: the purchase makes a new product of the ingredient with
   the size read (flagged), which `core.proposals.apply` does. A unit word inside the name with no size given
   ("WHOLE MILK GAL") is the size (`core.speech.fitting`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Product
from core.desktop_format.mobile_import import product_by_upc
from core.measures.quantities import as_number
from core.measures.units import UNITS
from core.speech.fitting import Amount, Bought, Fit, fit, fitted, history, read_amount, with_unit_word
from core.speech.operations import Operation, ParsedInput

_MIN_SCORE = 0.5
_STOP = frozenset({"of", "the", "a", "an", "and", "bag", "bags", "box", "jar", "brand"})
BAND = 0.15  # names scoring within this of the best are told apart by what the bakery buys and holds
# unit words never name what was bought ("WHOLE MILK GAL", "FLOUR 5LB" once the size is read)
_UNIT_NAMES = frozenset({"gal", "gallon", "qt", "quart", "pt", "pint", "lb", "oz", "doz", "dozen", "dz", "ct",
                         "kg", "ltr", "fl"})
_SUFFIXES = frozenset({"s", "es", "ed", "er", "ing", "y", "d", "ly"})  # "salt" is not short for "salted"
_UNKNOWN_WEIGHT = 0.5  # a word no name in the catalog has (a store brand, a code) counts half
# British (and till) baking words for the ones catalogs use; a two-word entry only as that phrase ("plain flour" is
# all-purpose flour, "plain yogurt" is plain yogurt)
SYNONYMS: dict[str, str] = {
    "caster": "superfine", "castor": "superfine", "icing": "powdered", "double cream": "heavy cream",
    "single cream": "light cream", "plain flour": "all purpose flour", "strong flour": "bread flour",
    "strong white": "bread", "wholemeal": "whole wheat", "self raising": "self rising",
    "bicarbonate": "baking soda", "bicarb": "baking soda", "cornflour": "cornstarch", "treacle": "molasses",
    "sultana": "raisin", "sultanas": "raisins", "glace": "candied", "courgette": "zucchini",
    "fat free milk": "skim milk",
}
_SYNONYM = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # "product", "ingredient", "finished_good", "supplier"
    key: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class ResolvedInput:
    """The parsed operations with catalog keys filled in where a match was clear; `flags` per operation index
    say what the baker should check (an item chosen by what the bakery usually buys, a new product)."""

    parsed: ParsedInput
    operations: list[Operation] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    flags: dict[int, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "operations": [op.to_json() for op in self.operations],
            "unresolved": list(self.unresolved),
        }


def _tokens(text: str) -> set[str]:
    out = set()
    for word in re.findall(r"[a-z0-9]+", text.lower().replace("'s", "")):
        if word in _STOP:
            continue
        out.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return out


def _score(query: set[str], label: str) -> float:
    target = _tokens(label)
    if not query or not target:
        return 0.0
    overlap = len(query & target)
    # share of the words said that match, with a small preference for tighter labels
    return overlap / len(query) - 0.01 * len(target - query)


def rank(query: str, candidates: list[tuple[str, str, str]]) -> list[Candidate]:
    """Candidates (kind, key, label) ordered best first, those below the threshold dropped."""
    words = _tokens(query)
    scored = [Candidate(kind, key, label, _score(words, label)) for kind, key, label in candidates]
    return sorted((c for c in scored if c.score >= _MIN_SCORE), key=lambda c: (-c.score, c.label))


def _item_candidates(bakery: Bakery) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for product in bakery.products.values():
        if product.is_hidden:
            continue
        ingredient = bakery.ingredients.get(product.ingredient_slug)
        base = ingredient.display_name if ingredient else ""
        out.append(("product", product.id, f"{product.brand} {product.product_name} {base}".strip()))
    parents = {i.parent_slug for i in bakery.ingredients.values() if i.parent_slug}
    for ingredient in bakery.ingredients.values():
        # only what is bought and baked with: a category ("Dairy & Eggs", "Eggs" above "Eggs, whole") is not
        if ingredient.slug not in parents and ingredient.hierarchy_level >= 2 and not ingredient.is_packaging:
            out.append(("ingredient", ingredient.slug, ingredient.display_name))
    return out


def _like(query: str, target: str, word: bool = False) -> float:
    """How well a word read matches a catalog word: the same (1), a shortening of it ("nat" natural 0.8,
    "unswt" unsweetened 0.7, "dk" dark 0.6), else 0. A word the catalog itself uses (`word`) is only ever a
    beginning of another, never with an ending ("salt" is not "salted", "cocoa" not "chocolate"; "unsalt" is
    "unsalted")."""
    if query == target:
        return 1.0
    if query.isdigit() or target.isdigit() or len(query) >= len(target):
        return 0.0
    if len(query) == 2:  # "DK", "LT": two consonants of the word, the first its first; "LI": its beginning
        shortened = target.startswith(query) or (not set(query) & set("aeiou") and query[0] == target[0]
                                                 and query[1] in target[1:])
        return 0.6 if not word and shortened else 0.0
    if target.startswith(query):
        return 0.0 if word and target[len(query):] in _SUFFIXES else 0.8
    if not word and len(query) >= 4 and query[0] == target[0] and 5 * len(query) >= 2 * len(target):
        rest = iter(target[1:])
        if all(letter in rest for letter in query[1:]):
            return 0.7
    return 0.0


def _joined(label: str) -> set[str]:
    """Two words written as one on a till ("semi-sweet" as "semisweet")."""
    words = [w for w in re.findall(r"[a-z0-9]+", label.lower().replace("'s", "")) if w not in _STOP]
    return {a + b for a, b in pairwise(words)}


def _initials(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s", "")) if w]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "product" or "ingredient"
    key: str
    label: str
    ingredient: str
    tokens: frozenset[str]
    aliases: frozenset[str]  # a brand's initials ("ka"), a product line's ("ks" for Kirkland Signature)
    brand: frozenset[str]
    head: frozenset[str]  # what the ingredient is, before its qualifier: "milk" in "Milk, whole", not in
    # "Chocolate chips, milk"


@dataclass(frozen=True, slots=True)
class _Query:
    weights: dict[str, float]  # word → its weight (words no catalog name has count half)
    near: dict[str, dict[str, float]]  # word → the catalog words it matches, and how well

    def match(self, word: str, tokens: frozenset[str]) -> float:
        near = self.near.get(word, {})
        return max((near.get(t, 0.0) for t in tokens), default=0.0)


class _Catalog:
    """The bakery's names, what it has bought and holds, and its products per ingredient: built once per input."""

    def __init__(self, bakery: Bakery) -> None:
        self.bakery = bakery
        self.entries: list[_Entry] = []
        self.products: dict[str, list[Product]] = {}
        heads = {slug: frozenset(_tokens(i.display_name.split(",")[0]) - _UNIT_NAMES)
                 for slug, i in bakery.ingredients.items()}
        for kind, key, label in _item_candidates(bakery):
            tokens = frozenset(_tokens(label) - _UNIT_NAMES)
            if kind == "product":
                product = bakery.products[key]
                self.products.setdefault(product.ingredient_slug, []).append(product)
                aliases = frozenset({a for a in (_initials(product.brand),
                                                 _initials(" ".join(product.product_name.split()[:2]))) if a}
                                    | _joined(label))
                self.entries.append(_Entry(kind, key, label, product.ingredient_slug, tokens, aliases,
                                           frozenset(_tokens(product.brand) - {""}),
                                           heads.get(product.ingredient_slug, frozenset())))
            else:
                self.entries.append(_Entry(kind, key, label, key, tokens, frozenset(_joined(label)), frozenset(),
                                           heads.get(key, frozenset())))
        self.vocabulary: frozenset[str] = frozenset().union(*(e.tokens for e in self.entries))
        # real words: the catalog's own names, not what a till printed for a product a proposal created
        self.words: frozenset[str] = frozenset().union(*(e.tokens for e in self.entries if e.kind == "ingredient"
                                                         or "created_by_proposal" not in
                                                         bakery.products[e.key].extra))
        self.aliases: frozenset[str] = frozenset().union(*(e.aliases for e in self.entries))
        self.bought = history(bakery)
        self.preferred = frozenset(p.id for p in bakery.products.values() if p.preferred)
        self.used = Counter(line.ingredient_slug for recipe in bakery.recipes.values() for line in recipe.ingredients)

    def query(self, text: str) -> _Query:
        words = _tokens(_SYNONYM.sub(lambda m: SYNONYMS[m.group(1)], " ".join(text.lower().split())))
        words -= _UNIT_NAMES
        weights: dict[str, float] = {}
        near: dict[str, dict[str, float]] = {}
        for word in words:
            known = word in self.words
            near[word] = {t: like for t in self.vocabulary if (like := _like(word, t, known)) > 0}
            # a word no catalog name has, or two letters (a store brand's "KS", "GV"; "DK"), counts half
            weights[word] = 1.0 if near[word] and (len(word) > 2 or word.isdigit()) else _UNKNOWN_WEIGHT
            if word in self.aliases:  # initials and joined words match only as they are
                near[word][word] = 1.0
        return _Query(weights, near)

    def matches(self, query: _Query, entry: _Entry) -> tuple[float, ...]:
        """How well each word read (in a fixed order) matches this name."""
        return tuple(query.match(word, entry.tokens | entry.aliases) for word in sorted(query.weights))

    def score(self, query: _Query, entry: _Entry) -> float:
        total = sum(query.weights.values())
        if not total or not entry.tokens:
            return 0.0
        got = 0.0
        matched: set[str] = set()
        for word, weight in query.weights.items():
            best = query.match(word, entry.tokens | entry.aliases)
            got += weight * best
            if best > 0:
                matched.update(t for t in entry.tokens if query.match(word, frozenset({t})) == best)
        return got / total - 0.01 * len(entry.tokens - matched)

    def head(self, query: _Query, entry: _Entry) -> float:
        """1 when the words read name what the ingredient is, all of its head (a product named by its brand: 1)."""
        if entry.kind == "product" and self.names_brand(query, entry):
            return 1.0
        if not entry.head:
            return 0.0
        return 1.0 if all(max((query.match(w, frozenset({h})) for w in query.weights), default=0.0) > 0
                          for h in entry.head) else 0.0

    def names_brand(self, query: _Query, entry: _Entry) -> bool:
        """Whether the words read name this product's brand (in full, shortened, or by its initials)."""
        if any(alias in query.weights for alias in entry.aliases):
            return True
        return bool(entry.brand) and all(any(query.match(w, frozenset({b})) >= 0.8 for w in query.weights)
                                         for b in entry.brand)

    def of_ingredient(self, slug: str, fitting: set[str]) -> Bought:
        """What was bought of the ingredient's products that fit the name (all of them, when its own name does)."""
        total = Bought()
        for product in self.products.get(slug, []):
            if slug in fitting or product.id in fitting:
                total = total.plus(self.bought.get(product.id, Bought()))
        return total


def _dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and any(x > y for x, y in zip(a, b, strict=True))


def _label(amount: Amount) -> str:
    unit = UNITS.get(amount.unit)
    size = amount.package_size if amount.package_size is not None else amount.quantity
    return f"{as_number(size)} {unit.symbol if unit else amount.unit}"


def _resolve_item(op: str, args: dict[str, Any], confidence: dict[str, float], catalog: _Catalog,
                  notes: list[str], flags: list[str]) -> dict[str, Any]:
    """The ingredient and product an item names, as the module's docstring says; args with the keys filled in."""
    name = str(args["item_name"])
    text = f"{args.get('brand') or ''} {name}".strip()
    amount = None
    if op == "add_purchase":
        args, amount = with_unit_word(args, read_amount(args, confidence))
    query = catalog.query(text)
    scored = sorted(((catalog.score(query, e), e) for e in catalog.entries), key=lambda se: (-se[0], se[1].label))
    scored = [(s, e) for s, e in scored if s >= _MIN_SCORE]
    if not scored:
        notes.append(f"item {text!r} matches nothing in the catalog")
        args["alternatives"] = []
        return args
    best = scored[0][0]
    # a name read exactly ("baking powder") is that, whatever else its words appear in
    exact = {e.ingredient for _, e in scored if e.tokens == frozenset(query.weights)}
    in_band = [(s, e) for s, e in scored if s >= best - BAND and (not exact or e.ingredient in exact)]
    # a name that explains every word another explains, and more, leaves that other out ("KARO DK CORN SYRUP" is
    # the dark one however much light syrup is bought)
    vectors = [catalog.matches(query, e) for _, e in in_band]
    kept = [(s, e) for n, (s, e) in enumerate(in_band)
            if not any(_dominates(vectors[m], vectors[n]) for m in range(len(in_band)) if m != n)]
    by_ingredient: dict[str, float] = {}
    heads: dict[str, float] = {}
    for s, e in kept:
        by_ingredient[e.ingredient] = max(by_ingredient.get(e.ingredient, s), s)
        heads[e.ingredient] = max(heads.get(e.ingredient, 0.0), catalog.head(query, e))
    ingredients = catalog.bakery.ingredients
    fitting = {e.key for _, e in kept}

    def rank_of(slug: str) -> tuple[float, int, dt.date, bool, int, bool, float, bool]:
        bought = catalog.of_ingredient(slug, fitting)
        ingredient = ingredients.get(slug)
        products = catalog.products.get(slug, [])
        sized = any(fit(amount, p, ingredient) in (Fit.SIZE, Fit.TOTAL) for p in products)
        return (heads.get(slug, 0.0), bought.times, bought.last or dt.date.min, bought.in_stock, catalog.used[slug],
                sized, round(by_ingredient[slug], 6), any(p.id in catalog.preferred for p in products))

    contenders = sorted(by_ingredient, key=lambda slug: (rank_of(slug), slug), reverse=True)
    ranks = [rank_of(slug) for slug in contenders[:2]]

    def offered(exclude: set[str]) -> list[dict[str, str]]:
        return [{"kind": e.kind, "key": e.key, "label": e.label} for _, e in scored if e.key not in exclude][:4]

    if len(ranks) == 2 and ranks[0] == ranks[1]:
        tied = [slug for slug in contenders if rank_of(slug) == ranks[0]]
        labels = [next(e.label for _, e in scored if e.ingredient == slug) for slug in tied]
        notes.append(f"item {text!r} matches several: " + ", ".join(labels[:4]))
        args["alternatives"] = [{"kind": e.kind, "key": e.key, "label": e.label} for _, e in scored][:5]
        return args
    chosen = contenders[0]
    ingredient = ingredients.get(chosen)
    shown = ingredient.display_name if ingredient else chosen
    if len(ranks) == 2:
        decisive = next(i for i, (a, b) in enumerate(zip(ranks[0], ranks[1], strict=True)) if a != b) - 1
        if decisive in (0, 1):
            flags.append(f"item_name: matched by what you usually buy: {shown} (of {len(contenders)} names that "
                         "fit); check it")
        elif decisive == 2:
            flags.append(f"item_name: matched by what you have in stock: {shown} (of {len(contenders)} names "
                         "that fit); check it")
        elif decisive == 3:
            flags.append(f"item_name: matched by what your recipes use: {shown} (of {len(contenders)} names "
                         "that fit); check it")
    args["ingredient_slug"] = chosen
    args.pop("product_id", None)
    entries = {e.key: (s, e) for s, e in ((catalog.score(query, e), e) for e in catalog.entries
                                           if e.kind == "product" and e.ingredient == chosen)}
    products = catalog.products.get(chosen, [])
    named = [p for p in products if catalog.names_brand(query, entries[p.id][1])]
    pool = named or products
    product: Product | None = None
    how = Fit.NONE
    if amount is None:
        # nothing to size it by: the product the name points at, when it points at one more than the ingredient
        top = next(e for _, e in scored if e.ingredient == chosen)
        if top.kind == "product":
            product = catalog.bakery.products[top.key]
    else:
        fits = [(fit(amount, p, ingredient), p) for p in pool]
        fits = [(f, p) for f, p in fits if f is not Fit.NONE]
        if fits:
            def order(fp: tuple[Fit, Product]) -> tuple[Fit, float, int, dt.date, bool, bool, str]:
                f, p = fp
                bought = catalog.bought.get(p.id, Bought())
                return (f, round(entries[p.id][0], 6), bought.times, bought.last or dt.date.min, bought.in_stock,
                        p.id in catalog.preferred, p.id)
            how, product = max(fits, key=order)
    if product is not None:
        args["product_id"] = product.id
        if amount is not None and how in (Fit.COUNT, Fit.TOTAL):
            args = fitted(args, amount, product, how)
            if how is Fit.COUNT:
                unit = UNITS.get(product.package_unit)
                flags.append(f"packages: read as {as_number(amount.quantity)} packages of {product.label} "
                             f"({as_number(product.package_unit_quantity)} {unit.symbol if unit else ''} each)")
    elif amount is not None:
        if named and not args.get("brand"):
            args["brand"] = named[0].brand
        if amount.is_count and amount.vague_unit and amount.unit == "H87" and amount.packages is None \
                and amount.quantity == amount.quantity.to_integral_value():
            args = dict(args, packages=amount.quantity, package_size=1)  # a bare count: that many of one each
            amount = Amount(amount.quantity, "H87", amount.quantity, Decimal(1), True)
        which = f"none of your {shown} products is {_label(amount)}" if products else \
            f"you have no product of {shown} yet"
        flags.append(f"product_id: {which}: confirming adds a new product of {shown}, {_label(amount)}, as read")
    args["alternatives"] = offered({chosen, *(([product.id]) if product is not None else [])})
    return args


def _pick(
    name: str, found: list[Candidate], what: str, notes: list[str], preferred: frozenset[str] = frozenset()
) -> tuple[Candidate | None, list[Candidate]]:
    if not found:
        notes.append(f"{what} {name!r} matches nothing in the catalog")
        return None, []
    best = found[0]
    tied = [c for c in found if abs(c.score - best.score) < 1e-9]
    favourites = [c for c in tied if c.key in preferred]
    if len(tied) > 1 and len(favourites) == 1:
        return favourites[0], [c for c in found if c is not favourites[0]][:4]
    if len(tied) > 1 and len({c.label.lower() for c in tied}) > 1:
        notes.append(f"{what} {name!r} matches several: " + ", ".join(c.label for c in tied[:4]))
        return None, found[:5]
    return best, found[1:5]


def resolve_against(parsed: ParsedInput, bakery: Bakery) -> ResolvedInput:
    """Fill in catalog keys (product_id / ingredient_slug / supplier_slug / finished_good_slug)."""
    notes = list(parsed.unresolved)
    catalog = _Catalog(bakery)
    suppliers = [("supplier", s.slug, s.name) for s in bakery.suppliers.values()]
    # events ask for finished goods (a bare good wraps one finished unit), never units directly
    goods = [("finished_good", g.slug, g.display_name) for g in bakery.finished_goods.values()]
    ops: list[Operation] = []
    flags: dict[int, list[str]] = {}
    for index, op in enumerate(parsed.operations):
        args = dict(op.args)
        if op.op in ("add_purchase", "adjust_inventory") and args.get("item_name"):
            name = str(args["item_name"])
            if name.isdigit() and (product := product_by_upc(bakery, name)) is not None:
                args["product_id"] = product.id
                args["ingredient_slug"] = product.ingredient_slug
            else:
                args = _resolve_item(op.op, args, op.confidence, catalog, notes, flags.setdefault(index, []))
        if op.op == "add_purchase" and args.get("store"):
            best, _ = _pick(str(args["store"]), rank(str(args["store"]), suppliers), "store", notes)
            if best is not None:
                args["supplier_slug"] = best.key
        if op.op == "create_event":
            resolved_items = []
            for item in args.get("items", []):
                entry = dict(item)
                if entry.get("finished_good"):
                    name = str(entry["finished_good"])
                    best, alternatives = _pick(name, rank(name, goods), "finished good", notes)
                    if best is not None:
                        entry["finished_good_slug"] = best.key
                    entry["alternatives"] = [{"key": c.key, "label": c.label} for c in alternatives]
                resolved_items.append(entry)
            args["items"] = resolved_items
        ops.append(replace(op, args=args))
    return ResolvedInput(parsed, ops, notes, {i: f for i, f in flags.items() if f})
