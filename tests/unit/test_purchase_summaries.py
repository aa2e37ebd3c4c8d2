"""Purchase summaries (core.stock.purchase_summary): revised write by write, they equal a scan of the purchases;
planning, costing and the speech fitting give the same answers from summaries as from every purchase."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

import pytest

from core.bakery import Bakery
from core.memory_repository import MemoryStore
from core.planning.costing import event_cost
from core.planning.event_plan import plan_event
from core.planning.shopping import bought_of
from core.speech.fitting import history
from core.stock import purchase_summary
from core.stock.lots import Purchase
from core.stock.purchase_summary import PurchaseSummary, Rescan, revised, summaries_of, summarize, summarize_product
from tests.support.live_lot_walk import kitchen, walk_every_writer


def _revise_all(summaries: Mapping[str, PurchaseSummary], before: Mapping[str, Purchase],
                after: Mapping[str, Purchase]) -> tuple[dict[str, PurchaseSummary], int]:
    """What a store does at commit: each product's summary revised from the purchases replaced and stored (a
    rescan of that product's purchases when `revised` asks). Returns the summaries and the rescans made."""
    removed: dict[str, list[Purchase]] = {}
    added: dict[str, list[Purchase]] = {}
    for key in set(before) | set(after):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is not None:
            removed.setdefault(old.product_id, []).append(old)
        if new is not None:
            added.setdefault(new.product_id, []).append(new)
    out = dict(summaries)
    rescans = 0
    for pid in set(removed) | set(added):
        result = revised(out.get(pid), removed.get(pid, []), added.get(pid, []))
        if isinstance(result, Rescan):
            rescans += 1
            result = summarize_product(pid, after.values())
        if result is None:
            out.pop(pid, None)
        else:
            out[pid] = result
    return out, rescans


def test_every_writer_keeps_summaries_equal_to_a_scan_on_the_memory_store() -> None:
    """Purchases, production, losses, level checks, proposals confirmed and undone (walk_every_writer): the
    summaries revised at each commit equal the summaries of all purchases, as the store's own read does."""
    store = MemoryStore(kitchen())
    kept: dict[str, dict[str, PurchaseSummary]] = {"now": {}}
    seen: dict[str, dict[str, Purchase]] = {"now": dict(store.bakery.purchases)}
    counts: list[int] = []

    def check() -> set[str]:
        now = dict(store.bakery.purchases)
        kept["now"], _ = _revise_all(kept["now"], seen["now"], now)
        seen["now"] = now
        scan = summarize(now.values())
        assert kept["now"] == scan
        assert store.unit_of_work().purchase_summaries() == scan
        counts.append(sum(s.times for s in scan.values()))
        return {lot.id for lot in store.unit_of_work().live_lots()}

    steps = walk_every_writer(store.unit_of_work, check)
    assert len(steps) == 15
    assert counts[0] == 0 and max(counts) == 3 and counts[-1] == 2  # 4 bought, at most 3 at once: 2 undone


def _purchase(rng: random.Random, n: int) -> Purchase:
    return Purchase(f"pu-{n:04d}", rng.choice(["flour", "sugar", "butter"]), rng.choice([None, "a", "b", "c", "d"]),
                    dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(40)), Decimal(1),
                    Decimal(rng.randrange(100, 999)) / 100)


@pytest.mark.parametrize("bound", [2, 100])
def test_random_adds_removals_and_replacements_match_a_scan(monkeypatch: pytest.MonkeyPatch, bound: int) -> None:
    """Random writes (several per commit, backdated ones, undo-like removals of the newest, replacements),
    with the per-supplier bound small enough to be reached: always the scan's summaries."""
    monkeypatch.setattr(purchase_summary, "MAX_SUPPLIERS", bound)
    rng = random.Random(14 + bound)
    purchases: dict[str, Purchase] = {}
    summaries: dict[str, PurchaseSummary] = {}
    rescans = 0
    made = 0
    for _ in range(400):
        after = dict(purchases)
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            if roll < 0.55 or not after:
                made += 1
                new = _purchase(rng, made)
                after[new.id] = new
            elif roll < 0.8:
                newest = max(after.values(), key=lambda p: (p.purchased_on, p.id))  # an undo of the last one
                del after[newest.id if rng.random() < 0.5 else rng.choice(sorted(after))]
            else:
                key = rng.choice(sorted(after))
                after[key] = replace(after[key], unit_price=after[key].unit_price + 1)
        summaries, n = _revise_all(summaries, purchases, after)
        rescans += n
        purchases = after
        assert summaries == summarize(purchases.values())
    assert 0 < rescans < 400 * 3  # some removals needed the product's purchases, most writes did not


def test_a_summary_keeps_the_newest_purchase_of_the_newest_suppliers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(purchase_summary, "MAX_SUPPLIERS", 2)
    day = dt.date(2026, 3, 1)
    bought = [Purchase(f"pu-{i}", "flour", supplier, day + dt.timedelta(days=i), Decimal(1), Decimal(i + 1))
              for i, supplier in enumerate(["a", "b", "a", "c", None])]
    summary = summarize_product("flour", bought)
    assert summary is not None
    assert (summary.times, summary.first_on, summary.last.id) == (5, day, "pu-4")
    assert [p.id for p in summary.by_supplier] == ["pu-4", "pu-3"]  # no supplier, then c: a and b left out
    assert summary.at("a") is None and summary.at(None) == bought[4]
    assert summarize_product("sugar", bought) is None


def _history_bakery() -> Bakery:
    bakery = kitchen()
    rng = random.Random(7)
    for n in range(60):
        bought = replace(_purchase(rng, n), product_id="ka-flour-5lb")
        bakery.purchases[bought.id] = bought
    return bakery


def test_planning_costing_and_speech_answer_the_same_from_summaries() -> None:
    from core.planning.events import Event, EventFinishedGood

    full = _history_bakery()
    full.events["fair"] = Event("fair", "Fair", finished_goods=(EventFinishedGood("shortbread-finger", Decimal(600)),))
    summed = replace(full, purchases={}, purchase_summaries=summarize(full.purchases.values()))
    assert summaries_of(summed) is summed.purchase_summaries
    assert summaries_of(full) == summed.purchase_summaries
    assert summaries_of(full) is summaries_of(full)  # remembered while the purchases are the same
    plan = plan_event(full, "fair")
    assert plan.shopping_list[0].packages and plan.shopping_list[0].packages[0].estimated_cost is not None
    assert plan_event(summed, "fair") == plan
    assert event_cost(summed, "fair") == event_cost(full, "fair")
    assert history(summed) == history(full)
    assert history(full)["ka-flour-5lb"].times == 60
    for supplier in (None, "a", "b", "c", "d", "nowhere"):
        assert bought_of(summed).last("ka-flour-5lb", supplier) == bought_of(full).last("ka-flour-5lb", supplier)
