"""A bakery's whole data set as plain values: what import produces, export and planning read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from core.catalog.entities import Ingredient, Material, MaterialProduct, Product, Supplier
from core.planning.equipment import Equipment
from core.planning.events import AssemblyRun, Event, ProductionRun, Recipient
from core.proposals.model import Proposal, ReceiptScan
from core.recipes.entities import FinishedUnit, Recipe
from core.recipes.finished_goods import FinishedGood
from core.stock.lots import Depletion, Lot, MaterialLot, Purchase
from core.stock.purchase_summary import PurchaseSummary

T = TypeVar("T")


@dataclass(slots=True)
class Bakery:
    """Every collection keyed by its entity's `key`. Dict order carries no meaning."""

    suppliers: dict[str, Supplier] = field(default_factory=dict)
    ingredients: dict[str, Ingredient] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    purchases: dict[str, Purchase] = field(default_factory=dict)
    lots: dict[str, Lot] = field(default_factory=dict)
    depletions: dict[str, Depletion] = field(default_factory=dict)
    recipes: dict[str, Recipe] = field(default_factory=dict)
    finished_units: dict[str, FinishedUnit] = field(default_factory=dict)
    finished_goods: dict[str, FinishedGood] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    production_runs: dict[str, ProductionRun] = field(default_factory=dict)
    assembly_runs: dict[str, AssemblyRun] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    material_products: dict[str, MaterialProduct] = field(default_factory=dict)
    material_lots: dict[str, MaterialLot] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)  # AI input awaiting or after review
    receipts: dict[str, ReceiptScan] = field(default_factory=dict)  # receipt photos being read
    equipment: dict[str, Equipment] = field(default_factory=dict)  # mixers and ovens, with what a batch takes
    # Desktop sections the core does not model (packages, batch decisions...), kept verbatim.
    passthrough: dict[str, Any] = field(default_factory=dict)
    # Per product, what was bought (core.stock.purchase_summary), as a store keeps it; None: derived from
    # `purchases` when needed. A planning read holds these instead of every purchase. Not a collection.
    purchase_summaries: dict[str, PurchaseSummary] | None = None
    # The production runs made for one event, as a store reads them on demand (a planning read keeps no other
    # run); None: taken from `production_runs`. Not a collection.
    event_runs: Callable[[str], list[ProductionRun]] | None = field(default=None, compare=False, repr=False)

    def finished_units_of(self, recipe_slug: str) -> list[FinishedUnit]:
        return sorted(
            (fu for fu in self.finished_units.values() if fu.recipe_slug == recipe_slug),
            key=lambda fu: fu.slug,
        )

    def lots_of(self, ingredient_slug: str) -> list[Lot]:
        return [lot for lot in self.lots.values() if lot.ingredient_slug == ingredient_slug]

    def find_event(self, name_or_slug: str) -> Event | None:
        """An event by slug, or by name (case-insensitive, "Name" or "Name YEAR")."""
        if name_or_slug in self.events:
            return self.events[name_or_slug]
        wanted = name_or_slug.strip().casefold()
        for event in sorted(self.events.values(), key=lambda e: e.slug):
            year = event.year or (event.event_date.year if event.event_date else None)
            if event.name.casefold() == wanted or f"{event.name} {year}".casefold() == wanted:
                return event
        return None

    def find_recipe(self, name_or_slug: str) -> Recipe | None:
        """A recipe by slug, or by its name (case-insensitive) when exactly one recipe has it."""
        return self.recipes.get(name_or_slug) or _only(r for r in self.recipes.values()
                                                       if r.name.casefold() == name_or_slug.strip().casefold())

    def find_finished_good(self, name_or_slug: str) -> FinishedGood | None:
        """A finished good by slug, or by its display name (case-insensitive) when exactly one good has it."""
        wanted = name_or_slug.strip().casefold()
        return self.finished_goods.get(name_or_slug) or _only(g for g in self.finished_goods.values()
                                                              if g.display_name.casefold() == wanted)

    def runs_for_event(self, event_slug: str) -> list[ProductionRun]:
        """The production runs made for an event (by id)."""
        if self.event_runs is not None:
            return self.event_runs(event_slug)
        return [self.production_runs[k] for k in sorted(self.production_runs)
                if self.production_runs[k].event_slug == event_slug]

    def counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)
                if f.name not in ("passthrough", "purchase_summaries", "event_runs")}


def _only(found: Iterable[T]) -> T | None:
    """The one item found; None when there are none or several (a name several things share names none)."""
    items = list(found)
    return items[0] if len(items) == 1 else None
