"""A bakery's mixers and ovens, what one batch of a recipe takes of them, and mixes and oven loads per recipe.

A mixer holds `capacity` of `capacity_unit` (a volume or a weight: 20 QTL, 30 KGM); a recipe's use of it is
its batch size in a unit of the same dimension (8 QTL of dough a batch). An oven takes `pans_per_load` pans;
a recipe's use of it is the pans one batch fills (1.5). Without equipment a plan is exactly as before.

Mixes hold whole batches — the written recipe times a whole number — as many as fit, and the fewest mixes
that hold every batch: ceil(batches ÷ batches per mix), shared out evenly (5 batches, 3 a mix: 3 + 2). A batch
bigger than the mixer is split into the fewest equal parts that fit, each part its own mix. Oven loads count
whole pans: ceil(batches × pans per batch) pans, ceil(pans ÷ pans per load) loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.catalog.entities import Extra
from core.errors import ValidationError
from core.measures.quantities import ceil_whole, floor_whole, rounded
from core.measures.units import UNITS, Dimension, convert, symbol_for


class EquipmentKind(StrEnum):
    MIXER = "mixer"
    OVEN = "oven"


@dataclass(frozen=True, slots=True)
class RecipeUse:
    """What one batch of a recipe takes of a piece of equipment: a mixer's `amount` of `unit`, an oven's pans."""

    recipe_slug: str
    amount: Decimal
    unit: str = "H87"  # an oven's pans are pieces


@dataclass(frozen=True, slots=True)
class Equipment:
    slug: str
    name: str
    kind: EquipmentKind
    capacity: Decimal | None = None  # a mixer's, in `capacity_unit`
    capacity_unit: str | None = None
    pans_per_load: Decimal | None = None  # an oven's
    uses: tuple[RecipeUse, ...] = ()
    extra: Extra = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.slug

    def use_by(self, recipe_slug: str) -> RecipeUse | None:
        return next((u for u in self.uses if u.recipe_slug == recipe_slug), None)


def check_equipment(item: Equipment) -> None:
    """A mixer needs a capacity in a volume or weight and uses in the same dimension; an oven pans per load."""
    if item.kind is EquipmentKind.MIXER:
        if item.capacity is None or item.capacity <= 0 or item.capacity_unit is None:
            raise ValidationError(f"mixer {item.slug!r} needs a capacity greater than 0", field="capacity")
        dimension = UNITS[item.capacity_unit].dimension
        if dimension not in (Dimension.VOLUME, Dimension.MASS):
            raise ValidationError(f"mixer {item.slug!r}: capacity must be a volume or a weight, "
                                  f"not {symbol_for(item.capacity_unit)}", field="capacity_unit")
        for use in item.uses:
            if UNITS[use.unit].dimension is not dimension:
                raise ValidationError(
                    f"mixer {item.slug!r}: {use.recipe_slug}'s batch size is in {symbol_for(use.unit)}, which "
                    f"cannot be compared with its capacity in {symbol_for(item.capacity_unit)}", field="batch_unit")
    elif item.pans_per_load is None or item.pans_per_load <= 0 or item.pans_per_load != int(item.pans_per_load):
        raise ValidationError(f"oven {item.slug!r} needs a whole number of pans per load", field="pans_per_load")
    for use in item.uses:
        if use.amount <= 0:
            what = "batch_size" if item.kind is EquipmentKind.MIXER else "pans_per_batch"
            raise ValidationError(f"{item.slug!r}: {use.recipe_slug}'s use must be greater than 0", field=what)


@dataclass(frozen=True, slots=True)
class MixPlan:
    mixer_slug: str
    mixer_name: str
    capacity: Decimal
    capacity_unit: str
    batch_size: Decimal
    batch_unit: str
    batches: int
    batches_per_mix: int  # whole batches one mix holds (0 when a batch is split)
    split_into: int  # mixes one batch is split into (1: a batch fits)
    mixes: tuple[Decimal, ...]  # batches in each mix, largest first (0.5 for half a split batch)

    @property
    def count(self) -> int:
        return len(self.mixes)

    def describe(self) -> str:
        where = f"in the {self.mixer_name}"
        if self.split_into > 1:
            part = rounded(Decimal(1) / self.split_into)
            size = _amount(self.batch_size, self.batch_unit)
            return (f"{self.batches} batches → {self.count} mixes {where} (a batch of {size} is more than the "
                    f"mixer holds: each is split into {self.split_into} mixes of {part} batch)")
        groups = _groups(self.mixes)
        return f"{self.batches} batches → " + " and ".join(
            f"{n} {'mix' if n == 1 else 'mixes'} of {size:g}" for size, n in groups) + f" {where}"


@dataclass(frozen=True, slots=True)
class LoadPlan:
    oven_slug: str
    oven_name: str
    pans_per_batch: Decimal
    pans_per_load: int
    pans: int
    loads: int

    def describe(self) -> str:
        return (f"{self.pans} {'pan' if self.pans == 1 else 'pans'} → {self.loads} oven "
                f"{'load' if self.loads == 1 else 'loads'} in the {self.oven_name} ({self.pans_per_load} pans a load)")


def mixes_for(batches: int, mixer: Equipment, use: RecipeUse) -> MixPlan:
    """The fewest mixes of whole batches (or of equal parts of a batch too big for the mixer)."""
    assert mixer.capacity is not None and mixer.capacity_unit is not None
    size = convert(use.amount, use.unit, mixer.capacity_unit)
    per_mix = floor_whole(mixer.capacity / size)
    if per_mix >= 1:
        count = ceil_whole(Decimal(batches) / per_mix) if batches > 0 else 0
        mixes = _even(batches, count)
        split = 1
    else:
        split = ceil_whole(size / mixer.capacity)
        mixes = (Decimal(1) / split,) * (batches * split)
    return MixPlan(mixer.slug, mixer.name, mixer.capacity, mixer.capacity_unit, use.amount, use.unit, batches,
                   per_mix, split, mixes)


def loads_for(batches: int, oven: Equipment, use: RecipeUse) -> LoadPlan:
    """Whole pans for the batches, and the fewest loads that bake them."""
    assert oven.pans_per_load is not None
    pans = ceil_whole(batches * use.amount) if batches > 0 else 0
    per_load = int(oven.pans_per_load)
    return LoadPlan(oven.slug, oven.name, use.amount, per_load, pans, ceil_whole(Decimal(pans) / per_load))


def equipment_for(recipe_slug: str, equipment: dict[str, Equipment], kind: EquipmentKind
                  ) -> tuple[Equipment, RecipeUse] | None:
    """The mixer (or oven) a recipe uses: the first by slug that lists it."""
    for slug in sorted(equipment):
        item = equipment[slug]
        use = item.use_by(recipe_slug) if item.kind is kind else None
        if use is not None:
            return item, use
    return None


def _even(batches: int, count: int) -> tuple[Decimal, ...]:
    """`batches` shared out over `count` mixes as evenly as whole batches allow, largest first."""
    if count == 0:
        return ()
    base, bigger = divmod(batches, count)
    return tuple(Decimal(base + 1) for _ in range(bigger)) + tuple(Decimal(base) for _ in range(count - bigger))


def _groups(mixes: tuple[Decimal, ...]) -> list[tuple[Decimal, int]]:
    groups: dict[Decimal, int] = {}
    for size in mixes:
        groups[size] = groups.get(size, 0) + 1
    return sorted(groups.items(), reverse=True)


def _amount(quantity: Decimal, unit: str) -> str:
    return f"{rounded(quantity):f} {symbol_for(unit)}"
