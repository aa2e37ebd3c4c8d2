"""The deploy script (never run against a real project here): what it stages and what it would run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import deploy  # noqa: E402

from functions.gateway import OPERATIONS  # noqa: E402


def test_without_a_project_it_stops_with_a_clear_message() -> None:
    with pytest.raises(SystemExit, match="BAKETRACKER_PROJECT"):
        deploy.Config({})


def test_every_http_operation_is_deployed_as_a_2nd_gen_function_with_env_config(tmp_path: Path) -> None:
    config = deploy.Config({"BAKETRACKER_PROJECT": "bakes-prod", "GEMINI_SECRET": "gemini-key"})
    planned = deploy.commands(config, tmp_path, set(OPERATIONS))
    functions = {c[3]: c for c in planned if c[:3] == ["gcloud", "functions", "deploy"]}
    assert set(OPERATIONS) <= set(functions)
    for name in OPERATIONS:
        command = functions[name]
        assert f"--entry-point={name}" in command and "--gen2" in command and "--runtime=python311" in command
        assert "--set-secrets=GEMINI_API_KEY=gemini-key:latest" in command  # the key never in the repository
        assert any(a.startswith("--set-env-vars=GOOGLE_CLOUD_PROJECT=bakes-prod,") for a in command)
    assert planned[0][:3] == ["firebase", "deploy", "--only"]
    assert "firestore:rules,firestore:indexes,storage,hosting" in planned[0]


def test_the_staged_source_serves_every_entry_point_with_only_its_own_files(tmp_path: Path) -> None:
    source = deploy.stage(tmp_path / "source")
    requirements = (source / "requirements.txt").read_text()
    assert "functions-framework==" in requirements and "pytest" not in requirements
    names = sorted(OPERATIONS)
    check = ("import functions_framework, sys\n"
             f"for name in {names!r}:\n"
             "    functions_framework.create_app(target=name, source='main.py', signature_type='http')\n"
             "import functions.main, core\n"
             f"print('served', len({names!r}), functions.main.__file__, core.__file__)\n")
    result = subprocess.run([sys.executable, "-c", check], cwd=source, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(source)})
    assert result.returncode == 0, result.stderr[-2000:]
    served, count, main_file, core_file = result.stdout.split()
    assert (served, int(count)) == ("served", len(names))
    assert Path(main_file).is_relative_to(source) and Path(core_file).is_relative_to(source)


def test_the_deployed_firebase_json_allows_the_builds_inline_scripts_and_the_api_catch_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import functions.hosting

    dist = tmp_path / "built"
    dist.mkdir()
    (dist / "index.html").write_text("<html><body><script>boot()</script></body></html>")
    real = functions.hosting.Hosting.from_file
    monkeypatch.setattr(functions.hosting.Hosting, "from_file", staticmethod(lambda path: real(path, public=dist)))
    staged = deploy.stage_hosting(tmp_path / "stage")
    config = json.loads(staged.read_text())
    csp = next(h["value"] for rule in config["hosting"]["headers"] for h in rule["headers"]
               if h["key"] == "Content-Security-Policy")
    assert "script-src 'self' 'sha256-" in csp and "127.0.0.1" not in csp
    assert (staged.parent / "hosting" / "dist" / "index.html").exists() and (staged.parent / "firestore.rules").exists()
    assert (staged.parent / "firestore.indexes.json").exists()
    planned = deploy.commands(deploy.Config({"BAKETRACKER_PROJECT": "p"}), tmp_path, set(), staged)
    assert planned[0][-2:] == ["--config", str(staged)]
    assert any(c[:4] == ["gcloud", "functions", "deploy", "api_not_found"] for c in planned)


def test_the_mcp_service_is_deployed_to_cloud_run_from_a_staged_context_with_its_dockerfile(tmp_path: Path) -> None:
    config = deploy.Config({"BAKETRACKER_PROJECT": "bakes-prod", "GEMINI_SECRET": "gemini-key"})
    context = deploy.stage_mcp(tmp_path / "mcp")
    assert (context / "Dockerfile").read_text() == (REPO / "mcp_service" / "Dockerfile").read_text()
    assert {p.name for p in context.iterdir()} >= {"core", "adapters", "functions", "mcp_service",
                                                  "requirements.lock"}
    assert not list(context.rglob("__pycache__"))
    planned = deploy.commands(config, tmp_path, set(OPERATIONS), mcp_source=context)
    run = next(c for c in planned if c[:3] == ["gcloud", "run", "deploy"])
    assert run[3] == "baketracker-mcp" and f"--source={context}" in run
    assert "--set-secrets=GEMINI_API_KEY=gemini-key:latest" in run
    assert any(a.startswith("--set-env-vars=GOOGLE_CLOUD_PROJECT=bakes-prod,") for a in run)


def test_every_operation_has_its_hosting_rewrite_and_nothing_else_is_rewritten() -> None:
    import json

    rewrites = json.loads((REPO / "firebase.json").read_text())["hosting"]["rewrites"]
    routed = {r["source"].removeprefix("/api/"): r["function"]["functionId"] for r in rewrites
              if "function" in r and r["source"].startswith("/api/") and "*" not in r["source"]}
    assert {name: name for name in OPERATIONS} == routed  # an operation without one is a 404 behind Hosting


def _scheduler_plan() -> list[list[str]]:
    config = deploy.Config({"BAKETRACKER_PROJECT": "bakes-prod",
                            "BAKETRACKER_SCHEDULER_SERVICE_ACCOUNT": "clock@bakes-prod.iam.gserviceaccount.com"})
    return deploy.commands(config, Path("/tmp/src"), deploy.defined_entry_points())


def test_the_scheduled_functions_get_their_jobs_with_an_oidc_token_and_the_invoker_role() -> None:
    planned = _scheduler_plan()
    deployed = {c[3]: c for c in planned if c[:3] == ["gcloud", "functions", "deploy"]}
    jobs = {c[5]: c for c in planned if c[:5] == deploy.SCHEDULER_CREATE}
    assert set(jobs) == {"baketracker-aggregate-activity", "baketracker-event-reminders"}
    for name, job, schedule in (("aggregate_activity", "baketracker-aggregate-activity", "7 * * * *"),
                                ("event_reminders", "baketracker-event-reminders", "0 7 * * *")):
        assert "--no-allow-unauthenticated" in deployed[name]  # only the scheduler's account may call it
        url = f"https://us-central1-bakes-prod.cloudfunctions.net/{name}"
        command = jobs[job]
        assert f"--schedule={schedule}" in command and f"--uri={url}" in command and "--time-zone=Etc/UTC" in command
        assert "--oidc-service-account-email=clock@bakes-prod.iam.gserviceaccount.com" in command
        assert f"--oidc-token-audience={url}" in command and "--location=us-central1" in command
        [grant] = [c for c in planned if c[:4] == ["gcloud", "functions", "add-invoker-policy-binding", name]]
        assert "--member=serviceAccount:clock@bakes-prod.iam.gserviceaccount.com" in grant
        assert planned.index(deployed[name]) < planned.index(grant) < planned.index(command)
    update = deploy.scheduler_update(jobs["baketracker-event-reminders"])
    assert update[:6] == ["gcloud", "scheduler", "jobs", "update", "http", "baketracker-event-reminders"]
    assert update[6:] == jobs["baketracker-event-reminders"][6:]
    tasks_only = deploy.Config({"BAKETRACKER_PROJECT": "p", "BAKETRACKER_TASKS_SERVICE_ACCOUNT": "t@p.iam"})
    assert tasks_only.scheduler_account == "t@p.iam"
    default = deploy.Config({"BAKETRACKER_PROJECT": "p"}).scheduler_account
    assert default == "baketracker-scheduler@p.iam.gserviceaccount.com"


def test_the_dry_run_prints_the_scheduler_jobs(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BAKETRACKER_PROJECT", "bakes-prod")
    assert deploy.main(["--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("+ gcloud scheduler jobs create http baketracker-") == 2
    assert "--oidc-service-account-email=baketracker-scheduler@bakes-prod.iam.gserviceaccount.com" in printed


@pytest.mark.skipif(shutil.which("gcloud") is None, reason="no gcloud SDK here")
def test_every_scheduler_flag_is_one_the_installed_gcloud_knows(tmp_path: Path) -> None:
    """Offline: `gcloud <command> --help` of the SDK on this machine lists every flag the jobs pass (create and
    update), and the one choice (--http-method)."""
    import re

    planned = [c for c in _scheduler_plan() if c[:5] == deploy.SCHEDULER_CREATE
               or c[:3] == ["gcloud", "functions", "add-invoker-policy-binding"]]
    planned += [deploy.scheduler_update(c) for c in planned if c[:5] == deploy.SCHEDULER_CREATE]
    seen: dict[str, str] = {}
    for command in planned:
        verb = command[:5] if command[1] == "scheduler" else command[:3]
        key = " ".join(verb)
        if key not in seen:
            env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}
            done = subprocess.run([*verb, "--help"], capture_output=True, text=True, timeout=120, env=env)
            seen[key] = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
            assert done.returncode == 0 and "SYNOPSIS" in seen[key], (key, done.stderr[-300:])
        for flag in [a for a in command if a.startswith("--")]:
            name, _, value = flag.partition("=")
            assert re.search(rf"^\s+{re.escape(name)}[=\s,]", seen[key], re.M) or name == "--project", (key, name)
            if name == "--http-method":
                assert value in seen[key].lower(), (key, flag)


def test_the_chunks_of_aggregation_have_their_task_function_and_its_url() -> None:
    planned = _scheduler_plan()
    [fold] = [c for c in planned if c[:4] == ["gcloud", "functions", "deploy", "fold_activity_chunk"]]
    assert "--no-allow-unauthenticated" in fold  # only Cloud Tasks' account may call it
    env = next(a for a in fold if a.startswith("--set-env-vars="))
    assert "BAKETRACKER_FOLD_URL=https://us-central1-bakes-prod.cloudfunctions.net/fold_activity_chunk" in env
