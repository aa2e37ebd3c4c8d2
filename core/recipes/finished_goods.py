"""Finished goods: a finished unit sold as is (bare), or a bundle of units, goods and packaging."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog.entities import Extra


class AssemblyType(StrEnum):
    BARE = "bare"
    BUNDLE = "bundle"


class ComponentKind(StrEnum):
    FINISHED_UNIT = "finished_unit"
    FINISHED_GOOD = "finished_good"
    MATERIAL = "material"  # packaging, consumed at assembly


@dataclass(frozen=True, slots=True)
class FinishedGoodComponent:
    kind: ComponentKind
    slug: str
    quantity: Decimal
    sort_order: int = 0
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FinishedGood:
    slug: str
    display_name: str
    assembly_type: AssemblyType = AssemblyType.BARE
    components: tuple[FinishedGoodComponent, ...] = ()
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug
