"""Events (what is needed, for when), recipients, and the records of what was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog import Extra


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

    @property
    def key(self) -> str:
        return self.id


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

    @property
    def key(self) -> str:
        return self.id
