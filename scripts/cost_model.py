"""The monthly cost of an active baker, at published prices, for 20, 1,000 and 100,000 bakers.

Reads three files: what each operation cost on the Firestore emulator (benchmarks/cost_measured.json, written
by benchmarks/cost.py), what a baker does in a month and what the platform does anyway (scripts/cost_profile.json:
assumptions), and the prices (scripts/cost_prices.json: published list prices written down on their date, NOT
fetched live). Free tiers are per project or billing account, so the cost per baker falls as bakers share them;
the bigger the platform, the closer it gets to the marginal cost.

How a call is counted: its reads are the measured later-call reads when its function's instance is alive and
still holds the bakery, else the first-call reads (a new instance, or the bakery evicted from its cache); its
billed time is the measured median rounded up to 100 ms (or the assumed Gemini latency when it waits on Gemini),
plus the cold start on a new instance; every call also writes its activity record and one log line.

Run: .venv/bin/python scripts/cost_model.py [--bakers 20 1000 100000] [--measured FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MEASURED = REPO / "benchmarks" / "cost_measured.json"
PRICES = Path(__file__).with_name("cost_prices.json")
PROFILE = Path(__file__).with_name("cost_profile.json")
GIB = 2**30
DAYS = 30


@dataclass
class Usage:
    """A month of the whole platform."""

    bakers: int
    reads: float = 0.0
    writes: float = 0.0
    deletes: float = 0.0
    firestore_gib: float = 0.0
    vcpu_seconds: float = 0.0
    gib_seconds: float = 0.0
    requests: float = 0.0
    egress_bytes: float = 0.0
    log_bytes: float = 0.0
    gemini_input: float = 0.0
    gemini_output: float = 0.0
    task_operations: float = 0.0
    photo_gib: float = 0.0
    class_a: float = 0.0
    class_b: float = 0.0
    monthly_active_users: float = 0.0
    uptime_executions: float = 0.0
    alert_conditions: int = 0
    by_operation: dict[str, dict[str, float]] = field(default_factory=dict)


def function_of(label: str) -> str:
    """The deployed function (or the MCP service) a measured label ran in: 'plan_event (unchanged since)' ->
    plan_event, 'mcp:plan_event' -> mcp."""
    return "mcp" if label.startswith("mcp:") else label.split(" (")[0]


def live_instance_share(calls_per_month: float, instances: dict[str, Any]) -> float:
    """The chance a call finds its function's instance alive: some call came in the idle window before it."""
    per_minute = calls_per_month / instances["active_minutes_per_month"]
    return 1 - math.exp(-per_minute * instances["idle_minutes_before_shutdown"])


def kept_share(bakers: int, instances: dict[str, Any]) -> float:
    """The chance a live instance still holds this bakery: it caches so many bakeries, fewer are active at once."""
    active_minutes_per_day = instances["active_minutes_per_month"] / DAYS
    at_once = bakers * instances["baker_minutes_active_per_day"] / active_minutes_per_day
    return min(1.0, instances["cached_tenants_per_instance"] / at_once) if at_once > 0 else 1.0


def billed_seconds(ms: float, granularity_ms: float) -> float:
    return math.ceil(ms / granularity_ms) * granularity_ms / 1000


