"""Slugs and name matching the way the desktop writes them."""

from __future__ import annotations

import re
import unicodedata


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def hyphen_slug(name: str) -> str:
    """"Toasted Almond Sablés" → "toasted-almond-sables" (the desktop's recipe slugs)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower()).strip("-")


def underscore_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", ascii_fold(name).lower()).strip("_")


def match_keys(text: str) -> set[str]:
    """Keys under which a name or slug is found, whatever its separators, case or accents."""
    lowered = text.casefold().strip()
    return {
        re.sub(r"[^0-9a-z]+", "", ascii_fold(lowered)),
        re.sub(r"[^0-9a-z]+", "", lowered),  # the desktop once dropped accented letters
        re.sub(r"[\W_]+", "", lowered),  # keeps accented letters
    } - {""}


class NameIndex:
    """Finds an entity's key by any of its names or slugs.

    Matching goes from strict to loose: the key itself, then a name or slug equal but for
    case, then equal whatever the separators or accents. The first step that finds anything
    decides; when it finds several keys the name is ambiguous and `find` returns None
    (`candidates` lists them, so the caller can say so)."""

    def __init__(self) -> None:
        self._keys: dict[str, set[str]] = {}
        self._names: dict[str, set[str]] = {}
        self._exact: set[str] = set()

    def add(self, key: str, *names: str | None) -> None:
        self._exact.add(key)
        for name in (key, *names):
            if name:
                self._names.setdefault(name.casefold().strip(), set()).add(key)
                for k in match_keys(name):
                    self._keys.setdefault(k, set()).add(key)

    def candidates(self, name: str | None) -> list[str]:
        """Every key `name` could mean, sorted: none, one, or several (ambiguous)."""
        if not name:
            return []
        if name in self._exact:
            return [name]
        same = self._names.get(name.casefold().strip(), set())
        if same:
            return sorted(same)
        found: set[str] = set()
        for k in match_keys(name):
            found |= self._keys.get(k, set())
        return sorted(found)

    def find(self, name: str | None) -> str | None:
        found = self.candidates(name)
        return found[0] if len(found) == 1 else None
