"""How an ingredient's name or slug is compared with the reference table's names.

Pure string rules, written down in docs/planning.md ("Reference densities"):
a name becomes one or more *keys*; two names match when they share a key.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9,]+")
_KEEP_ENDINGS = ("ss", "us", "is")
_ES_ENDINGS = ("sses", "shes", "ches", "xes", "zes")


def singular(word: str) -> str:
    """A word's singular by spelling alone: cherries → cherry, peaches → peach, chips → chip."""
    if len(word) <= 3 or word.endswith(_KEEP_ENDINGS):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("oes"):
        return word[:-2]
    if word.endswith(_ES_ENDINGS):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _parts(text: str) -> list[list[str]]:
    """Lowercase, accents and apostrophes dropped, '&' as 'and', '(x)' as ', x'; split at commas into words."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = folded.replace("&", " and ").replace("'", "").replace("\u2019", "")
    folded = folded.replace("(", ",").replace(")", " ")
    cleaned = _NOT_WORD.sub(" ", folded)
    parts = [[singular(w) for w in part.split()] for part in cleaned.split(",")]
    return [p for p in parts if p]


def name_keys(name: str) -> frozenset[str]:
    """Keys of a display name. Without commas: its words. With commas ("Head, q1, q2"):
    the parts reversed ("q2 q1 head") and the qualifiers in order before the head ("q1 q2 head")."""
    parts = _parts(name)
    if not parts:
        return frozenset()
    if len(parts) == 1:
        return frozenset({" ".join(parts[0])})
    head, rest = parts[0], parts[1:]
    reversed_parts = " ".join(" ".join(p) for p in [*reversed(rest), head])
    in_order = " ".join(" ".join(p) for p in [*rest, head])
    return frozenset({reversed_parts, in_order})


def written_key(name: str) -> str:
    """A name as written, commas dropped ("Flour, all-purpose" → "flour all purpose"): how desktop slugs read."""
    return " ".join(" ".join(p) for p in _parts(name))


def slug_key(slug: str) -> str:
    """A slug's key: underscores and hyphens are spaces (flour_all_purpose → "flour all purpose")."""
    return written_key(slug.replace("_", " ").replace("-", " ").replace(",", " "))