def usage(measured: dict[str, Any], profile: dict[str, Any], prices: dict[str, Any], bakers: int) -> Usage:
    ops = measured["operations"]
    inst = profile["instances"]
    sizes = prices["function_sizes"]
    granularity = prices["cloud_run"]["billing_granularity_ms"]
    calls = {label: n * bakers for label, n in profile["calls_per_baker_month"].items()}
    per_function: dict[str, float] = {}
    for label, n in calls.items():
        per_function[function_of(label)] = per_function.get(function_of(label), 0.0) + n
    kept = kept_share(bakers, inst)
    cold_start_ms = measured["cold_import_ms"] + inst["cold_start_extra_ms"]
    u = Usage(bakers)
    for label, n in calls.items():
        row, function = ops[label], function_of(label)
        live = live_instance_share(per_function[function], inst)
        hit = live * kept
        cold_reads = ops.get(function, row)["reads_cold"] if function != "mcp" else row["reads_cold"]
        reads = hit * row["reads"] + (1 - hit) * max(cold_reads, row["reads"])
        gemini = profile["gemini_tokens"].get(label)
        ms = max(row["ms_median"], gemini["latency_ms"]) if gemini else row["ms_median"]
        seconds = billed_seconds(ms, granularity) + (1 - live) * billed_seconds(cold_start_ms, granularity)
        size = sizes.get(function, sizes["default"])
        line = {"calls": n, "reads": n * reads, "writes": n * (row["writes"] + row["activity_writes"]),
                "deletes": n * row["deletes"], "vcpu_seconds": n * seconds * size["vcpu"],
                "gib_seconds": n * seconds * size["memory_gib"], "live_share": live, "cache_share": hit}
        u.by_operation[label] = line
        u.reads += line["reads"]
        u.writes += line["writes"]
        u.deletes += line["deletes"]
        u.vcpu_seconds += line["vcpu_seconds"]
        u.gib_seconds += line["gib_seconds"]
        u.requests += n
        u.log_bytes += n * measured["log_line_bytes"]
        if function != "mcp" and function not in ("receipt_uploaded", "extract_receipt"):
            u.egress_bytes += n * row["answer_bytes"]  # through Hosting's rewrite
        if gemini:
            u.gemini_input += n * gemini["input"]
            u.gemini_output += n * (gemini["output"] + gemini["thinking"])
    receipts = calls.get("extract_receipt", 0.0)
    u.task_operations = receipts * 2  # the task created, then dispatched once
    u.class_a = calls.get("upload_photo", 0.0)
    u.class_b = receipts * profile["photo_reads_per_receipt"]
    u.photo_gib = (calls.get("upload_photo", 0.0) * profile["photo_retention_months"]
                   * profile["receipt_photo_mib"] / 1024)
    pwa = profile["pwa"]
    documents = measured["bakery_after"]["documents"]
    u.reads += bakers * (pwa["cold_cache_loads_per_month"] * documents
                         + pwa["sessions_per_month"] * pwa["changed_documents_read_per_session"])
    u.egress_bytes += bakers * pwa["app_downloads_per_month"] * pwa["app_download_bytes"]
    records = sum(calls.values())
    per_baker = (records / max(bakers, 1) * profile["firestore_growth_bytes_per_activity_record"]
                 + profile["new_documents_per_baker_month"] * profile["firestore_growth_bytes_per_new_document"])
    grown = profile["months_of_history"] * per_baker
    u.firestore_gib = bakers * (measured["bakery_after"]["bytes"] * profile["firestore_index_factor"] + grown) / GIB
    u.monthly_active_users = bakers
    platform = profile["platform"]
    checks = platform["uptime_checks_per_month"]
    health = ops["health"]
    u.uptime_executions = checks
    u.requests += checks
    u.reads += checks * health["reads"]
    u.writes += checks * health["activity_writes"]
    u.vcpu_seconds += checks * billed_seconds(health["ms_median"], granularity) * sizes["default"]["vcpu"]
    u.gib_seconds += checks * billed_seconds(health["ms_median"], granularity) * sizes["default"]["memory_gib"]
    u.egress_bytes += checks * health["answer_bytes"]
    u.log_bytes += checks * measured["log_line_bytes"]
    u.alert_conditions = platform["alert_conditions"]
    return u


def costs(u: Usage, prices: dict[str, Any]) -> dict[str, float]:
    """Dollars a month per line, after the free tiers."""
    fs, run, gcs = prices["firestore"], prices["cloud_run"], prices["cloud_storage"]

    def above(amount: float, free: float) -> float:
        return max(0.0, amount - free)

    return {
        "Firestore reads": above(u.reads, fs["free_reads_per_day"] * DAYS) / 1e5 * fs["read_per_100k"],
        "Firestore writes": above(u.writes, fs["free_writes_per_day"] * DAYS) / 1e5 * fs["write_per_100k"],
        "Firestore deletes": above(u.deletes, fs["free_deletes_per_day"] * DAYS) / 1e5 * fs["delete_per_100k"],
        "Firestore storage": above(u.firestore_gib, fs["free_stored_gib"]) * fs["stored_gib_month"],
        "Functions CPU": above(u.vcpu_seconds, run["free_vcpu_seconds"]) * run["vcpu_second"],
        "Functions memory": above(u.gib_seconds, run["free_gib_seconds"]) * run["gib_second"],
        "Functions requests": above(u.requests, run["free_requests"]) / 1e6 * run["per_million_requests"],
        "Cloud Storage photos": above(u.photo_gib, gcs["free_stored_gib"]) * gcs["stored_gib_month"]
                                + above(u.class_a, gcs["free_class_a"]) / 1000 * gcs["class_a_per_1000"]
                                + above(u.class_b, gcs["free_class_b"]) / 1000 * gcs["class_b_per_1000"],
        "Cloud Tasks": above(u.task_operations, prices["cloud_tasks"]["free_operations"]) / 1e6
                       * prices["cloud_tasks"]["per_million_operations"],
        "Gemini": u.gemini_input / 1e6 * prices["gemini"]["input_per_million_tokens"]
                  + u.gemini_output / 1e6 * prices["gemini"]["output_per_million_tokens"],
        "Hosting egress": above(u.egress_bytes / GIB, prices["hosting"]["free_egress_gib_month"])
                          * prices["hosting"]["egress_per_gib"],
        "Auth": above(u.monthly_active_users, prices["auth"]["free_monthly_active_users"])
                * prices["auth"]["per_mau_above_free"],
        "Logging": above(u.log_bytes / GIB, prices["logging"]["free_gib_month"]) * prices["logging"]["ingest_per_gib"],
        "Uptime checks": above(u.uptime_executions, prices["monitoring"]["uptime_free_executions"]) / 1000
                         * prices["monitoring"]["uptime_per_1000_executions"],
    }


