"""A small language for building bakeries in tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Product, Supplier
from core.measures.units import Density, parse_unit
from core.planning.events import Event, EventFinishedGood, ProductionRun
from core.recipes.entities import FinishedUnit, Recipe, RecipeComponent, RecipeIngredient, YieldMode
from core.recipes.finished_goods import AssemblyType, ComponentKind, FinishedGood, FinishedGoodComponent
from core.stock.lots import Lot, Purchase


def D(value: str | int | float) -> Decimal:
    return Decimal(str(value))


class BakeryBuilder:
    def __init__(self) -> None:
        self.bakery = Bakery()

    def supplier(self, slug: str, name: str) -> BakeryBuilder:
        self.bakery.suppliers[slug] = Supplier(slug, name)
        return self

    def ingredient(self, slug: str, density: tuple[str, str, str, str] | None = None) -> BakeryBuilder:
        dens = Density.from_fields(D(density[0]), density[1], D(density[2]), density[3]) if density else None
        self.bakery.ingredients[slug] = Ingredient(slug, slug.replace("_", " ").capitalize(), density=dens)
        return self

    def recipe(
        self,
        slug: str,
        lines: list[tuple[str, str | int | float, str]] | None = None,
        components: list[tuple[str, str | int | float]] | None = None,
    ) -> BakeryBuilder:
        for ingredient, _, _ in lines or []:
            if ingredient not in self.bakery.ingredients:
                self.ingredient(ingredient)
        self.bakery.recipes[slug] = Recipe(
            slug,
            slug.replace("-", " ").title(),
            ingredients=tuple(RecipeIngredient(i, D(q), parse_unit(u).code) for i, q, u in lines or []),
            components=tuple(RecipeComponent(r, D(q)) for r, q in components or []),
        )
        return self

    def unit(self, slug: str, recipe: str, per_batch: str | int = 1) -> BakeryBuilder:
        self.bakery.finished_units[slug] = FinishedUnit(slug, recipe, slug, items_per_batch=D(per_batch))
        return self

    def portion(self, slug: str, recipe: str, percentage: str | int) -> BakeryBuilder:
        self.bakery.finished_units[slug] = FinishedUnit(
            slug, recipe, slug, YieldMode.BATCH_PORTION, batch_percentage=D(percentage)
        )
        return self

    def bundle(self, slug: str, parts: list[tuple[str, str | int | float]]) -> BakeryBuilder:
        """Parts name finished units or goods; whichever exists decides the kind."""
        components = tuple(
            FinishedGoodComponent(
                ComponentKind.FINISHED_UNIT if name in self.bakery.finished_units else ComponentKind.FINISHED_GOOD,
                name,
                D(quantity),
                order,
            )
            for order, (name, quantity) in enumerate(parts)
        )
        self.bakery.finished_goods[slug] = FinishedGood(slug, slug.title(), AssemblyType.BUNDLE, components)
        return self

    def event(self, slug: str, wanted: list[tuple[str, str | int | float]]) -> BakeryBuilder:
        goods = tuple(EventFinishedGood(name, D(q)) for name, q in wanted)
        self.bakery.events[slug] = Event(slug, slug.replace("-", " ").title(), finished_goods=goods)
        return self

    def product(
        self, pid: str, ingredient: str, size: str | int, unit: str, *, preferred: bool = True,
        supplier: str | None = None,
    ) -> BakeryBuilder:
        if supplier and supplier not in self.bakery.suppliers:
            self.bakery.suppliers[supplier] = Supplier(supplier, supplier.title())
        self.bakery.products[pid] = Product(
            pid, ingredient, "Brand", pid, parse_unit(unit).code, D(size), preferred=preferred,
            preferred_supplier_slug=supplier,
        )
        return self

    def lot(self, lot_id: str, product: str, quantity: str | int, day: str = "2026-01-01",
            unit_cost: str | None = None) -> BakeryBuilder:
        p = self.bakery.products[product]
        self.bakery.lots[lot_id] = Lot(
            lot_id, product, p.ingredient_slug, D(quantity), p.package_unit,
            D(unit_cost) if unit_cost else None, dt.date.fromisoformat(day),
        )
        return self

    def purchase(self, pid: str, product: str, packages: str | int, price: str, supplier: str | None,
                 day: str = "2026-01-01") -> BakeryBuilder:
        self.bakery.purchases[pid] = Purchase(pid, product, supplier, dt.date.fromisoformat(day), D(packages), D(price))
        return self

    def production(self, run_id: str, recipe: str, batches: str | int, event: str | None) -> BakeryBuilder:
        self.bakery.production_runs[run_id] = ProductionRun(
            run_id, recipe, D(batches), dt.datetime(2026, 12, 1), event_slug=event
        )
        return self
