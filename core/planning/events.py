"""Events (what is needed, for when), recipients, and the records of what was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog.entities import Extra
from core.recipes.finished_goods import ComponentKind
from core.stock.lots import LotDraw


class PlanState(StrEnum):
    DRAFT = "draft"
    LOCKED = "locked"
    IN_PRODUCTION = "in_production"
    COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class EventFinishedGood:
    finished_good_slug: str
    quantity: Decimal
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProductionTarget:
    """Older files state needs as batches of a recipe."""

    recipe_slug: str
    target_batches: Decimal
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssemblyTarget:
    finished_good_slug: str
    target_quantity: Decimal
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecipientPackage:
    recipient_name: str
    package_name: str
    quantity: Decimal = Decimal(1)
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    slug: str
    name: str
    event_date: dt.date | None = None
    year: int | None = None
    plan_state: PlanState = PlanState.DRAFT
    recipe_slugs: tuple[str, ...] = ()  # recipes selected for the event
    finished_goods: tuple[EventFinishedGood, ...] = ()
    production_targets: tuple[ProductionTarget, ...] = ()
    assembly_targets: tuple[AssemblyTarget, ...] = ()
    recipient_packages: tuple[RecipientPackage, ...] = ()
    output_mode: str | None = None
    notes: str = ""
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    household_name: str = ""
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name


class LossCategory(StrEnum):
    BURNT = "burnt"
    BROKEN = "broken"
    CONTAMINATED = "contaminated"
    DROPPED = "dropped"
    WRONG_INGREDIENTS = "wrong_ingredients"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Loss:
    category: LossCategory
    quantity: Decimal
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NotDeducted:
    """Part of a run's need left in stock because none of the lots FIFO would take can be converted into it.

    The goods were made, so the run is recorded; stock is never guessed, so those lots stay untouched
    for this part. `reason` names the item, the lots and both units and why; `fix` says what would let
    it convert ("set the density of salt_kosher (1 cup = … oz)").
    """

    item_slug: str  # the ingredient (or packaging material)
    quantity: Decimal  # what was not deducted, in `unit`
    unit: str  # the unit it was needed in (UN/CEFACT code)
    reason: str
    fix: str
    lot_ids: tuple[str, ...] = ()  # the lots that cannot be converted, oldest first


def _has_not_deducted(not_deducted: tuple[NotDeducted, ...], extra: Extra) -> bool:
    """Also true for a run read back from a desktop file, whose list the import keeps in `extra`."""
    return bool(not_deducted) or bool(extra.get("not_deducted"))


@dataclass(frozen=True, slots=True)
class ProductionRun:
    """Batches of a recipe actually made (for an event or not)."""

    id: str
    recipe_slug: str
    batches: Decimal
    produced_at: dt.datetime
    event_slug: str | None = None
    finished_unit_slug: str | None = None
    expected_yield: Decimal = Decimal(0)
    actual_yield: Decimal = Decimal(0)
    losses: tuple[Loss, ...] = ()
    ingredient_cost: Decimal = Decimal(0)
    notes: str = ""
    extra: Extra = field(default_factory=dict)
    lot_draws: tuple[LotDraw, ...] = ()  # what the run took from which lot (empty for imported runs)
    not_deducted: tuple[NotDeducted, ...] = ()  # needs left in stock: their lots cannot be converted

    @property
    def key(self) -> str:
        return self.id

    @property
    def has_not_deducted(self) -> bool:
        return _has_not_deducted(self.not_deducted, self.extra)

    @property
    def ingredient_cost_complete(self) -> bool:
        """False when some lot drawn had no known cost or some need was not deducted.

        `ingredient_cost` is then a lower bound (the known part of what was deducted).
        """
        return not self.has_not_deducted and all(draw.cost is not None for draw in self.lot_draws)

    @property
    def cost_per_unit(self) -> Decimal | None:
        """Ingredient cost per unit actually produced; None when nothing was produced or the cost is incomplete."""
        if self.actual_yield <= 0 or not self.ingredient_cost_complete:
            return None
        return self.ingredient_cost / self.actual_yield


@dataclass(frozen=True, slots=True)
class ItemUse:
    """Finished units or goods an assembly run took from finished stock."""

    kind: ComponentKind  # FINISHED_UNIT or FINISHED_GOOD
    slug: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class AssemblyRun:
    id: str
    finished_good_slug: str
    quantity: Decimal
    assembled_at: dt.datetime
    event_slug: str | None = None
    packaging_cost: Decimal = Decimal(0)
    notes: str = ""
    extra: Extra = field(default_factory=dict)
    items_used: tuple[ItemUse, ...] = ()  # empty for imported runs: their good's composition is assumed
    material_draws: tuple[LotDraw, ...] = ()
    not_deducted: tuple[NotDeducted, ...] = ()  # packaging left in stock: its lots cannot be converted

    @property
    def key(self) -> str:
        return self.id

    @property
    def has_not_deducted(self) -> bool:
        return _has_not_deducted(self.not_deducted, self.extra)

    @property
    def packaging_cost_complete(self) -> bool:
        """False when some lot drawn had no known cost or some packaging was not deducted (a lower bound)."""
        return not self.has_not_deducted and all(draw.cost is not None for draw in self.material_draws)