def alerting(u: Usage, prices: dict[str, Any]) -> float:
    """The announced alert-condition price, kept off the total (see cost_prices.json)."""
    return u.alert_conditions * float(prices["monitoring"]["alert_condition_month"])


def report(measured: dict[str, Any], profile: dict[str, Any], prices: dict[str, Any], bakers: list[int]) -> str:
    lines = [f"Monthly cost per active baker at list prices of {prices['as_of']} (NOT fetched live: "
             f"scripts/cost_prices.json names each source), us-central1.",
             f"Per-call figures: {MEASURED.relative_to(REPO)} measured {measured['measured_at']} on the Firestore "
             f"emulator ({measured['rounds']} rounds). Usage: scripts/cost_profile.json (assumptions).", ""]
    results = {n: (usage(measured, profile, prices, n),) for n in bakers}
    header = f"{'':<22}" + "".join(f"{f'{n:,} bakers':>26}" for n in bakers)
    lines += [header, f"{'':<22}" + "".join(f"{'$/month':>13}{'$/baker':>13}" for _ in bakers)]
    priced = {n: costs(results[n][0], prices) for n in bakers}
    for item in priced[bakers[0]]:
        lines.append(f"{item:<22}" + "".join(f"{priced[n][item]:>13.2f}{priced[n][item] / n:>13.4f}" for n in bakers))
    totals = {n: sum(priced[n].values()) for n in bakers}
    lines.append(f"{'total':<22}" + "".join(f"{totals[n]:>13.2f}{totals[n] / n:>13.4f}" for n in bakers))
    alerts = {n: alerting(results[n][0], prices) for n in bakers}
    lines.append(f"{'+ alerting (announced)':<22}"
                 + "".join(f"{alerts[n]:>13.2f}{alerts[n] / n:>13.4f}" for n in bakers))
    lines.append("")
    lines.append(f"{'usage a month':<22}" + "".join(f"{f'{n:,} bakers':>26}" for n in bakers))
    for name, unit, scale in (("reads", "", 1), ("writes", "", 1), ("deletes", "", 1), ("firestore_gib", "GiB", 1),
                              ("vcpu_seconds", "vCPU-s", 1), ("gib_seconds", "GiB-s", 1), ("requests", "", 1),
                              ("egress_bytes", "GiB", 1 / GIB), ("log_bytes", "GiB", 1 / GIB),
                              ("gemini_input", "tokens", 1), ("gemini_output", "tokens", 1),
                              ("photo_gib", "GiB", 1)):
        label = f"{name.replace('_', ' ')}{f' ({unit})' if unit else ''}"
        lines.append(f"{label:<22}" + "".join(f"{getattr(results[n][0], name) * scale:>26,.1f}" for n in bakers))
    lines.append("")
    lines.append("share of calls on a live instance that still holds the bakery (cache hits), plan_event: "
                 + ", ".join(f"{n:,}: {results[n][0].by_operation['plan_event']['cache_share']:.2f}" for n in bakers))
    per_op = results[bakers[-1]][0].by_operation
    top = sorted(per_op.items(), key=lambda kv: -kv[1]["reads"])[:5]
    lines.append(f"most Firestore reads at {bakers[-1]:,} bakers: "
                 + ", ".join(f"{k} {v['reads'] / v['calls']:.0f}/call" for k, v in top))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bakers", type=int, nargs="+", default=[20, 1000, 100000])
    parser.add_argument("--measured", type=Path, default=MEASURED)
    parser.add_argument("--json", action="store_true", help="the line items as JSON instead of the table")
    args = parser.parse_args(argv)
    if not args.measured.exists():
        raise SystemExit(f"cost_model: no {args.measured}: run .venv/bin/python benchmarks/cost.py first")
    measured = json.loads(args.measured.read_text())
    profile = json.loads(PROFILE.read_text())
    prices = json.loads(PRICES.read_text())
    if args.json:
        out = {}
        for n in args.bakers:
            u = usage(measured, profile, prices, n)
            c = costs(u, prices)
            out[str(n)] = {"lines": c, "total": sum(c.values()), "per_baker": sum(c.values()) / n,
                           "alerting_announced": alerting(u, prices)}
        print(json.dumps(out, indent=1))
    else:
        print(report(measured, profile, prices, args.bakers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
