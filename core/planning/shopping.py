"""Turning a shortfall into packages of a product, from a supplier, with an estimated cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.bakery import Bakery
from core.catalog.entities import Product
from core.measures.quantities import ceil_whole
from core.measures.units import can_convert, convert, symbol_for
from core.planning.ingredient_totals import basis_for
from core.stock.lots import Purchase
from core.stock.purchase_summary import PurchaseSummary, summaries_of


@dataclass(frozen=True, slots=True)
class PackageToBuy:
    product_id: str
    product_label: str
    count: int
    package_size: Decimal
    package_unit: str
    supplier_slug: str | None
    supplier_name: str | None
    estimated_cost: Decimal | None  # packages × last known price per package


def packages_to_buy(
    bakery: Bakery, ingredient_slug: str, shortfall: Decimal, unit: str, warnings: list[str],
    bought: LastPurchases | None = None,
) -> tuple[tuple[PackageToBuy, ...], str]:
    """Packages of the ingredient's preferred product that cover `shortfall` (max(1, ceil(...))).
    `bought`: the bakery's purchases indexed once (for many lines), else they are read here."""
    if bought is None:
        bought = bought_of(bakery)
    product = preferred_product(bakery, ingredient_slug, bought)
    if product is None:
        return (), "no product on file"
    basis = basis_for(ingredient_slug, bakery.ingredients)
    if not can_convert(unit, product.package_unit, basis) or product.package_unit_quantity <= 0:
        warnings.append(
            f"{ingredient_slug}: {product.label} comes in {symbol_for(product.package_unit)}, which cannot be "
            f"compared with {symbol_for(unit)} without a density; how many packages to buy is unknown"
        )
        return (), f"packages are in {symbol_for(product.package_unit)}: add a density to size them"
    in_package_unit = convert(shortfall, unit, product.package_unit, basis)
    count = max(1, ceil_whole(in_package_unit / product.package_unit_quantity))
    purchase = bought.last(product.id)
    supplier_slug = product.preferred_supplier_slug or (purchase.supplier_slug if purchase else None)
    supplier = bakery.suppliers.get(supplier_slug) if supplier_slug else None
    price = bought.last(product.id, supplier_slug) or purchase
    cost = count * price.unit_price if price is not None else None
    return (
        (PackageToBuy(
            product.id,
            product.label,
            count,
            product.package_unit_quantity,
            product.package_unit,
            supplier_slug if supplier is not None else None,
            supplier.name if supplier is not None else None,
            cost,
        ),),
        "",
    )


class LastPurchases:
    """The newest purchase of each product, and of each product at each supplier: one pass over the purchases
    for a whole shopping list, instead of one per line (newest: latest day, then highest id)."""

    def __init__(self, purchases: Iterable[Purchase]) -> None:
        self._newest: dict[str | tuple[str, str | None], Purchase] = {}
        for purchase in purchases:
            order = (purchase.purchased_on, purchase.id)
            for key in (purchase.product_id, (purchase.product_id, purchase.supplier_slug)):
                best = self._newest.get(key)
                if best is None or order > (best.purchased_on, best.id):
                    self._newest[key] = purchase

    @classmethod
    def of_summaries(cls, summaries: Iterable[PurchaseSummary]) -> LastPurchases:
        """The same index from per-product summaries (core.stock.purchase_summary): no purchase read."""
        index = cls(())
        for summary in summaries:
            index._newest[summary.product_id] = summary.last
            for purchase in summary.by_supplier:
                index._newest[(summary.product_id, purchase.supplier_slug)] = purchase
        return index

    def last(self, product_id: str, supplier_slug: str | None = None) -> Purchase | None:
        """The newest purchase of a product (at one supplier when given)."""
        if supplier_slug is None:
            return self._newest.get(product_id)
        return self._newest.get((product_id, supplier_slug))


_REMEMBERED: dict[int, tuple[Mapping[str, Purchase], list[Purchase], LastPurchases]] = {}
_REMEMBER = 8  # bakeries


def last_purchases(purchases: Mapping[str, Purchase]) -> LastPurchases:
    """`LastPurchases` of a bakery's purchases, remembered while they are the same, unchanged mapping.

    A store hands planning the same purchases plan after plan (functions/shared/firestore_backend.py keeps
    the planning input while nothing changed); indexing five years of them each time would be most of a
    plan. Whether they are unchanged is checked on the purchases themselves, in order, compared in C (the
    same objects compare by identity: well under 1 ms for 40,000; the index depends on the purchases, not
    on their keys), so a mapping changed in place is indexed again, never served stale."""
    remembered = _REMEMBERED.get(id(purchases))
    if remembered is not None and remembered[0] is purchases and list(purchases.values()) == remembered[1]:
        return remembered[2]
    index = LastPurchases(purchases.values())
    if len(_REMEMBERED) >= _REMEMBER:
        _REMEMBERED.pop(next(iter(_REMEMBERED)), None)
    _REMEMBERED[id(purchases)] = (purchases, list(purchases.values()), index)
    return index


def bought_of(bakery: Bakery) -> LastPurchases:
    """The bakery's newest purchases by product (and supplier): from its stored summaries when it has them (a
    planning read holds no purchases), else from its purchases (`last_purchases`)."""
    if bakery.purchase_summaries is not None:
        return LastPurchases.of_summaries(summaries_of(bakery).values())
    return last_purchases(bakery.purchases)


def preferred_product(bakery: Bakery, ingredient_slug: str, bought: LastPurchases | None = None) -> Product | None:
    """The preferred product; else the most recently bought; else the lowest id. Hidden ones last."""
    products = [p for p in bakery.products.values() if p.ingredient_slug == ingredient_slug]
    if not products:
        return None
    if bought is None:
        bought = bought_of(bakery)
    latest: dict[str, str] = {}
    for product in products:
        newest = bought.last(product.id)
        if newest is not None:
            latest[product.id] = newest.purchased_on.isoformat()
    return min(
        products,
        key=lambda p: (p.is_hidden, not p.preferred, p.id not in latest, _descending(latest.get(p.id, "")), p.id),
    )


def last_purchase(bakery: Bakery, product: Product, supplier_slug: str | None = None) -> Purchase | None:
    """The newest purchase of a product (at one supplier when given)."""
    return bought_of(bakery).last(product.id, supplier_slug)


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)
