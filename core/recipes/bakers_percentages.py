"""A formula in baker's percentages: every ingredient's weight as a share of the flour's (flour = 100 %).

Which ingredients are flour: an ingredient whose record says `is_flour` (a field the desktop ignores, kept in
`extra`) is or is not; otherwise one whose display name or slug has the word "flour" ("Flour, all-purpose",
"bread_flour", "Gluten-free flour blend"; not "Flourless…"). The desktop's hierarchy is not used: its
"Other Flours" also holds rolled oats and cracker crumbs.

Weights come from the line's unit, through the ingredient's density (the baker's, else the reference table's)
or weight per piece. A line that cannot be weighed is listed with the reason and has no percentage: it is
never guessed. If a flour cannot be weighed, no percentage is given at all (the 100 % would be wrong).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.catalog.entities import Ingredient
from core.errors import ConversionError
from core.measures.units import ConversionBasis, convert
from core.recipes.scaling import IngredientLine

FLOUR_FIELD = "is_flour"
_FLOUR_WORD = re.compile(r"(?<![a-z])flours?(?![a-z])")


def is_flour(slug: str, ingredients: Mapping[str, Ingredient]) -> bool:
    ingredient = ingredients.get(slug)
    if ingredient is not None and isinstance(ingredient.extra.get(FLOUR_FIELD), bool):
        return bool(ingredient.extra[FLOUR_FIELD])
    names = [slug.replace("_", " ").replace("-", " ")]
    if ingredient is not None:
        names.append(ingredient.display_name)
    return any(_FLOUR_WORD.search(name.casefold()) for name in names)


@dataclass(frozen=True, slots=True)
class FormulaLine:
    ingredient_slug: str
    flour: bool
    grams: Decimal | None  # None: cannot be weighed
    percentage: Decimal | None  # of the flour's weight; None when it or the flour cannot be weighed
    why_not: str = ""  # why it cannot be weighed, naming the units


@dataclass(frozen=True, slots=True)
class Formula:
    lines: tuple[FormulaLine, ...]  # flours first, then by weight (heaviest first), unweighable last
    flour_grams: Decimal
    note: str = ""  # why there are no percentages, when there are none

    @property
    def has_percentages(self) -> bool:
        return not self.note

    @property
    def total_percentage(self) -> Decimal | None:
        """Σ of every weighed line's percentage (the formula's total, e.g. 165 %)."""
        if not self.has_percentages:
            return None
        return sum((line.percentage for line in self.lines if line.percentage is not None), Decimal(0))


def bakers_percentages(lines: Sequence[IngredientLine], ingredients: Mapping[str, Ingredient],
                       basis_of: Callable[[str], ConversionBasis]) -> Formula:
    """One line per ingredient (its recipe lines added up by weight), as a share of the flour's weight."""
    grams: dict[str, Decimal] = {}
    why_not: dict[str, str] = {}
    for line in lines:
        slug = line.ingredient_slug
        try:
            weight = convert(line.quantity, line.unit, "GRM", basis_of(slug))
        except ConversionError as exc:
            why_not[slug] = exc.message
            continue
        grams[slug] = grams.get(slug, Decimal(0)) + weight
    slugs = sorted({line.ingredient_slug for line in lines})
    flours = [s for s in slugs if is_flour(s, ingredients)]
    flour_grams = sum((grams.get(s, Decimal(0)) for s in flours if s not in why_not), Decimal(0))
    note = ""
    if not flours:
        note = "no flour in this recipe: baker's percentages need one (mark an ingredient is_flour to use it)"
    elif any(s in why_not for s in flours):
        note = "a flour cannot be weighed, so the flour's 100 % is unknown: " + "; ".join(
            why_not[s] for s in flours if s in why_not)
    elif flour_grams <= 0:
        note = "the flour weighs nothing"
    out = []
    for slug in slugs:
        weighed = slug not in why_not
        weighs = grams.get(slug) if weighed else None
        share = weighs * 100 / flour_grams if weighs is not None and not note else None
        out.append(FormulaLine(slug, slug in flours, weighs, share, why_not.get(slug, "")))
    out.sort(key=lambda f: (not f.flour, f.grams is None, -(f.grams or 0), f.ingredient_slug))
    return Formula(tuple(out), flour_grams, note)
