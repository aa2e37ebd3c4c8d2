"""Optional catalog resolution: match parsed names to the tenant's products, ingredients,
suppliers and finished goods, offering alternatives and flagging what matches nothing.

Matching is token overlap (lower-cased words, a trailing plural "s" dropped), so
"King Arthur flour" finds the product "King Arthur / All-Purpose Flour". A name
that is all digits is looked up as a UPC. A tie between the best candidates is
flagged instead of picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from core.bakery import Bakery
from core.desktop_format.mobile_import import product_by_upc
from core.speech.operations import Operation, ParsedInput

_MIN_SCORE = 0.5
_STOP = frozenset({"of", "the", "a", "an", "and", "bag", "bags", "box", "jar", "brand"})


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # "product", "ingredient", "finished_good", "supplier"
    key: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class ResolvedInput:
    """The parsed operations with catalog keys filled in where a match was clear."""

    parsed: ParsedInput
    operations: list[Operation] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

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
    items = _item_candidates(bakery)
    preferred = frozenset(p.id for p in bakery.products.values() if p.preferred)
    suppliers = [("supplier", s.slug, s.name) for s in bakery.suppliers.values()]
    # events ask for finished goods (a bare good wraps one finished unit), never units directly
    goods = [("finished_good", g.slug, g.display_name) for g in bakery.finished_goods.values()]
    ops: list[Operation] = []
    for op in parsed.operations:
        args = dict(op.args)
        if op.op in ("add_purchase", "adjust_inventory") and args.get("item_name"):
            name = str(args["item_name"])
            query = f"{args.get('brand') or ''} {name}".strip()
            if name.isdigit() and (product := product_by_upc(bakery, name)) is not None:
                args["product_id"] = product.id
                args["ingredient_slug"] = product.ingredient_slug
            else:
                best, alternatives = _pick(query, rank(query, items), "item", notes, preferred)
                if best is not None:
                    if best.kind == "product":
                        args["product_id"] = best.key
                        args["ingredient_slug"] = bakery.products[best.key].ingredient_slug
                    else:
                        args["ingredient_slug"] = best.key
                args["alternatives"] = [{"kind": c.kind, "key": c.key, "label": c.label} for c in alternatives]
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
    return ResolvedInput(parsed, ops, notes)
