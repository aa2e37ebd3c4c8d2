"""Planning speed: the largest sample event, a synthetic 200-recipe / 50-bundle event, and core import time.

Targets (issue 2): plan < 50 ms in core; `import core` < 150 ms. Prints figures, asserts nothing.
Run: .venv/bin/python benchmarks/plan.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.bakery import Bakery  # noqa: E402
from core.catalog.entities import Ingredient, Product  # noqa: E402
from core.desktop_format.desktop_import import import_desktop  # noqa: E402
from core.measures.units import Density  # noqa: E402
from core.planning.event_plan import plan_event  # noqa: E402
from core.planning.events import Event, EventFinishedGood  # noqa: E402
from core.recipes.entities import FinishedUnit, Recipe, RecipeComponent, RecipeIngredient  # noqa: E402
from core.recipes.finished_goods import AssemblyType, ComponentKind, FinishedGood, FinishedGoodComponent  # noqa: E402
from core.stock.lots import Lot  # noqa: E402

SHARED = REPO.parent / "shared" / "fixtures"
UNITS = ("G21", "G24", "G25", "ONZ", "GRM", "H87")


def synthetic_bakery(recipes: int = 200, bundles: int = 50, ingredients: int = 120) -> tuple[Bakery, str]:
    """A big bakery: every recipe has 12 lines and a finished unit; bundles nest 3 deep."""
    import datetime as dt

    bakery = Bakery()
    density = Density.from_fields(Decimal(1), "cup", Decimal("4.25"), "oz")
    for i in range(ingredients):
        slug = f"ingredient_{i:03d}"
        bakery.ingredients[slug] = Ingredient(slug, f"Ingredient {i}", density=density)
        pid = f"{slug}~brand"
        bakery.products[pid] = Product(pid, slug, "Brand", f"Product {i}", "LBR", Decimal(5), preferred=True)
        lot_id = f"lot-{i:03d}"
        bakery.lots[lot_id] = Lot(lot_id, pid, slug, Decimal(3), "LBR", Decimal("0.8"), dt.date(2026, 1, 1 + i % 28))
    for r in range(recipes):
        slug = f"recipe-{r:03d}"
        lines = tuple(
            RecipeIngredient(f"ingredient_{(r * 7 + k) % ingredients:03d}", Decimal(k + 1) / 4, UNITS[(r + k) % 6])
            for k in range(12)
            if UNITS[(r + k) % 6] != "H87"
        )
        components = (RecipeComponent(f"recipe-{r - 1:03d}", Decimal("0.25")),) if r % 10 == 9 else ()
        bakery.recipes[slug] = Recipe(slug, f"Recipe {r}", ingredients=lines, components=components)
        fu = f"{slug}-piece"
        bakery.finished_units[fu] = FinishedUnit(fu, slug, f"Piece {r}", items_per_batch=Decimal(24 + r % 13))
    for b in range(bundles):
        parts = [
            FinishedGoodComponent(
                ComponentKind.FINISHED_UNIT, f"recipe-{(b * 4 + k) % recipes:03d}-piece", Decimal(k + 2)
            )
            for k in range(4)
        ]
        if b >= 3:  # nest: each bundle also holds an earlier bundle
            parts.append(FinishedGoodComponent(ComponentKind.FINISHED_GOOD, f"bundle-{b - 3:02d}", Decimal(1)))
        bakery.finished_goods[f"bundle-{b:02d}"] = FinishedGood(
            f"bundle-{b:02d}", f"Bundle {b}", AssemblyType.BUNDLE, tuple(parts)
        )
    wanted = tuple(EventFinishedGood(f"bundle-{b:02d}", Decimal(5 + b % 7)) for b in range(bundles))
    bakery.events["big-fair"] = Event("big-fair", "Big Fair", finished_goods=wanted)
    return bakery, "big-fair"


def time_it(run: Callable[[], object], repeat: int = 30) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def import_time_ms(module: str) -> float:
    """Median cold import in a fresh interpreter, with bytecode compiled as a deployment has it
    (this machine sets PYTHONDONTWRITEBYTECODE, which would otherwise recompile every run)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "core")], check=True, capture_output=True)
    code = f"import time; t=time.perf_counter(); import {module}; print((time.perf_counter()-t)*1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 cwd=REPO).stdout) for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    print("benchmark                                   median ms   max ms   target")
    for fixture, event in (
        ("desktop-plans/winter_events.json", "Winter Market 2026"),
        ("desktop-plans/winter_events.json", "Office Party 2026"),
    ):
        bakery = import_desktop(json.loads((SHARED / fixture).read_text())).bakery
        found = bakery.find_event(event)
        assert found is not None
        median, worst = time_it(lambda b=bakery, s=found.slug: plan_event(b, s))
        print(f"plan {event:<38} {median:9.2f} {worst:8.2f}   < 50")
    big, slug = synthetic_bakery()
    plan = plan_event(big, slug)
    median, worst = time_it(lambda: plan_event(big, slug), repeat=10)
    label = f"plan synthetic ({len(plan.recipes)} recipes, 50 bundles)"
    print(f"{label:<43} {median:9.2f} {worst:8.2f}   < 50")
    for fixture in ("desktop/sample_data_all.json",):
        data = json.loads((SHARED / fixture).read_text())
        median, worst = time_it(lambda d=data: import_desktop(d), repeat=5)
        print(f"import_desktop {fixture:<28} {median:9.2f} {worst:8.2f}   (info)")
    cold = import_time_ms("core.planning.event_plan, core.planning.plan_report, core.desktop_format.files")
    print(f"{'import core (planning + desktop files)':<43} {cold:9.2f} {'':>8}   < 150")


if __name__ == "__main__":
    main()
