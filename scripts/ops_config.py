"""The monitoring configuration in ops/: read, filled in for a project, checked, and turned into gcloud commands.

ops/uptime/*.json   UptimeCheckConfig resources (Cloud Monitoring API v3 shape)
ops/alerts/*.json   AlertPolicy resources
ops/metrics/*.json  LogMetric resources (log-based metrics the alert policies read)

Placeholders filled in per project: ${PROJECT}, ${REGION}, ${QUEUE}, ${HOSTING_HOST}. The checks here are
offline (no Monitoring API): the resource shapes, the enum values, and that every function, queue and
log-based metric a filter names exists. Cloud Functions 2nd gen run as Cloud Run services named after the
function with '-' for '_' (plan_event -> plan-event): the filters use those names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPS = Path(__file__).resolve().parents[1] / "ops"
POLICIES = ["gcloud", "alpha", "monitoring", "policies"]
KINDS = ("metrics", "uptime", "alerts")  # the order they are applied in: alerts read the log-based metrics
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
DURATION = re.compile(r"^\d+s$")
MCP_SERVICE = "baketracker-mcp"
CONDITION_TYPES = {"conditionThreshold", "conditionAbsent", "conditionMatchedLog", "conditionMonitoringQueryLanguage",
                   "conditionPrometheusQueryLanguage", "conditionSql"}
COMPARISONS = {"COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ", "COMPARISON_NE"}
ALIGNERS = {"ALIGN_NONE", "ALIGN_DELTA", "ALIGN_RATE", "ALIGN_INTERPOLATE", "ALIGN_NEXT_OLDER", "ALIGN_MIN",
            "ALIGN_MAX", "ALIGN_MEAN", "ALIGN_COUNT", "ALIGN_SUM", "ALIGN_STDDEV", "ALIGN_COUNT_TRUE",
            "ALIGN_COUNT_FALSE", "ALIGN_FRACTION_TRUE", "ALIGN_PERCENTILE_99", "ALIGN_PERCENTILE_95",
            "ALIGN_PERCENTILE_50", "ALIGN_PERCENTILE_05", "ALIGN_PERCENT_CHANGE"}
REDUCERS = {"REDUCE_NONE", "REDUCE_MEAN", "REDUCE_MIN", "REDUCE_MAX", "REDUCE_SUM", "REDUCE_STDDEV", "REDUCE_COUNT",
            "REDUCE_COUNT_TRUE", "REDUCE_COUNT_FALSE", "REDUCE_FRACTION_TRUE", "REDUCE_PERCENTILE_99",
            "REDUCE_PERCENTILE_95", "REDUCE_PERCENTILE_50", "REDUCE_PERCENTILE_05"}
POLICY_KEYS = {"displayName", "documentation", "userLabels", "conditions", "combiner", "enabled",
               "notificationChannels", "alertStrategy", "severity"}
THRESHOLD_KEYS = {"filter", "aggregations", "denominatorFilter", "denominatorAggregations", "comparison",
                  "thresholdValue", "duration", "trigger", "evaluationMissingData", "forecastOptions"}
UPTIME_KEYS = {"displayName", "monitoredResource", "httpCheck", "tcpCheck", "contentMatchers", "period", "timeout",
               "selectedRegions", "checkerType", "userLabels", "resourceGroup", "syntheticMonitor"}
PERIODS = {"60s": "1", "300s": "5", "600s": "10", "900s": "15"}  # the API's periods and gcloud's --period minutes
SERVICE_NAMES = re.compile(r'service_name\s*=\s*(?:one_of\(([^)]*)\)|"([^"]+)")')
QUEUE_IDS = re.compile(r'queue_id\s*=\s*"([^"]+)"')
USER_METRICS = re.compile(r'logging\.googleapis\.com/user/([A-Za-z0-9_./-]+)')


@dataclass(frozen=True, slots=True)
class OpsFile:
    kind: str  # one of KINDS
    source: Path  # the file in ops/
    resource: dict[str, Any]  # filled in for the project

    @property
    def name(self) -> str:
        return str(self.resource.get("name") or self.resource.get("displayName") or self.source.stem)


def ops_files(root: Path = OPS) -> list[Path]:
    """Every configuration file in ops/, in the order they are applied."""
    return [p for kind in KINDS for p in sorted((root / kind).glob("*.json"))]


def fill(text: str, values: dict[str, str]) -> str:
    unknown = sorted({m for m in PLACEHOLDER.findall(text) if m not in values})
    if unknown:
        raise ValueError(f"unknown placeholder(s) {', '.join('${' + u + '}' for u in unknown)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def load(values: dict[str, str], root: Path = OPS) -> list[OpsFile]:
    """Every file, filled in; a file that is not JSON or names an unknown placeholder stops with its name."""
    loaded = []
    for path in ops_files(root):
        try:
            resource = json.loads(fill(path.read_text(), values))
        except ValueError as exc:
            raise SystemExit(f"deploy: {path.relative_to(root.parent)}: {exc}") from exc
        loaded.append(OpsFile(path.parent.name, path, resource))
    return loaded


def function_of(service: str) -> str:
    """The function a Cloud Run service name stands for (plan-event -> plan_event)."""
    return service.replace("-", "_")


def problems(files: list[OpsFile], functions: set[str], queue: str, hosted_paths: dict[str, str]) -> list[str]:
    """What is wrong with the configuration (empty when it may be applied). `functions`: every deployed entry
    point; `hosted_paths`: Hosting's /api/<path> -> function rewrites (the uptime check must reach one)."""
    found: list[str] = []
    metrics = {f.resource.get("name") for f in files if f.kind == "metrics"}
    names = [f.name for f in files if f.kind != "metrics"]
    found += [f"two resources are called {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    for file in files:
        where = f"ops/{file.kind}/{file.source.name}"
        check = {"metrics": _log_metric, "uptime": _uptime, "alerts": _policy}[file.kind]
        found += [f"{where}: {p}" for p in check(file.resource, hosted_paths)]
        text = json.dumps(file.resource)
        for listed, single in SERVICE_NAMES.findall(text.replace('\\"', '"')):
            for service in [s.strip().strip('"') for s in listed.split(",")] if listed else [single]:
                if service != MCP_SERVICE and function_of(service) not in functions:
                    found.append(f"{where}: names the service {service!r}, but no function {function_of(service)!r}")
        found += [f"{where}: names the queue {q!r}, the queue deployed is {queue!r}"
                  for q in QUEUE_IDS.findall(text.replace('\\"', '"')) if q != queue]
        found += [f"{where}: reads the log-based metric {m!r}, which ops/metrics does not define"
                  for m in USER_METRICS.findall(text) if m not in metrics]
    return found


def _policy(policy: dict[str, Any], _: dict[str, str]) -> list[str]:
    found = [f"unknown field {k!r}" for k in sorted(set(policy) - POLICY_KEYS)]
    if not isinstance(policy.get("displayName"), str) or not policy.get("displayName"):
        found.append("no displayName")
    if policy.get("combiner") not in ("AND", "OR", "AND_WITH_MATCHING_RESOURCE"):
        found.append(f"combiner {policy.get('combiner')!r} is not AND, OR or AND_WITH_MATCHING_RESOURCE")
    if policy.get("severity", "WARNING") not in ("CRITICAL", "ERROR", "WARNING"):
        found.append(f"severity {policy.get('severity')!r}")
    if "documentation" in policy and policy["documentation"].get("mimeType") not in ("text/markdown",):
        found.append("documentation.mimeType must be text/markdown")
    conditions = policy.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        return [*found, "no conditions"]
    for i, condition in enumerate(conditions):
        kinds = set(condition) & CONDITION_TYPES
        if len(kinds) != 1 or not condition.get("displayName"):
            found.append(f"conditions[{i}] needs a displayName and exactly one condition type")
            continue
        if "conditionThreshold" in kinds:
            found += [f"conditions[{i}].conditionThreshold: {p}" for p in _threshold(condition["conditionThreshold"])]
    return found


def _threshold(threshold: dict[str, Any]) -> list[str]:
    found = [f"unknown field {k!r}" for k in sorted(set(threshold) - THRESHOLD_KEYS)]
    for key in ("filter", "denominatorFilter"):
        if key in threshold and "metric.type" not in threshold[key]:
            found.append(f"{key} names no metric.type")
    if "filter" not in threshold:
        found.append("no filter")
    if threshold.get("comparison") not in COMPARISONS:
        found.append(f"comparison {threshold.get('comparison')!r}")
    if not isinstance(threshold.get("thresholdValue"), int | float):
        found.append("thresholdValue must be a number")
    if not DURATION.match(str(threshold.get("duration", ""))):
        found.append("duration must be seconds like '300s'")
    if ("denominatorFilter" in threshold) != ("denominatorAggregations" in threshold):
        found.append("a ratio needs both denominatorFilter and denominatorAggregations")
    for key in ("aggregations", "denominatorAggregations"):
        for a, aggregation in enumerate(threshold.get(key, [])):
            if not DURATION.match(str(aggregation.get("alignmentPeriod", ""))):
                found.append(f"{key}[{a}].alignmentPeriod must be seconds like '300s'")
            if aggregation.get("perSeriesAligner", "ALIGN_NONE") not in ALIGNERS:
                found.append(f"{key}[{a}].perSeriesAligner {aggregation.get('perSeriesAligner')!r}")
            if aggregation.get("crossSeriesReducer", "REDUCE_NONE") not in REDUCERS:
                found.append(f"{key}[{a}].crossSeriesReducer {aggregation.get('crossSeriesReducer')!r}")
    return found


def _uptime(check: dict[str, Any], hosted_paths: dict[str, str]) -> list[str]:
    found = [f"unknown field {k!r}" for k in sorted(set(check) - UPTIME_KEYS)]
    resource = check.get("monitoredResource", {})
    if resource.get("type") != "uptime_url" or not {"host", "project_id"} <= set(resource.get("labels", {})):
        found.append("monitoredResource must be an uptime_url with host and project_id")
    http = check.get("httpCheck", {})
    path = str(http.get("path", ""))
    if path not in hosted_paths:
        found.append(f"httpCheck.path {path!r} reaches no function through Hosting")
    if http.get("requestMethod", "GET") not in ("GET", "POST"):
        found.append(f"httpCheck.requestMethod {http.get('requestMethod')!r}")
    if check.get("period") not in PERIODS:
        found.append(f"period must be one of {', '.join(PERIODS)}")
    timeout = str(check.get("timeout", ""))
    if not DURATION.match(timeout) or not 1 <= int(timeout[:-1]) <= 60:
        found.append("timeout must be 1s to 60s")
    for m, matcher in enumerate(check.get("contentMatchers", [])):
        if matcher.get("matcher") not in ("CONTAINS_STRING", "NOT_CONTAINS_STRING", "MATCHES_REGEX",
                                          "NOT_MATCHES_REGEX", "MATCHES_JSON_PATH", "NOT_MATCHES_JSON_PATH"):
            found.append(f"contentMatchers[{m}].matcher {matcher.get('matcher')!r}")
    return found


def _log_metric(metric: dict[str, Any], _: dict[str, str]) -> list[str]:
    found = []
    if not re.fullmatch(r"[A-Za-z0-9_.\-/]{1,100}", str(metric.get("name", ""))):
        found.append("name must be letters, digits, _ . - /")
    if not metric.get("filter"):
        found.append("no filter")
    descriptor = metric.get("metricDescriptor", {})
    if descriptor.get("metricKind") != "DELTA" or descriptor.get("valueType") not in ("INT64", "DISTRIBUTION"):
        found.append("a log-based metric is DELTA, INT64 (a counter) or DISTRIBUTION")
    labels = {label["key"] for label in descriptor.get("labels", [])}
    extractors = metric.get("labelExtractors", {})
    if labels != set(extractors):
        found.append(f"labels {sorted(labels)} and labelExtractors {sorted(extractors)} differ")
    found += [f"labelExtractors.{k} must be EXTRACT(...) or REGEXP_EXTRACT(...)" for k, v in extractors.items()
              if not re.fullmatch(r"(EXTRACT|REGEXP_EXTRACT)\(.+\)", v)]
    return found


def uptime_flags(check: dict[str, Any]) -> list[str]:
    """An UptimeCheckConfig as `gcloud monitoring uptime create` flags (it takes no file)."""
    resource, http = check["monitoredResource"], check["httpCheck"]
    labels = ",".join(f"{k}={v}" for k, v in sorted(resource["labels"].items()))
    flags = [check["displayName"], "--resource-type=uptime-url", f"--resource-labels={labels}",
             f"--protocol={'https' if http.get('useSsl') else 'http'}", f"--port={http.get('port', 443)}",
             f"--path={http['path']}", f"--request-method={http.get('requestMethod', 'GET').lower()}",
             f"--validate-ssl={str(bool(http.get('validateSsl'))).lower()}",
             f"--period={PERIODS[check['period']]}", f"--timeout={check['timeout'][:-1]}"]
    classes = [c["statusClass"].removeprefix("STATUS_CLASS_").lower()
               for c in http.get("acceptedResponseStatusCodes", []) if "statusClass" in c]
    if classes:
        flags.append(f"--status-classes={','.join(classes)}")
    for matcher in check.get("contentMatchers", [])[:1]:  # gcloud takes one matcher
        flags += [f"--matcher-content={matcher['content']}",
                  f"--matcher-type={matcher['matcher'].lower().replace('_', '-')}"]
        if "jsonPathMatcher" in matcher:
            flags += [f"--json-path={matcher['jsonPathMatcher']['jsonPath']}",
                      f"--json-path-matcher-type={matcher['jsonPathMatcher']['jsonMatcher'].lower().replace('_', '-')}"]
    return flags


def stage(files: list[OpsFile], target: Path) -> dict[Path, Path]:
    """The filled-in files gcloud reads (--policy-from-file, --config-from-file), by their source."""
    staged = {}
    for file in files:
        path = target / file.kind / file.source.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(file.resource, indent=2))
        staged[file.source] = path
    return staged


def commands(files: list[OpsFile], staged: dict[Path, Path], project: str, channels: list[str]) -> list[list[str]]:
    """The gcloud commands that create every resource: log-based metrics, uptime checks, alert policies."""
    p = ["--project", project]
    notify = [f"--notification-channels={','.join(channels)}"] if channels else []
    out: list[list[str]] = []
    for file in files:
        if file.kind == "metrics":
            out.append(["gcloud", "logging", "metrics", "create", file.resource["name"],
                        f"--config-from-file={staged[file.source]}", *p])
        elif file.kind == "uptime":
            out.append(["gcloud", "monitoring", "uptime", "create", *uptime_flags(file.resource), *p])
        else:
            # alert policies are in gcloud's alpha track only up to some SDK releases (528.0.0 here); alpha stays
            out.append([*POLICIES, "create", f"--policy-from-file={staged[file.source]}", *notify, *p])
    return out
