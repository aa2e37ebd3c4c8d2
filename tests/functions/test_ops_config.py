"""ops/: the uptime check and alert policies are well-formed, name real functions and the real queue, and the
deploy script's dry run checks, stages and lists every one of them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import deploy  # noqa: E402
import ops_config  # noqa: E402

CONFIG = {"BAKETRACKER_PROJECT": "bakes-prod",
          "BAKETRACKER_ALERT_CHANNELS": "projects/bakes-prod/notificationChannels/42"}


def test_the_dry_run_checks_stages_and_lists_every_ops_file(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in CONFIG.items():
        monkeypatch.setenv(key, value)
    assert deploy.main(["--dry-run"]) == 0
    printed = [line.removeprefix("+ ") for line in capsys.readouterr().out.splitlines() if line.startswith("+ ")]
    files = ops_config.ops_files()
    assert {p.parent.name for p in files} == {"metrics", "uptime", "alerts"} and len(files) >= 8
    for path in files:
        resource = json.loads(path.read_text())
        if path.parent.name == "alerts":
            [line] = [c for c in printed if c.startswith("gcloud alpha monitoring policies create")
                      and f"/ops/alerts/{path.name} " in c]
            assert "--notification-channels=projects/bakes-prod/notificationChannels/42" in line
            staged = Path(line.split("--policy-from-file=")[1].split()[0])
            assert "${" not in staged.read_text() and json.loads(staged.read_text())["displayName"]
        elif path.parent.name == "metrics":
            [line] = [c for c in printed if c.startswith(f"gcloud logging metrics create {resource['name']} ")]
            assert f"/ops/metrics/{path.name} " in line
        else:
            [line] = [c for c in printed if c.startswith("gcloud monitoring uptime create")]
            assert "--path=/api/health" in line and "host=bakes-prod.web.app,project_id=bakes-prod" in line
    ops = [c for c in printed
           if c.startswith(("gcloud logging metrics", "gcloud monitoring", "gcloud alpha monitoring"))]
    assert len(ops) == len(files) and printed[-len(files):] == ops  # applied last, after the functions exist
    assert ops[0].startswith("gcloud logging metrics create")  # before the policies that read it


def test_every_config_names_real_functions_and_the_deployed_queue(tmp_path: Path) -> None:
    config = deploy.Config(CONFIG | {"BAKETRACKER_QUEUE": "receipt-extraction"})
    files = ops_config.load(config.ops_values())
    functions = deploy.defined_entry_points()
    named: set[str] = set()
    for file in files:
        text = json.dumps(file.resource).replace('\\"', '"')
        for listed, single in ops_config.SERVICE_NAMES.findall(text):
            named |= {ops_config.function_of(s.strip().strip('"')) for s in (listed.split(",") if listed else [single])}
    assert named and named <= functions, named - functions
    assert {"extract_receipt", "propose_from_text", "upload_photo"} <= named
    backlog = next(f for f in files if f.source.name == "task-backlog.json")
    assert all('queue_id = "receipt-extraction"' in c["conditionThreshold"]["filter"]
               for c in backlog.resource["conditions"])
    assert deploy.plan_ops(config, tmp_path)  # checked without a problem


def test_the_policies_hold_the_thresholds_the_issue_asks_for() -> None:
    files = {f.source.name: f.resource for f in ops_config.load(deploy.Config(CONFIG).ops_values())}

    def threshold(name: str, index: int = 0) -> dict[str, object]:
        condition: dict[str, object] = files[name]["conditions"][index]["conditionThreshold"]
        return condition

    p95 = threshold("latency-p95.json")
    assert p95["thresholdValue"] == 200 and "request_latencies" in str(p95["filter"])
    assert p95["aggregations"] == [{"alignmentPeriod": "300s", "perSeriesAligner": "ALIGN_DELTA",  # type: ignore
                                    "crossSeriesReducer": "REDUCE_PERCENTILE_95",
                                    "groupByFields": ["resource.label.service_name"]}]  # one series per function
    errors = threshold("error-rate.json")
    assert errors["thresholdValue"] == 0.01 and '"5xx"' in str(errors["filter"]) and errors["denominatorFilter"]
    assert {c["conditionThreshold"]["filter"].split('"')[1] for c in files["task-backlog.json"]["conditions"]} == {
        "cloudtasks.googleapis.com/queue/depth", "cloudtasks.googleapis.com/queue/task_attempt_delays"}
    assert "uptime_check/check_passed" in str(threshold("uptime-failing.json")["filter"])


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    root = tmp_path / "ops"
    shutil.copytree(ops_config.OPS, root)
    path = next(root.rglob(name))
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    return root


@pytest.mark.parametrize(("name", "old", "new", "problem"), [
    ("latency-p95.json", '\\"extract-receipt\\"', '\\"extract-reciept\\"', "no function 'extract_reciept'"),
    ("task-backlog.json", "${QUEUE}", "receipts", "names the queue 'receipts'"),
    ("error-rate.json", "COMPARISON_GT", "GREATER", "comparison 'GREATER'"),
    ("latency-p95.json", '"duration": "600s"', '"duration": "10m"', "duration must be seconds"),
    ("api-health.json", "/api/health", "/api/healthz", "reaches no function through Hosting"),
    ("observed-errors.json", "user/baketracker_calls", "user/baketracker_call", "ops/metrics does not define"),
    ("baketracker_calls.json", '"outcome": "EXTRACT', '"result": "EXTRACT', "labelExtractors"),
    ("uptime-failing.json", '"combiner"', '"combinr"', "unknown field 'combinr'"),
])
def test_a_broken_config_stops_the_dry_run_naming_the_problem(tmp_path: Path, name: str, old: str, new: str,
                                                               problem: str) -> None:
    root = _broken_copy(tmp_path, name, old, new)
    with pytest.raises(SystemExit, match="ops/ is not ready") as stopped:
        deploy.plan_ops(deploy.Config(CONFIG), tmp_path / "staged", root)
    assert problem in str(stopped.value) and name in str(stopped.value)


def test_an_unknown_placeholder_stops_it_too(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, "task-backlog.json", "${QUEUE}", "${QUEUE_NAME}")
    with pytest.raises(SystemExit, match=r"task-backlog.json: unknown placeholder\(s\) \$\{QUEUE_NAME\}"):
        deploy.plan_ops(deploy.Config(CONFIG), tmp_path / "staged", root)


def test_a_policy_that_exists_is_updated_with_the_flags_update_takes() -> None:
    create = [*ops_config.POLICIES, "create", "--policy-from-file=/tmp/x/ops/alerts/error-rate.json",
              "--notification-channels=projects/p/notificationChannels/42", "--project", "p"]
    assert deploy.policy_update(create, "projects/p/alertPolicies/7") == [
        "gcloud", "alpha", "monitoring", "policies", "update", "projects/p/alertPolicies/7",
        "--policy-from-file=/tmp/x/ops/alerts/error-rate.json",
        "--set-notification-channels=projects/p/notificationChannels/42", "--project", "p"]


@pytest.mark.skipif(shutil.which("gcloud") is None, reason="no gcloud SDK here")
def test_every_flag_the_dry_run_prints_is_one_the_installed_gcloud_knows(tmp_path: Path) -> None:
    """Offline: `gcloud <command> --help` of the SDK on this machine lists every flag and choice we pass."""
    import re
    import subprocess

    config = deploy.Config(CONFIG)
    planned = deploy.plan_ops(config, tmp_path)
    create = planned[-1]
    planned.append(deploy.policy_update(create, "projects/bakes-prod/alertPolicies/1"))
    seen: dict[str, str] = {}
    for command in planned:
        words = [w for w in command if not w.startswith("-")]
        verb = words[: words.index("create" if "create" in words else "update") + 1]
        key = " ".join(verb)
        if key not in seen:
            env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}
            done = subprocess.run([*verb, "--help"], capture_output=True, text=True, timeout=120, env=env)
            seen[key] = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
            assert done.returncode == 0 and "SYNOPSIS" in seen[key], (key, done.stderr[-300:])
        help_text = seen[key]
        for flag in [a for a in command if a.startswith("--")]:
            name, _, value = flag.partition("=")
            assert name in help_text, (key, name)
            if name in ("--protocol", "--request-method", "--matcher-type", "--json-path-matcher-type", "--period",
                        "--resource-type") or name == "--status-classes":
                assert re.search(rf"^\s+{re.escape(value)}$", help_text, re.M), (key, flag)
