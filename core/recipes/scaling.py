"""What one batch of a recipe needs, its nested component recipes included."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.errors import CycleError, NotFoundError
from core.recipes.entities import Recipe


@dataclass(frozen=True, slots=True)
class IngredientLine:
    """An amount of an ingredient in a recipe's own unit, reached through `path` (recipe slugs)."""

    ingredient_slug: str
    quantity: Decimal
    unit: str
    path: tuple[str, ...]


def ingredient_lines_per_batch(recipe_slug: str, recipes: Mapping[str, Recipe]) -> list[IngredientLine]:
    """Every ingredient line of one batch, with components scaled by their batch multiplier.

    Units are left as each recipe wrote them; callers convert once they know
    the ingredient. A cycle among components raises `CycleError` naming it.
    """
    lines: list[IngredientLine] = []
    _collect(recipe_slug, Decimal(1), (), recipes, lines)
    return lines


def _collect(
    slug: str,
    multiplier: Decimal,
    path: tuple[str, ...],
    recipes: Mapping[str, Recipe],
    out: list[IngredientLine],
) -> None:
    if slug in path:
        cycle = " -> ".join((*path[path.index(slug):], slug))
        raise CycleError(f"recipe components form a cycle: {cycle}", field="components")
    recipe = recipes.get(slug)
    if recipe is None:
        where = f" (component of {path[-1]})" if path else ""
        raise NotFoundError(f"unknown recipe {slug!r}{where}", field="recipe")
    here = (*path, slug)
    for line in recipe.ingredients:
        out.append(IngredientLine(line.ingredient_slug, line.quantity * multiplier, line.unit, here))
    for component in recipe.components:
        _collect(component.recipe_slug, multiplier * component.quantity, here, recipes, out)


def check_no_component_cycles(recipes: Mapping[str, Recipe]) -> None:
    """Raise `CycleError` if any recipe reaches itself through components."""
    for slug in sorted(recipes):
        ingredient_lines_per_batch(slug, recipes)
