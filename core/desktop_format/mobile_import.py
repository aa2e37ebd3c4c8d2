"""The desktop's mobile files (schema 4.0): purchases and inventory-level updates keyed by UPC.

A purchase makes a `Purchase` and its `Lot` (packages × package size, cost per
package unit — the desktop's mobile import leaves the package size out, a defect
not copied). An inventory update sets the oldest lot with stock of that product
to a share of one package and records the difference as a `Depletion`.
UPCs no product carries are kept as pending resolutions, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.catalog.entities import Product, Supplier
from core.desktop_format.desktop_import import DesktopImport, _copy, _digest
from core.desktop_format.problems import ImportProblem, Reader, read_purchase
from core.desktop_format.slugs import NameIndex, underscore_slug
from core.stock.inventory import level_check, lot_for_level_check
from core.stock.lots import Lot

MOBILE_TYPES = ("purchases", "inventory_updates")
PENDING_KEY = "pending_upc_resolutions"


def is_mobile_file(data: Mapping[str, Any]) -> bool:
    return data.get("import_type") in MOBILE_TYPES


def apply_mobile_file(base: Bakery, data: Mapping[str, Any], today: dt.date | None = None) -> DesktopImport:
    """A copy of `base` with the file applied; all or nothing, like a desktop import.

    A record's own date wins, then the file's `created_at`, then `today`
    (the system date only when the caller passes none).
    """
    bakery = _copy(base)
    result = DesktopImport(bakery)
    kind = data.get("import_type")
    if kind not in MOBILE_TYPES:
        result.problems.append(ImportProblem("file", None, "import_type", f"expected one of {MOBILE_TYPES}"))
        return result
    version = data.get("schema_version")
    if version is not None and not str(version).startswith("4."):
        result.problems.append(ImportProblem("file", None, "schema_version", f"unsupported version {version!r}"))
    records = data.get(kind)
    if not isinstance(records, list):
        result.problems.append(ImportProblem(kind, None, None, "expected a list"))
        return result
    file_day = _day(data.get("created_at")) or today or dt.date.today()
    if kind == "purchases":
        _purchases(result, records, data, file_day)
    else:
        _inventory_updates(result, records, data, file_day)
    return result


def _day(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _digits(upc: str) -> str:
    return upc.strip().lstrip("0")


def product_by_upc(bakery: Bakery, upc: str) -> Product | None:
    wanted = _digits(upc)
    if not wanted:
        return None
    found = [p for p in bakery.products.values() if wanted in (_digits(p.upc), _digits(p.gtin))]
    return min(found, key=lambda p: p.id) if found else None


def _pending(result: DesktopImport, kind: str, index: int, record: dict[str, Any]) -> None:
    pending = list(result.bakery.passthrough.get(PENDING_KEY, []))
    pending.append({"import_type": kind, **record})
    result.bakery.passthrough[PENDING_KEY] = pending
    result.notices.append(f"{kind}[{index}]: no product has UPC {record.get('upc')!r}; kept as a pending resolution")


def _supplier(result: DesktopImport, name: str) -> str | None:
    if not name:
        return None
    index = NameIndex()
    for s in result.bakery.suppliers.values():
        index.add(s.slug, s.name)
    slug = index.find(name)
    if slug is None:
        matches = sorted(s.slug for s in result.bakery.suppliers.values() if s.name.casefold() == name.casefold())
        slug = matches[0] if matches else None
    if slug is None:
        slug = underscore_slug(name)
        result.bakery.suppliers[slug] = Supplier(slug, name)
        result.added["suppliers"] = result.added.get("suppliers", 0) + 1
        result.notices.append(f"supplier {name!r} was not known; added")
    return slug


def _purchases(result: DesktopImport, records: list[Any], data: Mapping[str, Any], file_day: dt.date) -> None:
    supplier_name = data.get("supplier") if isinstance(data.get("supplier"), str) else ""
    for i, raw in enumerate(records):
        r = Reader(result.problems, "purchases", i, raw)
        upc = r.text("upc", required=True)
        packages = r.number("quantity_purchased", required=True, minimum="positive")
        price = r.number("unit_price", required=True, minimum="positive")
        day = r.date("scanned_at") or r.date("purchase_date") or file_day
        if not upc or packages is None or price is None:
            continue
        product = product_by_upc(result.bakery, upc)
        if product is None:
            _pending(result, "purchases", i, r.record)
            continue
        supplier = _supplier(result, r.text("supplier") or str(supplier_name or ""))
        notes = r.text("notes")
        purchase_id = f"purchase-{_digest(product.id, supplier, day, packages, price, notes, i, r.record)}"
        bought = read_purchase(r, product, purchase_id, packages, price, day, supplier, notes)
        if bought is None:
            continue
        purchase, lot = bought
        purchase = replace(purchase, extra={"source": data.get("source", "bt_mobile")})
        result.bakery.purchases[purchase.id] = purchase
        result.bakery.lots[lot.id] = lot
        result.added["purchases"] = result.added.get("purchases", 0) + 1
        result.added["lots"] = result.added.get("lots", 0) + 1


def _inventory_updates(result: DesktopImport, records: list[Any], data: Mapping[str, Any], file_day: dt.date) -> None:
    for i, raw in enumerate(records):
        r = Reader(result.problems, "inventory_updates", i, raw)
        upc = r.text("upc", required=True)
        percentage = r.number("remaining_percentage", required=True, minimum="zero")
        if percentage is not None and percentage > 100:
            r.fail("remaining_percentage", f"must be between 0 and 100, found {percentage}")
            continue
        when = r.date("scanned_at") or file_day
        if not upc or percentage is None:
            continue
        product = product_by_upc(result.bakery, upc)
        if product is None:
            _pending(result, "inventory_updates", i, r.record)
            continue
        if not any(lot.product_id == product.id for lot in result.bakery.lots.values()):
            # stock nobody recorded buying: count it, cost unknown
            lot = Lot(f"lot-{_digest(product.id, when, i, r.record)}", product.id, product.ingredient_slug,
                      product.package_unit_quantity * percentage / Decimal(100), product.package_unit, None, when)
            result.bakery.lots[lot.id] = lot
            result.notices.append(f"inventory_updates[{i}]: no lot of {product.label} on file; counted as a new lot")
            result.added["lots"] = result.added.get("lots", 0) + 1
            continue
        check = level_check(
            lot_for_level_check(result.bakery.lots.values(), product),
            product,
            percentage,
            depletion_id=f"depletion-{_digest(product.id, when, percentage, i, r.record)}",
            at=dt.datetime.combine(when, dt.time()),
            notes=r.text("notes"),
        )
        result.bakery.lots[check.lot.id] = check.lot
        if check.depletion is not None:
            result.bakery.depletions[check.depletion.id] = check.depletion
        result.added["lots updated"] = result.added.get("lots updated", 0) + 1
