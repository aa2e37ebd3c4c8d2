"""Reading a desktop export (versions 4.0–4.3) into a `Bakery`, all or nothing.

Every problem in the file is collected (entity, index, field, message); the
bakery is only usable when there are none. References resolve by slug or by
name, whatever the separators, case or accents, since the desktop's own
exporter names recipes, events and goods by name. See docs/import-export.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Ingredient, Material, MaterialProduct, Product, Supplier
from core.desktop_format import run_details as details
from core.desktop_format.problems import ImportProblem, Reader, read_purchase
from core.desktop_format.slugs import NameIndex, hyphen_slug, underscore_slug
from core.desktop_format.spelling import keep
from core.errors import BakeTrackerError
from core.measures.units import Density, symbol_for
from core.planning.buffers import BUFFER_FIELD, MARGIN_FIELD, percentage_field
from core.planning.events import (
    AssemblyRun,
    AssemblyTarget,
    Event,
    EventFinishedGood,
    PlanState,
    ProductionRun,
    ProductionTarget,
    Recipient,
    RecipientPackage,
)
from core.recipes.entities import FinishedUnit, Recipe, RecipeComponent, RecipeIngredient, YieldMode
from core.recipes.finished_goods import AssemblyType, ComponentKind, FinishedGood, FinishedGoodComponent
from core.recipes.scaling import check_no_component_cycles
from core.stock.lots import Lot

SUPPORTED_VERSIONS = ("4.0", "4.1", "4.2", "4.3")

_RECIPE_FIX = "name it by `recipe_slug`"
# A recipe's own finished_units list: the fields that are the unit itself; any other is kept under IN_RECIPE.
_EMBEDDED_UNIT_FIELDS = {"slug", "name", "display_name", "yield_mode", "unit_yield_quantity", "unit_yield_unit",
                         "items_per_batch", "item_unit", "batch_percentage", "portion_description"}
IN_RECIPE = "_in_recipe"
# Bakery.passthrough: compositions of packages (the core models goods' compositions only), written back as they were.
PACKAGE_COMPOSITIONS = "_package_compositions"
# An event's extra: what its event_recipes rows said beyond the event and recipe, by recipe slug.
EVENT_RECIPE_ROWS = "_event_recipes"
_GOOD_FIX = "name it by `finished_good_slug` (this project's exports write it), or give the goods different names"

# Sections read into the model; anything else in the file is kept verbatim (Bakery.passthrough).
MODELLED_SECTIONS = {
    "version", "exported_at", "application", "suppliers", "ingredients", "products", "purchases",
    "inventory_items", "recipes", "finished_units", "finished_goods", "compositions", "recipients", "events",
    "event_recipes", "event_finished_goods", "event_production_targets", "event_assembly_targets",
    "event_recipient_packages", "production_runs", "assembly_runs", "materials", "material_products",
    "inventory_depletions", "material_lots", "equipment",
}


@dataclass
class DesktopImport:
    bakery: Bakery
    problems: list[ImportProblem] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = [f"{count} {name.replace('_', ' ')}" for name, count in self.added.items() if count]
        lines = ["would add or update: " + (", ".join(parts) if parts else "nothing")]
        return "\n".join(lines + [f"note: {n}" for n in self.notices])


def import_desktop(data: Mapping[str, Any]) -> DesktopImport:
    """A new bakery from one desktop export."""
    return import_into(Bakery(), data)


def validate_desktop(data: Mapping[str, Any]) -> list[ImportProblem]:
    return import_desktop(data).problems


def import_into(base: Bakery, data: Mapping[str, Any], *, placeholders: bool = True) -> DesktopImport:
    """Merge a desktop export into a copy of `base`; `base` itself is never changed.

    With `placeholders=False` an ingredient nobody defines is always a problem (API writes)."""
    reader = _FileReader(base, data)
    if not placeholders:
        reader.catalog_given = True
    reader.read()
    return DesktopImport(reader.bakery, reader.problems, reader.added, reader.notices)


def product_key(ingredient_slug: str, brand: str, product_name: str, size: Decimal, unit: str) -> str:
    """A product's id from its natural key, so the same product gets the same id in any file."""
    size_text = format(size.normalize(), "f")
    parts = [ingredient_slug, underscore_slug(brand) or "_", underscore_slug(product_name) or "_", f"{size_text}{unit}"]
    return "~".join(parts)


def ambiguous(ref: str, what: str, candidates: list[str], fix: str) -> str:
    listed = ", ".join(candidates)
    return f"ambiguous: {len(candidates)} {what}s are named {ref!r} ({listed}); {fix}"


def supplier_display_name(supplier: Supplier) -> str:
    """The desktop's name for a supplier in references ("Costco (Waltham, MA)", "King Arthur (Online)")."""
    if supplier.supplier_type == "online":
        return f"{supplier.name} (Online)"
    if supplier.city and supplier.state:
        return f"{supplier.name} ({supplier.city}, {supplier.state})"
    return supplier.name


def desktop_base_slug(name: str) -> str:
    """How the desktop's exporter names a variant's base: its name, lower case, spaces as underscores."""
    return name.lower().replace(" ", "_")


def _kept(record: Mapping[str, Any], field_name: str, written: Any) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    keep(kept, record, field_name, written)
    return kept


