"""Recipes, their ingredient lines, nested component recipes, and what a batch yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog.entities import Extra


@dataclass(frozen=True, slots=True)
class RecipeIngredient:
    ingredient_slug: str
    quantity: Decimal  # per batch
    unit: str  # UN/CEFACT code
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecipeComponent:
    """Another recipe used inside this one: `quantity` batches of it per batch of this."""

    recipe_slug: str
    quantity: Decimal
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recipe:
    slug: str
    name: str
    category: str = ""
    ingredients: tuple[RecipeIngredient, ...] = ()
    components: tuple[RecipeComponent, ...] = ()
    base_recipe_slug: str | None = None  # set on a variant
    variant_name: str | None = None
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug

    @property
    def is_variant(self) -> bool:
        return self.base_recipe_slug is not None


class YieldMode(StrEnum):
    DISCRETE_COUNT = "discrete_count"  # items_per_batch items of item_unit
    BATCH_PORTION = "batch_portion"  # batch_percentage % of one batch


@dataclass(frozen=True, slots=True)
class FinishedUnit:
    """What one batch of a recipe yields, counted one way (36 cookies, or a quarter bundt)."""

    slug: str
    recipe_slug: str
    display_name: str
    yield_mode: YieldMode = YieldMode.DISCRETE_COUNT
    items_per_batch: Decimal = Decimal(1)
    item_unit: str = "batch"
    batch_percentage: Decimal = Decimal(100)
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug

    @property
    def units_per_batch(self) -> Decimal:
        """How many of this unit one batch yields (a 25% portion: 4)."""
        if self.yield_mode is YieldMode.BATCH_PORTION:
            return Decimal(100) / self.batch_percentage
        return self.items_per_batch
