"""A baker on the demo bakery, through the functions: bake one batch of a finished unit; if refused for stock,
buy what the 409's `details` say is short, then bake again. Shared by the in-memory test
(tests/functions/test_production_demo.py) and the Firestore-emulator one (tests/integration/).

`post(operation, body) -> (status, json)` calls a function as the baker; `bakery()` reads the bakery as it is
now (products, purchases, ingredients: what sizing the packages needs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.measures.quantities import ceil_whole
from core.measures.units import symbol_for
from core.planning.shopping import packages_to_buy
from tests.conftest import fixtures_dir

DEMO_FILES = ("desktop/sample_data_all.json", "desktop-plans/winter_events.json")  # devstack/run.py's order
EVENT = "winter-market-2026"
BOUGHT_ON = "2026-12-01"
DEFAULT_PRICE = 4.0  # per package, for a product never bought before
# A package a baker would buy of an ingredient that has no product on file, in the unit it was short in.
PACKAGE_SIZE = {"H87": Decimal(12), "G25": Decimal(48), "G24": Decimal(16), "G21": Decimal(4), "ONZ": Decimal(16),
                "LBR": Decimal(5), "GRM": Decimal(500), "KGM": Decimal(1), "OZA": Decimal(32), "MLT": Decimal(1000)}

Post = Callable[[str, Any], tuple[int, Any]]


def demo_data() -> list[Any]:
    return [json.loads((fixtures_dir() / name).read_text(encoding="utf-8")) for name in DEMO_FILES]


@dataclass
class Bought:
    ingredient: str
    product_id: str
    packages: int
    created: bool  # the product was made with save_catalog: the ingredient had none
    sized: bool  # packages_to_buy could size it (else one package whose unit the need cannot be converted to)


@dataclass
class Outcome:
    slug: str
    first_status: int
    final: dict[str, Any]  # the 200 answer: the run
    shortages: list[dict[str, Any]] = field(default_factory=list)  # `details` of the first (409) answer
    bought: list[Bought] = field(default_factory=list)


def check_shortage_answer(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A 409 for stock, never for a conversion, with one well-formed `details` item per short line."""
    error = body["error"]
    assert error["code"] == "insufficient_stock", body
    assert "cannot be converted" not in error["message"]
    assert set(error) == {"code", "message", "field", "details", "request_id"} and error["details"], error
    for item in error["details"]:
        assert set(item) == {"ingredient", "needed", "on_hand", "short", "unit"}, item
        assert item["short"] > 0 and item["on_hand"] >= 0, item
        assert abs(item["needed"] - item["on_hand"] - item["short"]) < 1e-5, item
        assert f"{item['ingredient']}: need " in error["message"]
    return list(error["details"])


def check_run(body: dict[str, Any]) -> None:
    """A recorded run; what it could not deduct is named with its quantity, unit, reason, fix and lots."""
    assert set(body) >= {"run_id", "not_deducted", "cost_complete", "cost_per_unit"}, body
    for item in body["not_deducted"]:
        assert set(item) >= {"ingredient", "quantity", "unit", "reason", "fix", "lots"}, item
        assert item["quantity"] > 0 and "cannot be converted" in item["reason"] and item["fix"] and item["lots"]
    if body["not_deducted"]:
        assert (body["cost_complete"], body["cost_per_unit"]) == (False, None)


def buy(post: Post, bakery: Callable[[], Bakery], shortage: dict[str, Any]) -> Bought:
    """Enough whole packages of the ingredient's preferred (or any) product; a new product if it has none."""
    slug, unit = shortage["ingredient"], shortage["unit"]
    short = Decimal(str(shortage["short"]))
    created = False
    packages, reason = packages_to_buy(bakery(), slug, short, unit, [])
    if reason == "no product on file":
        size = PACKAGE_SIZE.get(unit, Decimal(ceil_whole(short)))
        product = {"id": f"{slug}-pack", "ingredient_slug": slug, "brand": "Corner shop",
                   "package_unit": symbol_for(unit), "package_unit_quantity": float(size)}
        status, body = post("save_catalog", {"products": [product]})
        assert status == 200, body
        created = True
        packages, reason = packages_to_buy(bakery(), slug, short, unit, [])
    if packages:
        (package,) = packages
        product_id, count, sized = package.product_id, package.count, True
        price = float(package.estimated_cost / count) if package.estimated_cost is not None else DEFAULT_PRICE
    else:  # its packages are in a unit the need cannot be converted to: one package, which will not be deducted
        from core.planning.shopping import preferred_product

        chosen = preferred_product(bakery(), slug)
        assert chosen is not None and reason.startswith("packages are in "), (slug, reason)
        product_id, count, sized, price = chosen.id, 1, False, DEFAULT_PRICE
    status, body = post("add_purchase", {"product_id": product_id, "packages": count, "unit_price": price,
                                         "purchased_on": BOUGHT_ON})
    assert status == 200, body
    return Bought(slug, product_id, count, created, sized)


def bake_buying_what_is_short(post: Post, bakery: Callable[[], Bakery], unit_slug: str,
                              recipe_slug: str) -> Outcome:
    request = {"recipe": recipe_slug, "batches": 1, "finished_unit": unit_slug, "event": EVENT}
    status, body = post("record_production", request)
    if status == 200:
        check_run(body)
        return Outcome(unit_slug, status, body)
    assert status == 409, (unit_slug, body)  # short of stock, never refused for a conversion
    outcome = Outcome(unit_slug, status, {}, check_shortage_answer(body))
    outcome.bought = [buy(post, bakery, shortage) for shortage in outcome.shortages]
    status, body = post("record_production", request)
    assert status == 200, (unit_slug, [b.__dict__ for b in outcome.bought], body)
    check_run(body)
    outcome.final = body
    return outcome


def summary(outcomes: list[Outcome]) -> str:
    first = sum(1 for o in outcomes if o.first_status == 200)
    after = [o for o in outcomes if o.first_status != 200]
    with_nd = [o for o in outcomes if o.final["not_deducted"]]
    bought = [b for o in outcomes for b in o.bought]
    ingredients = sorted({b.ingredient for b in bought})
    created = sorted({b.ingredient for b in bought if b.created})
    existing = sorted({b.ingredient for b in bought} - set(created))
    unsized = sorted({b.ingredient for b in bought if not b.sized})
    undeducted = sorted({i["ingredient"] for o in with_nd for i in o.final["not_deducted"]})
    return "\n".join([
        f"demo bakery, one batch of each of {len(outcomes)} finished units, buying what is short: "
        f"{first} recorded first try, {len(after)} after buying, {len(with_nd)} with not-deducted ingredients",
        f"  {len(bought)} purchases of {len(ingredients)} ingredients: {', '.join(ingredients)}",
        f"  recorded first try: {', '.join(o.slug for o in outcomes if o.first_status == 200)}",
        f"  bought with a product on file: {len(existing)}: {', '.join(existing)}",
        f"  products created (none on file): {len(created)}: {', '.join(created)}",
        f"  bought without sizing (packages in a unit the recipe's cannot be converted to): "
        f"{', '.join(unsized) or 'none'}",
        f"  not deducted: {', '.join(undeducted)}",
    ])