def _digest(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def _row_key(row: object) -> str:
    return json.dumps(row, default=str, sort_keys=True)


def _copy(base: Bakery) -> Bakery:
    copied = Bakery()
    for name in base.counts():
        setattr(copied, name, dict(getattr(base, name)))
    copied.passthrough = dict(base.passthrough)
    return copied


def _check_percentages(r: Reader, extra: Mapping[str, Any], owner: str, fields: Mapping[str, int]) -> None:
    """This project's planning fields the desktop ignores (a buffer, a target margin): numbers in range."""
    for name, below in fields.items():
        try:
            percentage_field(extra, name, owner=owner, below=below)
        except BakeTrackerError as exc:
            r.fail(name, exc.message)


class _FileReader:
    def __init__(self, base: Bakery, data: Mapping[str, Any]) -> None:
        self.data = data
        self.bakery = _copy(base)
        self.problems: list[ImportProblem] = []
        self.notices: list[str] = []
        # A file without an ingredients section (like the desktop's sample_data_min) leans on a
        # catalog it does not carry: ingredients it names but nobody defines become placeholders.
        self.catalog_given = "ingredients" in data if isinstance(data, Mapping) else True
        self.added: dict[str, int] = {}
        self.suppliers = NameIndex()
        self.supplier_ids: dict[str, str] = {}
        self.recipes = NameIndex()
        self.goods = NameIndex()
        self.units = NameIndex()
        self.events = NameIndex()
        self.products_by_name: dict[tuple[str, str, str], list[str]] = {}
        self._seen_products: set[str] = set()
        self._seen_lots: set[str] = set()
        self._seen_recipes: set[str] = set()
        self._embedded_units: list[tuple[Reader, str]] = []
        for s in self.bakery.suppliers.values():
            self.suppliers.add(s.slug, s.name, supplier_display_name(s))
        # What the bakery had before this file: a record without a slug updates the one of the same name.
        self.existing_recipes = NameIndex()
        self.existing_events = NameIndex()
        for r in self.bakery.recipes.values():
            self.recipes.add(r.slug, r.name)
            self.existing_recipes.add(r.slug, r.name)
        for g in self.bakery.finished_goods.values():
            self.goods.add(g.slug, g.display_name)
        for u in self.bakery.finished_units.values():
            self.units.add(u.slug, u.display_name)
        for e in self.bakery.events.values():
            self.events.add(e.slug, e.name)
            self.existing_events.add(e.slug, f"{e.name} {e.year}" if e.year else e.name)
        for p in self.bakery.products.values():
            self._index_product(p)

    # -- plumbing ---------------------------------------------------------------------------
    def records(self, section: str) -> list[tuple[Reader, int]]:
        value = self.data.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(ImportProblem(section, None, None, f"expected a list, found {type(value).__name__}"))
            return []
        return [(Reader(self.problems, section, i, record), i) for i, record in enumerate(value)]

    def put(self, collection: str, item: Any) -> None:
        getattr(self.bakery, collection)[item.key] = item
        self.added[collection] = self.added.get(collection, 0) + 1

    def resolve(self, r: Reader, field_name: str, ref: str, index: NameIndex, what: str, fix: str) -> str | None:
        """The key `ref` names in `index`; a name several share, or none, is a problem saying which and how."""
        found = index.candidates(ref)
        if len(found) == 1:
            return found[0]
        if found:
            r.fail(field_name, ambiguous(ref, what, found, fix))
        else:
            r.fail(field_name, f"no {what} {ref!r} in the file" if ref else "is required")
        return None

    def read(self) -> None:
        if not isinstance(self.data, Mapping):
            self.problems.append(ImportProblem("file", None, None, "expected a JSON object"))
            return
        self._header()
        self._suppliers()
        self._ingredients()
        self._products()
        self._purchases_and_lots()
        self._recipes()
        self._finished_units()
        self._finished_goods()
        self._recipients()
        self._events()
        self._runs()
        self._materials()
        self._stock_history()
        self._equipment()
        for key, value in self.data.items():
            if key not in MODELLED_SECTIONS:
                self.bakery.passthrough[key] = value
        if not self.problems:
            try:
                check_no_component_cycles(self.bakery.recipes)
            except BakeTrackerError as exc:
                self.problems.append(ImportProblem("recipes", None, "components", exc.message))

    def _header(self) -> None:
        version = self.data.get("version")
        if version is not None and str(version) not in SUPPORTED_VERSIONS:
            supported = ", ".join(SUPPORTED_VERSIONS)
            self.problems.append(
                ImportProblem("file", None, "version", f"version {version!r} is not supported ({supported})")
            )
        application = self.data.get("application")
        if application is not None and application != "bake-tracker":
            self.problems.append(
                ImportProblem("file", None, "application", f"expected 'bake-tracker', found {application!r}")
            )

    # -- catalog ----------------------------------------------------------------------------
    def _suppliers(self) -> None:
        known = {"slug", "name", "city", "state", "supplier_type", "is_active"}
        for r, _ in self.records("suppliers"):
            name = r.text("name", required=True)
            slug = r.text("slug") or underscore_slug(name)
            if not name:
                continue
            supplier = Supplier(
                slug=slug,
                name=name,
                city=r.text("city"),
                state=r.text("state"),
                supplier_type=r.text("supplier_type", default="physical"),
                is_active=r.flag("is_active", True),
                extra=r.extra(known),
            )
            self.put("suppliers", supplier)
            self.suppliers.add(slug, name, supplier_display_name(supplier))
            if r.has("id"):
                self.supplier_ids[str(r.record["id"])] = slug

    def _supplier_ref(self, r: Reader, *fields: str) -> str | None:
        for f in fields:
            value = r.record.get(f)
            if value is None or value == "":
                continue
            if f.endswith("_id"):
                slug = self.supplier_ids.get(str(value))
                if slug is None:
                    r.fail(f, f"no supplier with id {value!r} in the file")
                return slug
            return self.resolve(r, f, str(value), self.suppliers, "supplier", f"name it by its slug ({fields[0]})")
        return None

    def _ingredients(self) -> None:
        known = {
            "slug", "display_name", "category", "hierarchy_level", "parent_slug", "is_packaging",
            "density_volume_value", "density_volume_unit", "density_weight_value", "density_weight_unit",
            "grams_per_item",
        }
        for r, _ in self.records("ingredients"):
            slug = r.text("slug", required=True)
            name = r.text("display_name") or r.text("name") or slug
            if not slug:
                continue
            density = self._density(r)
            extra = r.extra(known)
            if density is not None:
                keep(extra, r.record, "density_volume_unit", symbol_for(density.volume_unit))
                keep(extra, r.record, "density_weight_unit", symbol_for(density.weight_unit))
            self.put(
                "ingredients",
                Ingredient(
                    slug=slug,
                    display_name=name,
                    category=r.text("category"),
                    hierarchy_level=r.whole("hierarchy_level", default=2) or 0,
                    parent_slug=r.optional_text("parent_slug"),
                    density=density,
                    grams_per_item=r.number("grams_per_item", minimum="positive"),
                    is_packaging=r.flag("is_packaging"),
                    extra=extra,
                ),
            )

    def _density(self, r: Reader) -> Density | None:
        names = ("density_volume_value", "density_volume_unit", "density_weight_value", "density_weight_unit")
        present = [n for n in names if r.has(n)]
        if not present:
            return None
        if len(present) < 4:
            missing = ", ".join(n for n in names if n not in present)
            r.fail(missing.split(",")[0], f"a density needs all four fields; missing {missing}")
            return None
        volume = r.number("density_volume_value", minimum="positive")
        weight = r.number("density_weight_value", minimum="positive")
        volume_unit = r.unit("density_volume_unit")
        weight_unit = r.unit("density_weight_unit")
        if volume is None or weight is None or volume_unit is None or weight_unit is None:
            return None
        try:
            return Density.from_fields(volume, volume_unit, weight, weight_unit)
        except BakeTrackerError as exc:
            r.fail(exc.field or "density_volume_unit", exc.message)
            return None

    def _require_ingredient(self, r: Reader, slug: str, context: str) -> None:
        if not slug or slug in self.bakery.ingredients:
            return
        if self.catalog_given:
            r.fail("ingredient_slug", f"no ingredient {slug!r} in the file{context}")
            return
        name = slug.replace("_", " ").capitalize()
        self.put("ingredients", Ingredient(slug, name, extra={"placeholder": True}))
        self.notices.append(f"ingredient {slug!r} is not defined in the file; added as a placeholder")

    def _index_product(self, product: Product) -> None:
        for key in (
            (product.ingredient_slug, product.brand.casefold(), product.product_name.casefold()),
            (product.ingredient_slug, product.brand.casefold(), "*"),
            (product.ingredient_slug, "*", "*"),
        ):
            ids = self.products_by_name.setdefault(key, [])
            if product.id not in ids:
                ids.append(product.id)

    def _products(self) -> None:
        known = {
            "ingredient_slug", "brand", "product_name", "package_unit", "package_unit_quantity", "package_type",
            "upc_code", "gtin", "preferred", "preferred_supplier_slug", "preferred_supplier_name",
            "preferred_supplier_id", "is_hidden", "id",
        }
        for r, _ in self.records("products"):
            ingredient = r.text("ingredient_slug", required=True)
            self._require_ingredient(r, ingredient, "")
            unit = r.unit("package_unit")
            size = r.number("package_unit_quantity", required=True, minimum="positive")
            brand, name = r.text("brand"), r.text("product_name")
            supplier = self._supplier_ref(
                r, "preferred_supplier_slug", "preferred_supplier_name", "preferred_supplier_id"
            )
            if not ingredient or unit is None or size is None:
                continue
            product_extra = r.extra(known)  # is_preferred: kept as written (an alias)
            keep(product_extra, r.record, "package_unit", symbol_for(unit))
            chosen = self.bakery.suppliers.get(supplier) if supplier else None
            keep(product_extra, r.record, "preferred_supplier_name", supplier_display_name(chosen) if chosen else None)
            keep(product_extra, r.record, "preferred_supplier_id", chosen.extra.get("id") if chosen else None)
            product = Product(
                id=r.text("id") or product_key(ingredient, brand, name, size, unit),
                ingredient_slug=ingredient,
                brand=brand,
                product_name=name,
                package_unit=unit,
                package_unit_quantity=size,
                package_type=r.text("package_type"),
                upc=r.text("upc_code"),
                gtin=r.text("gtin"),
                preferred=r.flag("preferred") or r.flag("is_preferred"),
                preferred_supplier_slug=supplier,
                is_hidden=r.flag("is_hidden"),
                extra=product_extra,
            )
            if product.id in self._seen_products:
                r.fail("product_name", f"duplicate product {product.label} ({size} {r.text('package_unit')})")
                continue
            self._seen_products.add(product.id)
            self.put("products", product)
            self._index_product(product)

    def _product_ref(self, r: Reader) -> Product | None:
        """A product named by UPC, or by ingredient + brand (+ product name, + package size)."""
        upc = r.text("upc_code") or r.text("upc")
        if upc:
            found = [p for p in self.bakery.products.values() if p.upc == upc or p.gtin == upc]
            if len(found) == 1:
                return found[0]
        ingredient = r.text("ingredient_slug", required=True)
        brand = (r.text("product_brand") or r.text("brand")).casefold()
        name = r.text("product_name").casefold()
        keys = [(ingredient, brand, name), (ingredient, brand, "*")]
        if not brand:  # a brand that matches nothing is a problem, not a cue to guess
            keys.append((ingredient, "*", "*"))
        for key in keys:
            candidates = self.products_by_name.get(key, [])
            if len(candidates) > 1 and r.has("package_unit_quantity"):
                size = r.number("package_unit_quantity")
                candidates = [c for c in candidates if self.bakery.products[c].package_unit_quantity == size]
            if len(candidates) == 1:
                return self.bakery.products[candidates[0]]
            if len(candidates) > 1:
                r.fail("product_name", f"matches {len(candidates)} products of {ingredient}; name the product")
                return None
        if ingredient:
            r.fail("product_brand", f"no product of {ingredient!r} by {r.text('product_brand')!r} in the file")
        return None

    def _purchases_and_lots(self) -> None:
        purchase_known = {  # brand, upc, supplier, supplier_name, purchased_at: kept as written (aliases)
            "ingredient_slug", "product_brand", "product_name", "upc_code", "supplier_slug", "purchase_date",
            "quantity_purchased", "unit_price", "unit_cost", "total_cost", "notes", "package_unit_quantity", "id",
        }
        has_lots = bool(self.data.get("inventory_items"))
        for r, _ in self.records("purchases"):
            product = self._product_ref(r)
            supplier = self._supplier_ref(r, "supplier_slug", "supplier", "supplier_name", "supplier_id")
            day = r.date("purchased_at") or r.date("purchase_date", required=True)
            packages = r.number("quantity_purchased", required=True, minimum="positive")
            price_field = "unit_price" if r.has("unit_price") else "unit_cost"
            price = r.number(price_field, required=True, minimum="positive")
            if product is None or day is None or packages is None or price is None:
                continue
            notes = r.text("notes")
            purchase_id = r.text("id") or f"purchase-{_digest(product.id, supplier, day, packages, price, notes)}"
            bought = read_purchase(r, product, purchase_id, packages, price, day, supplier, notes)
            if bought is None:
                continue
            purchase, lot = bought
            extra = r.extra(purchase_known) | ({"unit_cost_field": True} if price_field == "unit_cost" else {})
            keep(extra, r.record, "purchase_date", day.isoformat())
            keep(extra, r.record, "id", purchase_id)
            self.put("purchases", replace(purchase, extra=extra))
            if not has_lots:  # a file without inventory: each purchase's stock is its own lot
                self.put("lots", lot)
        lot_known = {  # brand, upc: kept as written (aliases)
            "ingredient_slug", "product_brand", "product_name", "upc_code", "quantity",
            "purchase_date", "location", "package_unit", "package_unit_quantity", "unit_cost", "id",
            "initial_quantity", "purchase_id",
        }
        for r, _ in self.records("inventory_items"):
            product = self._product_ref(r)
            quantity = r.number("quantity", required=True, minimum="zero")
            day = r.date("purchase_date")
            unit = r.unit("package_unit", required=False)
            if product is not None and unit is not None and unit != product.package_unit:
                r.fail("package_unit", f"lot is in {r.text('package_unit')!r} but its product is not")
                continue
            cost = r.number("unit_cost", minimum="zero")
            if product is None or quantity is None:
                continue
            day = day or dt.date(1970, 1, 1)
            if cost is None:
                cost = self._cost_from_purchases(product, day)
            lot = Lot(
                id=r.text("id") or f"lot-{_digest(product.id, day, r.record)}",
                product_id=product.id,
                ingredient_slug=product.ingredient_slug,
                quantity=quantity,
                unit=product.package_unit,
                unit_cost=cost,
                purchased_on=day,
                initial_quantity=r.number("initial_quantity", minimum="zero"),
                purchase_id=r.optional_text("purchase_id"),
                location=r.text("location"),
                extra=r.extra(lot_known),
            )
            keep(lot.extra, r.record, "package_unit", symbol_for(product.package_unit))
            keep(lot.extra, r.record, "purchase_date", day.isoformat())
            keep(lot.extra, r.record, "purchase_id", lot.purchase_id)
            keep(lot.extra, r.record, "id", lot.id)
            if lot.id in self._seen_lots:
                r.fail(None, "the same lot appears twice")
                continue
            self._seen_lots.add(lot.id)
            self.put("lots", lot)

    def _cost_from_purchases(self, product: Product, day: dt.date) -> Decimal | None:
        same_day = [p for p in self.bakery.purchases.values() if p.product_id == product.id and p.purchased_on == day]
        if not same_day:
            return None
        newest = max(same_day, key=lambda p: p.id)
        return newest.unit_price / product.package_unit_quantity

    # -- recipes ----------------------------------------------------------------------------
    def _recipes(self) -> None:
        known = {"slug", "name", "category", "ingredients", "components", "finished_units", "base_recipe_slug",
                 "variant_name"}
        pending: list[tuple[Reader, Recipe, list[tuple[Reader, str, str | None, Decimal | None]], str | None]] = []
        for r, _ in self.records("recipes"):
            name = r.text("name", required=True)
            slug = r.text("slug") or self.existing_recipes.find(name) or hyphen_slug(name)
            if not name or not slug:
                continue
            lines = []
            for j, raw in enumerate(self._list(r, "ingredients")):
                line = Reader(self.problems, f"recipes[{r.index}].ingredients", j, raw)
                ingredient = line.text("ingredient_slug", required=True)
                self._require_ingredient(line, ingredient, f" (recipe {name!r})")
                quantity = line.number("quantity", required=True, minimum="positive")
                unit = line.unit("unit")
                if ingredient and quantity is not None and unit is not None:
                    extra = line.extra({"ingredient_slug", "quantity", "unit"})
                    keep(extra, line.record, "unit", symbol_for(unit))
                    lines.append(RecipeIngredient(ingredient, quantity, unit, extra))
            components = []
            for j, raw in enumerate(self._list(r, "components")):
                part = Reader(self.problems, f"recipes[{r.index}].components", j, raw)
                ref_field = next((f for f in ("recipe_slug", "component_recipe_slug", "recipe_name") if part.text(f)),
                                 "recipe_name")
                ref = part.text(ref_field)
                if not ref:
                    part.fail("recipe_name", "is required")
                multiplier = part.number("quantity", required=True, minimum="positive")
                components.append((part, ref_field, ref or None, multiplier))
            recipe = Recipe(
                slug=slug,
                name=name,
                category=r.text("category"),
                ingredients=tuple(lines),
                variant_name=r.optional_text("variant_name"),
                extra=r.extra(known),
            )
            if slug in self._seen_recipes:
                r.fail("name", f"duplicate recipe {name!r}")
                continue
            self._seen_recipes.add(slug)
            self.recipes.add(slug, name)
            pending.append((r, recipe, components, r.optional_text("base_recipe_slug")))
            for j, raw in enumerate(self._list(r, "finished_units")):
                self._embedded_units.append((Reader(self.problems, f"recipes[{r.index}].finished_units", j, raw), slug))
        names = {recipe.slug: recipe.name for recipe in self.bakery.recipes.values()}
        names |= {recipe.slug: recipe.name for _, recipe, _, _ in pending}
        for r, recipe, components, base in pending:
            resolved = []
            for part, ref_field, component_ref, multiplier in components:
                target = None
                if component_ref:
                    target = self.resolve(part, ref_field, component_ref, self.recipes, "recipe", _RECIPE_FIX)
                if target is not None and multiplier is not None:
                    # recipe_name and component_recipe_slug are kept as written, and written back while they
                    # still name the component's recipe
                    kept = part.extra({"recipe_slug", "recipe_name", "quantity"})
                    keep(kept, part.record, "recipe_name", names[target])
                    resolved.append(RecipeComponent(target, multiplier, kept))
            base_slug = None
            extra = recipe.extra
            if base:
                base_slug = self.resolve(r, "base_recipe_slug", base, self.recipes, "recipe",
                                         "name the base by its slug or its exact name")
            if base_slug is not None:  # the export names the base the desktop's way unless the file did otherwise
                extra = extra | _kept(r.record, "base_recipe_slug", desktop_base_slug(names[base_slug]))
            self.put("recipes", replace(recipe, components=tuple(resolved), base_recipe_slug=base_slug, extra=extra))

    def _list(self, r: Reader, field_name: str) -> list[Any]:
        value = r.record.get(field_name)
        if value is None:
            return []
        if not isinstance(value, list):
            r.fail(field_name, f"expected a list, found {type(value).__name__}")
            return []
        return value

    def _finished_units(self) -> None:
        known = {"slug", "recipe_slug", "recipe_name", "display_name", "yield_mode", "items_per_batch", "item_unit",
                 "batch_percentage"}  # name: kept as written (an alias)
        top_level = self.records("finished_units")
        given = {r.text("slug") for r, _ in top_level}
        readers: list[tuple[Reader, str | None]] = [(r, None) for r, _ in top_level]
        readers += [(r, slug) for r, slug in self._embedded_units if r.text("slug") not in given]
        # What a recipe's own list says beyond the unit itself (unknown fields), written back there.
        in_recipe: dict[str, dict[str, Any]] = {}
        for r, _ in self._embedded_units:
            fields = r.extra(_EMBEDDED_UNIT_FIELDS)
            if fields and r.text("slug"):
                in_recipe[r.text("slug")] = fields
        seen: set[str] = set()
        for r, recipe_slug in readers:
            embedded = recipe_slug is not None
            slug = r.text("slug", required=True)
            if recipe_slug is None:
                recipe_slug = self._recipe_ref(r)
            mode_text = r.text("yield_mode", default="discrete_count")
            mode = YieldMode.BATCH_PORTION if mode_text == "batch_portion" else YieldMode.DISCRETE_COUNT
            portion = mode is YieldMode.BATCH_PORTION
            # A recipe's own list (the desktop's exporter) says unit_yield_quantity/unit_yield_unit for
            # items_per_batch/item_unit, and for a portion, for batch_percentage/portion_description.
            count_field = "items_per_batch" if r.has("items_per_batch") or portion else "unit_yield_quantity"
            unit_field = "item_unit" if r.has("item_unit") or portion else "unit_yield_unit"
            percentage_field = "batch_percentage" if r.has("batch_percentage") or not portion else "unit_yield_quantity"
            per_batch = r.number(count_field, default=Decimal(1), minimum="positive")
            percentage = r.number(percentage_field, default=Decimal(100), minimum="positive")
            if percentage is not None and percentage > 100:
                r.fail(percentage_field, f"must be at most 100, found {percentage}")
            if not slug or recipe_slug is None or per_batch is None or percentage is None:
                continue
            if slug in seen:
                r.fail("slug", f"duplicate finished unit {slug!r}")
                continue
            seen.add(slug)
            extra = r.extra(known | ({"unit_yield_quantity", "unit_yield_unit"} if embedded else set()))
            if embedded and portion and r.has("unit_yield_unit") and not r.has("portion_description"):
                extra["portion_description"] = r.record["unit_yield_unit"]
            if slug in in_recipe:
                extra[IN_RECIPE] = in_recipe[slug]
            keep(extra, r.record, "recipe_name", self.bakery.recipes[recipe_slug].name)
            if mode_text not in ("discrete_count", "batch_portion"):
                extra["yield_mode"] = mode_text  # e.g. the sample's "weight": counted as discrete items
            unit = FinishedUnit(
                slug=slug,
                recipe_slug=recipe_slug,
                display_name=r.text("display_name") or r.text("name") or slug,
                yield_mode=mode,
                items_per_batch=per_batch,
                item_unit=r.text(unit_field, default="batch"),
                batch_percentage=percentage,
                extra=extra,
            )
            self.put("finished_units", unit)
            self.units.add(slug, unit.display_name)
        for recipe in self.bakery.recipes.values():  # the desktop's default: 1 per batch
            if not any(u.recipe_slug == recipe.slug for u in self.bakery.finished_units.values()):
                slug = recipe.slug if recipe.slug not in self.bakery.finished_units else f"{recipe.slug}-batch"
                self.put("finished_units", FinishedUnit(slug, recipe.slug, recipe.name))
                self.units.add(slug, recipe.name)

    def _finished_goods(self) -> None:
        known = {"slug", "display_name", "assembly_type"}  # name: kept as written
        for r, _ in self.records("finished_goods"):
            slug = r.text("slug", required=True)
            if not slug:
                continue
            kind = r.text("assembly_type", default="bare")
            assembly = AssemblyType.BUNDLE if kind == "bundle" else AssemblyType.BARE
            extra = r.extra(known)
            if kind not in ("bare", "bundle"):
                extra["assembly_type"] = kind
            good = FinishedGood(slug, r.text("display_name") or r.text("name") or slug, assembly, (), extra)
            _check_percentages(r, extra, f"finished good {slug}", {BUFFER_FIELD: 1000, MARGIN_FIELD: 100})
            self.put("finished_goods", good)
            self.goods.add(slug, good.display_name)
        parts: dict[str, list[FinishedGoodComponent]] = {}
        package_rows = []
        for r, _ in self.records("compositions"):
            if not r.has("finished_good_slug") and r.has("package_name"):  # a package's content: kept as is
                package_rows.append(r.record)
                continue
            owner_ref = r.text("finished_good_slug", required=True)
            owner = self.resolve(r, "finished_good_slug", owner_ref, self.goods, "finished good", _GOOD_FIX) \
                if owner_ref else None
            quantity = r.number("component_quantity", default=Decimal(1), minimum="positive")
            component = self._component(r, quantity)
            if owner is None or component is None:
                continue
            parts.setdefault(owner, []).append(component)
        if package_rows:
            self.bakery.passthrough[PACKAGE_COMPOSITIONS] = sorted(package_rows, key=_row_key)
        for slug, components in parts.items():
            good = self.bakery.finished_goods[slug]
            ordered = tuple(sorted(components, key=lambda c: (c.sort_order, c.kind, c.slug)))
            self.bakery.finished_goods[slug] = replace(good, components=good.components + ordered)

    def _component(self, r: Reader, quantity: Decimal | None) -> FinishedGoodComponent | None:
        order = r.whole("sort_order", default=0) or 0
        extra = r.extra({"finished_good_slug", "finished_unit_slug", "finished_good_component_slug",
                         "material_unit_slug", "component_quantity", "sort_order"})
        if quantity is None:
            return None
        if r.has("finished_unit_slug"):
            slug = self.resolve(r, "finished_unit_slug", r.text("finished_unit_slug"), self.units, "finished unit",
                                "name it by its slug")
            if slug is None:
                return None
            return FinishedGoodComponent(ComponentKind.FINISHED_UNIT, slug, quantity, order, extra)
        if r.has("finished_good_component_slug"):
            slug = self.resolve(r, "finished_good_component_slug", r.text("finished_good_component_slug"), self.goods,
                                "finished good", "name it by its slug")
            if slug is None:
                return None
            return FinishedGoodComponent(ComponentKind.FINISHED_GOOD, slug, quantity, order, extra)
        if r.has("material_unit_slug"):
            return FinishedGoodComponent(ComponentKind.MATERIAL, r.text("material_unit_slug"), quantity, order, extra)
        if r.has("packaging_product_id"):
            material = str(r.record["packaging_product_id"])
            return FinishedGoodComponent(ComponentKind.MATERIAL, material, quantity, order,
                                         {k: v for k, v in extra.items() if k != "packaging_product_id"}
                                         | {"packaging_product_id": True})
        r.fail("finished_unit_slug", "a component names a finished unit, a finished good or a material")
        return None

    # -- events -----------------------------------------------------------------------------
    def _recipients(self) -> None:
        for r, _ in self.records("recipients"):
            name = r.text("name", required=True)
            if name:
                self.put("recipients", Recipient(name, r.text("household_name"), r.extra({"name", "household_name"})))

    def _events(self) -> None:
        known = {"slug", "name", "event_date", "year", "plan_state", "output_mode", "notes"}
        names: dict[str, int] = {}
        seen_events: set[str] = set()
        for r, _ in self.records("events"):
            names[r.text("name").casefold()] = names.get(r.text("name").casefold(), 0) + 1
        for r, _ in self.records("events"):
            name = r.text("name", required=True)
            if not name:
                continue
            year = r.whole("year")
            day = r.date("event_date")
            slug = r.text("slug") or self.existing_events.find(f"{name} {year}" if year else name) or hyphen_slug(name)
            if not r.text("slug") and names.get(name.casefold(), 0) > 1:
                slug = f"{slug}-{year or (day.year if day else 'x')}"
            state_text = r.text("plan_state", default="draft")
            try:
                state = PlanState(state_text)
            except ValueError:
                r.fail("plan_state", f"unknown plan state {state_text!r}")
                state = PlanState.DRAFT
            if slug in seen_events:
                r.fail("name", f"two events are named {name!r}" + (f" in {year}" if year else "")
                       + "; give them different names or slugs")
                continue
            seen_events.add(slug)
            event = Event(
                slug=slug,
                name=name,
                event_date=day,
                year=year,
                plan_state=state,
                output_mode=r.optional_text("output_mode"),
                notes=r.text("notes"),
                extra=r.extra(known),
            )
            keep(event.extra, r.record, "event_date", day.isoformat() if day else None)
            _check_percentages(r, event.extra, f"event {event.slug}", {BUFFER_FIELD: 1000})
            self.put("events", event)
            self.events.add(slug, name, f"{name} {year}" if year else None)
        self._event_links()

    def _event_ref(self, r: Reader) -> str | None:
        field_name = "event_slug" if r.text("event_slug") else "event_name"
        ref = r.text(field_name)
        if ref and r.has("event_year"):
            with_year = f"{ref} {r.text('event_year')}"
            if len(self.events.candidates(with_year)) == 1:
                ref = with_year
        return self.resolve(r, field_name, ref, self.events, "event",
                            "name it by `event_slug`, or add `event_year` to tell events of one name apart")

    def _event_links(self) -> None:
        recipes: dict[str, list[str]] = {}
        goods: dict[str, list[EventFinishedGood]] = {}
        production: dict[str, list[ProductionTarget]] = {}
        assembly: dict[str, list[AssemblyTarget]] = {}
        packages: dict[str, list[RecipientPackage]] = {}
        # event_name, event_year, recipe_name, finished_good_name: kept as written, and written back while
        # they still name the same event, recipe or good
        link_known = {"event_slug", "recipe_slug", "finished_good_slug", "quantity", "target_batches",
                      "target_quantity", "recipient_name", "package_name", "event_name", "recipe_name",
                      "finished_good_name"}
        recipe_rows: dict[str, dict[str, dict[str, Any]]] = {}
        for r, _ in self.records("event_recipes"):
            event, recipe = self._event_ref(r), self._recipe_ref(r)
            if event and recipe:
                recipes.setdefault(event, []).append(recipe)
                fields = r.extra(link_known) | self._names_as_written(r, event=event, recipe=recipe)
                if fields:
                    recipe_rows.setdefault(event, {})[recipe] = fields
        for r, _ in self.records("event_finished_goods"):
            event, good = self._event_ref(r), self._good_ref(r)
            quantity = r.number("quantity", required=True, minimum="positive")
            if event and good and quantity is not None:
                goods.setdefault(event, []).append(EventFinishedGood(
                    good, quantity, r.extra(link_known) | self._names_as_written(r, event=event, good=good)))
        for r, _ in self.records("event_production_targets"):
            event, recipe = self._event_ref(r), self._recipe_ref(r)
            batches = r.number("target_batches", required=True, minimum="positive")
            if event and recipe and batches is not None:
                production.setdefault(event, []).append(ProductionTarget(
                    recipe, batches, r.extra(link_known) | self._names_as_written(r, event=event, recipe=recipe)))
        for r, _ in self.records("event_assembly_targets"):
            event, good = self._event_ref(r), self._good_ref(r)
            quantity = r.number("target_quantity", required=True, minimum="positive")
            if event and good and quantity is not None:
                assembly.setdefault(event, []).append(AssemblyTarget(
                    good, quantity, r.extra(link_known) | self._names_as_written(r, event=event, good=good)))
        for r, _ in self.records("event_recipient_packages"):
            event = self._event_ref(r)
            recipient = r.text("recipient_name", required=True)
            quantity = r.number("quantity", default=Decimal(1), minimum="positive")
            if event and recipient and quantity is not None:
                packages.setdefault(event, []).append(
                    RecipientPackage(recipient, r.text("package_name"), quantity,
                                     r.extra(link_known) | self._names_as_written(r, event=event))
                )
        for slug in set(recipes) | set(goods) | set(production) | set(assembly) | set(packages):
            current = self.bakery.events[slug]
            new_recipes = tuple(sorted(set(recipes.get(slug, [])) - set(current.recipe_slugs)))
            extra = current.extra
            if slug in recipe_rows:
                extra = extra | {EVENT_RECIPE_ROWS: extra.get(EVENT_RECIPE_ROWS, {}) | recipe_rows[slug]}
            self.bakery.events[slug] = replace(
                current,
                extra=extra,
                recipe_slugs=current.recipe_slugs + new_recipes,
                # Sorted, so that the file's row order never changes the bakery.
                finished_goods=current.finished_goods + tuple(sorted(goods.get(slug, []), key=_row_key)),
                production_targets=current.production_targets + tuple(sorted(production.get(slug, []), key=_row_key)),
                assembly_targets=current.assembly_targets + tuple(sorted(assembly.get(slug, []), key=_row_key)),
                recipient_packages=current.recipient_packages + tuple(sorted(packages.get(slug, []), key=_row_key)),
            )

    def good_name(self, slug: str) -> str:
        """What the export writes as `finished_good_name` (a unit named as a good: the unit's name)."""
        good = self.bakery.finished_goods.get(slug)
        unit = self.bakery.finished_units.get(slug)
        return good.display_name if good else unit.display_name if unit else slug

    def _names_as_written(self, r: Reader, *, event: str | None = None, recipe: str | None = None,
                          good: str | None = None) -> dict[str, Any]:
        """The row's names of its event, recipe or good when the export would write them otherwise."""
        kept: dict[str, Any] = {}
        if event is not None:
            keep(kept, r.record, "event_name", self.bakery.events[event].name)
        if recipe is not None:
            keep(kept, r.record, "recipe_name", self.bakery.recipes[recipe].name)
        if good is not None:
            keep(kept, r.record, "finished_good_name", self.good_name(good))
        return kept

    def _recipe_ref(self, r: Reader) -> str | None:
        field_name = "recipe_slug" if r.text("recipe_slug") else "recipe_name"
        return self.resolve(r, field_name, r.text(field_name), self.recipes, "recipe", _RECIPE_FIX)

    def _good_ref(self, r: Reader) -> str | None:
        """A finished good by slug or display name; a finished unit sold as is may be named directly
        (planning treats it as a bare good). Goods are looked at first, then units."""
        field_name = "finished_good_slug" if r.text("finished_good_slug") else "finished_good_name"
        ref = r.text(field_name)
        goods = self.goods.candidates(ref)
        units = [] if goods else self.units.candidates(ref)
        found = goods or units
        if len(found) == 1:
            return found[0]
        if found:
            what = "finished good" if goods else "finished unit"
            r.fail(field_name, ambiguous(ref, what, found, _GOOD_FIX))
        else:
            r.fail(field_name, f"no finished good or finished unit {ref!r} in the file" if ref else "is required")
        return None

    def _equipment(self) -> None:
        """Mixers and ovens (core.desktop_format.equipment_records): a section the desktop ignores."""
        from core.desktop_format.equipment_records import SECTION, one_mixer_and_oven, read_equipment

        for r, _ in self.records(SECTION):
            item = read_equipment(r, lambda use, _row: self._recipe_ref(use))
            if item is not None:
                self.put(SECTION, item)
        if self.data.get(SECTION):
            for message in one_mixer_and_oven(self.bakery):
                self.problems.append(ImportProblem(SECTION, None, "recipes", message))

    # -- runs and packaging -----------------------------------------------------------------
    def _runs(self) -> None:
        # num_batches: kept as written (an alias); recipe_name, event_name: when the export would write others
        known = {"id", "recipe_slug", "recipe_name", "batches", "produced_at", "event_slug", "event_name",
                 "finished_unit_slug", "expected_yield", "actual_yield", "notes", "ingredient_cost", "losses",
                 "lot_draws", "not_deducted"}
        for r, _ in self.records("production_runs"):
            recipe = self._recipe_ref(r)
            batches = r.number("batches" if r.has("batches") else "num_batches", required=True, minimum="positive")
            when = r.moment("produced_at")
            event = self._event_ref(r) if (r.has("event_slug") or r.has("event_name")) else None
            extras = self._run_details(r, ("losses", details.losses_in), ("lot_draws", details.draws_in),
                                       ("not_deducted", details.not_deducted_in))
            if recipe is None or batches is None or when is None or extras is None:
                continue
            self.put("production_runs", ProductionRun(
                id=r.text("id") or f"run-{_digest(r.record)}",
                recipe_slug=recipe,
                batches=batches,
                produced_at=when,
                losses=extras["losses"],
                lot_draws=extras["lot_draws"],
                not_deducted=extras["not_deducted"],
                ingredient_cost=r.number("ingredient_cost", default=Decimal(0)) or Decimal(0),
                event_slug=event,
                finished_unit_slug=r.optional_text("finished_unit_slug"),
                expected_yield=r.number("expected_yield", default=Decimal(0)) or Decimal(0),
                actual_yield=r.number("actual_yield", default=Decimal(0)) or Decimal(0),
                notes=r.text("notes"),
                extra=r.extra(known) | _kept(r.record, "produced_at", when.isoformat())
                | self._names_as_written(r, event=event, recipe=recipe),
            ))
        # quantity_assembled: kept as written (an alias); finished_good_name, event_name: when the export would
        # write others
        known_assembly = {"id", "finished_good_slug", "finished_good_name", "quantity", "assembled_at", "event_slug",
                          "event_name", "notes", "packaging_cost", "items_used", "material_draws", "not_deducted"}
        for r, _ in self.records("assembly_runs"):
            good = self._good_ref(r)
            quantity = r.number("quantity" if r.has("quantity") else "quantity_assembled", required=True,
                                minimum="positive")
            when = r.moment("assembled_at")
            event = self._event_ref(r) if (r.has("event_slug") or r.has("event_name")) else None
            extras = self._run_details(r, ("items_used", details.uses_in), ("material_draws", details.draws_in),
                                       ("not_deducted", details.not_deducted_in))
            if good is None or quantity is None or when is None or extras is None:
                continue
            self.put("assembly_runs", AssemblyRun(
                id=r.text("id") or f"assembly-{_digest(r.record)}",
                finished_good_slug=good,
                quantity=quantity,
                assembled_at=when,
                packaging_cost=r.number("packaging_cost", default=Decimal(0)) or Decimal(0),
                items_used=extras["items_used"],
                material_draws=extras["material_draws"],
                not_deducted=extras["not_deducted"],
                event_slug=event,
                notes=r.text("notes"),
                extra=r.extra(known_assembly) | _kept(r.record, "assembled_at", when.isoformat())
                | self._names_as_written(r, event=event, good=good),
            ))

    def _run_details(self, r: Reader, *parts: tuple[str, Any]) -> dict[str, Any] | None:
        found: dict[str, Any] = {}
        for name, decode in parts:
            try:
                found[name] = decode(r.record.get(name))
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                r.fail(name, f"malformed ({type(exc).__name__}: {exc})")
                return None
        return found

    def _stock_history(self) -> None:
        for section, decode, collection in (
            ("inventory_depletions", details.depletion_in, "depletions"),
            ("material_lots", details.material_lot_in, "material_lots"),
        ):
            for r, _ in self.records(section):
                try:
                    self.put(collection, decode(r.record))
                except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                    r.fail(None, f"malformed ({type(exc).__name__}: {exc})")

    def _materials(self) -> None:
        names = NameIndex()
        known = {"slug", "name", "display_name", "category", "base_unit_type"}
        for r, _ in self.records("materials"):
            name = r.text("display_name") or r.text("name")
            slug = r.text("slug") or underscore_slug(name)
            if not slug:
                r.fail("slug", "is required")
                continue
            material = Material(slug, name or slug, r.text("category"), "H87", r.extra(known))
            keep(material.extra, r.record, "name", material.name)
            keep(material.extra, r.record, "base_unit_type", "each")  # what the export writes when it is not kept
            self.put("materials", material)
            names.add(slug, name)
        for slug, known_material in self.bakery.materials.items():  # those the bakery had before this file
            if slug not in names.candidates(slug):
                names.add(slug, known_material.name)
        known_products = {"slug", "material_slug", "material", "name", "display_name", "brand", "package_quantity",
                          "package_unit", "default_unit", "supplier_slug", "supplier"}
        for r, _ in self.records("material_products"):
            ref = r.text("material_slug") or r.text("material")
            material_slug = self.resolve(r, "material_slug" if r.has("material_slug") else "material", ref, names,
                                         "material", "name it by `material_slug`")
            if material_slug is None:
                continue
            name = r.text("name") or r.text("display_name")
            unit_field = "package_unit" if r.has("package_unit") else "default_unit"
            unit = r.unit(unit_field, required=False, default="H87") or "H87"
            unit_word = {} if unit_field != "package_unit" else _kept(r.record, "package_unit", symbol_for(unit))
            supplier_word = r.text("supplier_slug") or r.text("supplier")
            supplier = self.suppliers.find(supplier_word) if supplier_word else None
            extra = r.extra(known_products) | unit_word
            for f in ("material", "display_name", "default_unit", "supplier"):
                if r.has(f):
                    extra[f] = r.record[f]
            if supplier is None and supplier_word:
                extra.setdefault("supplier", supplier_word)
            slug = r.text("slug") or underscore_slug(f"{material_slug} {name}")
            self.put("material_products", MaterialProduct(
                slug=slug,
                material_slug=material_slug,
                name=name,
                brand=r.text("brand"),
                package_quantity=r.number("package_quantity", default=Decimal(1), minimum="positive") or Decimal(1),
                package_unit=unit,
                supplier_slug=supplier,
                extra=extra,
            ))
