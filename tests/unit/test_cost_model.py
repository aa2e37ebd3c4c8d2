"""scripts/cost_model.py: its arithmetic on a small known profile, and that it reads what benchmarks/cost.py wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import cost_model  # noqa: E402

PRICES = json.loads(cost_model.PRICES.read_text())
MEASURED: dict[str, Any] = {
    "operations": {
        "plan_event": {"reads_cold": 100, "reads": 10, "writes": 0, "deletes": 0, "activity_writes": 1,
                       "ms_median": 150, "answer_bytes": 2000},
        "health": {"reads_cold": 1, "reads": 1, "writes": 0, "deletes": 0, "activity_writes": 1, "ms_median": 5,
                   "answer_bytes": 100},
    },
    "cold_import_ms": 400, "log_line_bytes": 500, "bakery_after": {"documents": 0, "bytes": 0},
}


def profile(plans_per_baker: int) -> dict[str, Any]:
    return {"calls_per_baker_month": {"plan_event": plans_per_baker}, "gemini_tokens": {},
            "receipt_photo_mib": 1.0, "photo_retention_months": 12, "photo_reads_per_receipt": 2,
            "firestore_index_factor": 2.0, "firestore_growth_bytes_per_activity_record": 0,
            "firestore_growth_bytes_per_new_document": 0, "new_documents_per_baker_month": 0,
            "months_of_history": 12,
            "pwa": {"sessions_per_month": 0, "cold_cache_loads_per_month": 0, "changed_documents_read_per_session": 0,
                    "app_downloads_per_month": 0, "app_download_bytes": 0},
            "instances": {"active_minutes_per_month": 21600, "idle_minutes_before_shutdown": 15,
                          "cached_tenants_per_instance": 32, "baker_minutes_active_per_day": 20,
                          "cold_start_extra_ms": 1000},
            "platform": {"uptime_checks_per_month": 0, "alert_conditions": 0}}


def test_busy_functions_stay_warm_and_the_free_tiers_absorb_compute() -> None:
    # 1,000 bakers x 1,000 plans = 1,000,000 calls: 46 a minute, so an instance is always alive, and 27.8 bakers
    # are active at once, fewer than the 32 an instance caches: every call reads 10 documents, writes 1 record.
    u = cost_model.usage(MEASURED, profile(1000), PRICES, 1000)
    assert u.reads == pytest.approx(10_000_000) and u.writes == pytest.approx(1_000_000)
    assert u.vcpu_seconds == pytest.approx(1_000_000 * 0.2 * 0.333)  # 150 ms billed as 200 ms, 0.333 vCPU
    c = cost_model.costs(u, PRICES)
    assert c["Firestore reads"] == pytest.approx((10_000_000 - 1_500_000) / 100_000 * 0.03)  # 2.55
    assert c["Firestore writes"] == pytest.approx((1_000_000 - 600_000) / 100_000 * 0.09)  # 0.36
    assert c["Functions CPU"] == c["Functions memory"] == c["Functions requests"] == 0.0  # under the free tier
    assert c["Hosting egress"] == 0.0 and c["Gemini"] == 0.0
    assert sum(c.values()) == pytest.approx(2.91)


def test_a_quiet_function_mostly_starts_cold_and_reads_everything() -> None:
    # 20 bakers x 10 plans = 200 calls a month: 0.00926 a minute, so the instance is alive for a call with
    # chance 1 - exp(-0.1389) = 0.1297; otherwise 100 reads and a 1.4 s cold start (400 + 1,000 ms).
    u = cost_model.usage(MEASURED, profile(10), PRICES, 20)
    cold = 0.870325
    assert u.reads / 200 == pytest.approx(10 + 90 * cold, rel=1e-5)  # 88.33
    assert u.vcpu_seconds / 200 == pytest.approx((0.2 + cold * 1.4) * 0.333, rel=1e-5)
    assert sum(cost_model.costs(u, PRICES).values()) == 0.0  # all inside the free tiers


def test_many_bakers_evict_each_other_from_an_instances_cache() -> None:
    # 100,000 bakers: 2,777.8 active at once, an instance holds 32 of them: 1.152 % of the calls hit its cache.
    u = cost_model.usage(MEASURED, profile(1000), PRICES, 100_000)
    hit = 32 / (100_000 * 20 / 720)
    assert u.by_operation["plan_event"]["cache_share"] == pytest.approx(hit)
    assert u.reads / 100_000_000 == pytest.approx(hit * 10 + (1 - hit) * 100)


def test_the_model_reads_the_benchmarks_figures_for_every_operation_of_the_profile(
        capsys: pytest.CaptureFixture[str]) -> None:
    measured = json.loads(cost_model.MEASURED.read_text())
    real_profile = json.loads(cost_model.PROFILE.read_text())
    assert set(real_profile["calls_per_baker_month"]) <= set(measured["operations"])
    assert PRICES["fetched_live"] is False and all(
        section["source"].startswith("https://") for section in PRICES.values() if isinstance(section, dict))
    assert cost_model.main([]) == 0
    printed = capsys.readouterr().out
    assert "NOT fetched live" in printed and all(f"{n} bakers" in printed for n in ("20", "1,000", "100,000"))
    assert cost_model.main(["--json", "--bakers", "20"]) == 0
    answer = json.loads(capsys.readouterr().out)["20"]
    assert answer["per_baker"] == pytest.approx(answer["total"] / 20) and answer["total"] > 0
