"""Deploy BakeTracker Cloud to a real Firebase / Google Cloud project (not run in CI; try --dry-run).

Configured only by environment variables:
  BAKETRACKER_PROJECT   the Firebase / Google Cloud project id (required)
  BAKETRACKER_REGION    functions, tasks and Cloud Run region (default us-central1)
  BAKETRACKER_BUCKET    the photos bucket (default <project>.appspot.com)
  BAKETRACKER_QUEUE     the Cloud Tasks queue for receipt extraction (default receipt-extraction)
  GEMINI_SECRET         a Secret Manager secret holding the Gemini API key (optional; without it
                        the offline extractors answer)
  GEMINI_MODEL          the Gemini model (optional)
  BAKETRACKER_TASKS_SERVICE_ACCOUNT
                        the service account Cloud Tasks signs its OIDC tokens as; give it run.invoker
                        on extract_receipt and fold_activity_chunk (which have no public invoker)
  BAKETRACKER_SCHEDULER_SERVICE_ACCOUNT
                        the service account Cloud Scheduler signs its OIDC tokens as (default: the tasks
                        account, else baketracker-scheduler@<project>.iam.gserviceaccount.com, which must
                        exist); the deploy gives it the invoker role on the scheduled functions
  BAKETRACKER_HOSTING_HOST
                        the app's host the uptime check calls (default <project>.web.app)
  BAKETRACKER_ALERT_CHANNELS
                        comma-separated notification channel resource names the alert policies notify
                        (projects/<project>/notificationChannels/<id>; optional)

Steps: stage the functions' source (core, functions, adapters, a root main.py and a
requirements.txt from the lock file), publish Firestore rules and indexes, Storage rules and Hosting with its
/api rewrites, create the Cloud Tasks queue, deploy every HTTP operation as a 2nd-gen Python 3.11
function, the storage-triggered and task functions where they exist, the Cloud Scheduler jobs that call
aggregate_activity (hourly) and event_reminders (daily) with an OIDC token (an existing job is updated),
and the MCP service on Cloud Run where it exists; then the monitoring in ops/ (docs/operations.md): the
log-based metrics, the uptime check on /api/health and the alert policies, filled in for the project and
checked first (a configuration naming a function or queue that is not deployed stops the deploy, dry run
included).
Every command is printed before it runs; --dry-run only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import ops_config

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# what the functions need at run time (the rest of the lock file is for tests and the local stack)
RUNTIME_PACKAGES = ("functions-framework", "firebase-admin", "google-cloud-firestore", "google-cloud-storage",
                    "google-cloud-tasks", "google-genai", "pydantic", "email-validator", "pillow")
SOURCE_PACKAGES = ("core", "functions", "adapters")
# event-driven entry points: (name, extra gcloud flags), deployed when functions/main.py defines them
STORAGE_TRIGGERED = ("receipt_uploaded",)
TASK_HANDLERS = ("extract_receipt", "aggregate_activity", "event_reminders", "fold_activity_chunk")
# Cloud Scheduler jobs: (function, job name, cron schedule in UTC). Scheduler sends X-CloudScheduler: true itself.
SCHEDULED = (("aggregate_activity", "baketracker-aggregate-activity", "7 * * * *"),  # hourly
             ("event_reminders", "baketracker-event-reminders", "0 7 * * *"))  # daily, 07:00 UTC
SCHEDULER_CREATE = ["gcloud", "scheduler", "jobs", "create", "http"]
# CPU only while a request is served (request-based billing), for the functions and the MCP service alike. CPU
# always allocated would bill every instance for its whole life, idle minutes included, to write activity
# records that are written anyway: at the instance's next request and on SIGTERM, which Cloud Run sends with
# 10 s of CPU before stopping an instance (functions/shared/activity.py, docs/metrics.md, docs/cost.md).
# `gcloud functions deploy` has no flag for it (2nd gen functions get request-based CPU); the MCP service's
# `gcloud run deploy` says it explicitly.
CPU_NOTE = ("# CPU: request-based (throttled between requests) for every function and the MCP service "
            "(--cpu-throttling); activity records are written at the next request and on SIGTERM")
MCP_CPU = "--cpu-throttling"


class Config:
    def __init__(self, env: dict[str, str]) -> None:
        self.project = env.get("BAKETRACKER_PROJECT", "").strip()
        if not self.project:
            raise SystemExit("deploy: set BAKETRACKER_PROJECT to the Firebase / Google Cloud project id")
        self.region = env.get("BAKETRACKER_REGION", "us-central1").strip()
        self.bucket = env.get("BAKETRACKER_BUCKET", f"{self.project}.appspot.com").strip()
        self.queue = env.get("BAKETRACKER_QUEUE", "receipt-extraction").strip()
        self.gemini_secret = env.get("GEMINI_SECRET", "").strip()
        self.gemini_model = env.get("GEMINI_MODEL", "").strip()
        self.tasks_account = env.get("BAKETRACKER_TASKS_SERVICE_ACCOUNT", "").strip()
        self.scheduler_account = (env.get("BAKETRACKER_SCHEDULER_SERVICE_ACCOUNT", "").strip() or self.tasks_account
                                  or f"baketracker-scheduler@{self.project}.iam.gserviceaccount.com")
        self.hosting_host = env.get("BAKETRACKER_HOSTING_HOST", "").strip() or f"{self.project}.web.app"
        self.alert_channels = [c.strip() for c in env.get("BAKETRACKER_ALERT_CHANNELS", "").split(",") if c.strip()]

    def ops_values(self) -> dict[str, str]:
        """What the placeholders in ops/ stand for."""
        return {"PROJECT": self.project, "REGION": self.region, "QUEUE": self.queue, "HOSTING_HOST": self.hosting_host}

    def env_vars(self) -> str:
        pairs = {"GOOGLE_CLOUD_PROJECT": self.project, "BAKETRACKER_BUCKET": self.bucket,
                 "BAKETRACKER_QUEUE": self.queue, "BAKETRACKER_REGION": self.region,
                 "BAKETRACKER_EXTRACT_URL": f"https://{self.region}-{self.project}.cloudfunctions.net/extract_receipt",
                 "BAKETRACKER_FOLD_URL": f"https://{self.region}-{self.project}.cloudfunctions.net/fold_activity_chunk"}
        if self.tasks_account:
            pairs["BAKETRACKER_TASKS_SERVICE_ACCOUNT"] = self.tasks_account
        if self.gemini_model:
            pairs["GEMINI_MODEL"] = self.gemini_model
        return ",".join(f"{k}={v}" for k, v in pairs.items())


def http_operations() -> list[str]:
    """Every function a Hosting rewrite reaches (the operations and the /api/** catch-all)."""
    from functions.gateway import HOSTED

    return sorted(HOSTED)


def stage_hosting(target: Path) -> Path:
    """firebase.json as deployed, with what it names: the CSP's script-src gains the hashes of the built
    pages' inline scripts (SvelteKit's bootstrap), which change with every build (functions.hosting)."""
    from functions.hosting import FIREBASE_JSON, Hosting

    config = json.loads(FIREBASE_JSON.read_text())
    hosting = Hosting.from_file(FIREBASE_JSON)
    if not hosting.public.is_dir():
        raise SystemExit(f"deploy: no {hosting.public}: build the app first (make install)")
    shutil.copytree(hosting.public, target / config["hosting"]["public"])
    for rules in (config["firestore"]["rules"], config["firestore"]["indexes"], config["storage"]["rules"]):
        shutil.copy2(REPO / rules, target / rules)
    (target / "firebase.json").write_text(json.dumps(hosting.deploy_config(config), indent=2))
    return target / "firebase.json"


def defined_entry_points() -> set[str]:
    import functions.main

    return {name for name in dir(functions.main) if callable(getattr(functions.main, name))}


def requirements(lock: Path) -> str:
    wanted = {p.lower() for p in RUNTIME_PACKAGES}
    lines = [line for line in lock.read_text().splitlines()
             if line.split("==")[0].strip().lower().replace("_", "-") in wanted]
    missing = wanted - {line.split("==")[0].lower().replace("_", "-") for line in lines}
    if missing:
        raise SystemExit(f"deploy: requirements.lock lacks {', '.join(sorted(missing))}")
    return "\n".join(lines) + "\n"


def stage(target: Path) -> Path:
    for package in SOURCE_PACKAGES:
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "main.py").write_text("from functions.main import *  # noqa: F403  (every entry point)\n")
    (target / "requirements.txt").write_text(requirements(REPO / "requirements.lock"))
    return target


def commands(config: Config, source: Path, entry_points: set[str],
             hosting_config: Path | None = None, mcp_source: Path | None = None) -> list[list[str]]:
    p, r = ["--project", config.project], config.region
    secret = [f"--set-secrets=GEMINI_API_KEY={config.gemini_secret}:latest"] if config.gemini_secret else []
    base = ["gcloud", "functions", "deploy"]
    common = ["--gen2", "--runtime=python311", f"--region={r}", f"--source={source}",
              f"--set-env-vars={config.env_vars()}", *secret, *p]
    out: list[list[str]] = [
        ["firebase", "deploy", "--only", "firestore:rules,firestore:indexes,storage,hosting",
         "--project", config.project, "--non-interactive",
         *(["--config", str(hosting_config)] if hosting_config else [])],
        ["gcloud", "tasks", "queues", "create", config.queue, f"--location={r}", "--max-attempts=5", *p],
    ]
    for name in http_operations():
        # the function checks the Firebase ID token itself, so Hosting's rewrite may call it unauthenticated
        out.append([*base, name, f"--entry-point={name}", "--trigger-http", "--allow-unauthenticated",
                    "--memory=512Mi", *common])
    for name in STORAGE_TRIGGERED:
        if name in entry_points:
            out.append([*base, name, f"--entry-point={name}",
                        "--trigger-event-filters=type=google.cloud.storage.object.v1.finalized",
                        f"--trigger-event-filters=bucket={config.bucket}", f"--trigger-location={r}", *common])
    for name in TASK_HANDLERS:
        if name in entry_points:
            out.append([*base, name, f"--entry-point={name}", "--trigger-http", "--no-allow-unauthenticated",
                        "--memory=1Gi", "--timeout=300s", *common])
    out.extend(scheduler_commands(config, entry_points))
    if mcp_source is not None:
        # the service checks the bearer token itself (401 with its metadata), so Cloud Run lets callers reach it
        out.append(["gcloud", "run", "deploy", "baketracker-mcp", f"--source={mcp_source}", f"--region={r}",
                    "--allow-unauthenticated", "--memory=512Mi", MCP_CPU, f"--set-env-vars={config.env_vars()}",
                    *secret, *p])
    return out


def function_url(config: Config, name: str) -> str:
    return f"https://{config.region}-{config.project}.cloudfunctions.net/{name}"


def scheduler_commands(config: Config, entry_points: set[str]) -> list[list[str]]:
    """For each scheduled function that exists: the scheduler's account may invoke it (it has no public
    invoker), and the job that calls it with an OIDC token whose audience is the function's URL."""
    p, r = ["--project", config.project], config.region
    out: list[list[str]] = []
    for name, job, schedule in SCHEDULED:
        if name not in entry_points:
            continue
        url = function_url(config, name)
        out.append(["gcloud", "functions", "add-invoker-policy-binding", name, f"--region={r}",
                    f"--member=serviceAccount:{config.scheduler_account}", *p])
        out.append([*SCHEDULER_CREATE, job, f"--location={r}", f"--schedule={schedule}", "--time-zone=Etc/UTC",
                    f"--uri={url}", "--http-method=post", "--attempt-deadline=320s",
                    f"--oidc-service-account-email={config.scheduler_account}", f"--oidc-token-audience={url}", *p])
    return out


def scheduler_update(create: list[str]) -> list[str]:
    """The `jobs create http` command as the update of the job that exists (update takes the same flags)."""
    return ["gcloud", "scheduler", "jobs", "update", "http", *create[len(SCHEDULER_CREATE):]]


def plan_ops(config: Config, target: Path, root: Path = ops_config.OPS) -> list[list[str]]:
    """The monitoring in ops/, filled in, checked and staged in `target`: the commands that apply it. Stops
    naming every problem when a file is malformed or names a function or queue that is not deployed."""
    from functions.hosting import FIREBASE_JSON

    files = ops_config.load(config.ops_values(), root)
    rewrites = json.loads(FIREBASE_JSON.read_text())["hosting"]["rewrites"]
    hosted = {r["source"]: r["function"]["functionId"] for r in rewrites if "function" in r and "*" not in r["source"]}
    found = ops_config.problems(files, defined_entry_points() | set(http_operations()), config.queue, hosted)
    if found:
        raise SystemExit("deploy: ops/ is not ready:\n  " + "\n  ".join(found))
    return ops_config.commands(files, ops_config.stage(files, target), config.project, config.alert_channels)


def existing_policy(config: Config, display_name: str) -> str | None:
    """The alert policy of that name already in the project (applied again, it is updated, not duplicated)."""
    result = subprocess.run([*ops_config.POLICIES, "list", f"--filter=displayName=\"{display_name}\"",
                             "--format=value(name)", "--project", config.project],
                            capture_output=True, text=True, check=False)
    names = result.stdout.split()
    return names[0] if result.returncode == 0 and names else None


def policy_update(create: list[str], name: str) -> list[str]:
    """The `policies create` command as the update of the existing policy `name` (update names its channels
    with --set-notification-channels)."""
    flags = [a.replace("--notification-channels=", "--set-notification-channels=") for a in create[5:]]
    return [*ops_config.POLICIES, "update", name, *flags]


def stage_mcp(target: Path) -> Path:
    """The MCP service's build context for Cloud Run: its Dockerfile at the root, the packages it imports, the
    lock file (gcloud run deploy --source builds the Dockerfile it finds there)."""
    target.mkdir(parents=True)
    for package in ("core", "adapters", "functions", "mcp_service"):
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(REPO / "mcp_service" / "Dockerfile", target / "Dockerfile")
    shutil.copy2(REPO / "requirements.lock", target / "requirements.lock")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    config = Config(dict(os.environ))
    source = stage(Path(tempfile.mkdtemp(prefix="baketracker-deploy-")) / "source")
    print(f"# staged the functions' source in {source}", flush=True)
    try:
        hosting_config: Path | None = stage_hosting(source.parent / "hosting")
        print(f"# staged firebase.json with the app's inline-script hashes: {hosting_config}", flush=True)
    except SystemExit as missing:
        if not args.dry_run:
            raise
        print(f"# {missing}", flush=True)
        hosting_config = None
    mcp_source = stage_mcp(source.parent / "mcp")
    print(f"# staged the MCP service's build context in {mcp_source}", flush=True)
    ops = plan_ops(config, source.parent / "ops")
    print(f"# checked and staged {len(ops)} monitoring resources from ops/ in {source.parent / 'ops'}", flush=True)
    print(CPU_NOTE, flush=True)
    for command in [*commands(config, source, defined_entry_points(), hosting_config, mcp_source), *ops]:
        if not args.dry_run and command[:5] == [*ops_config.POLICIES, "create"]:
            policy = json.loads(Path(command[5].split("=", 1)[1]).read_text())
            if (name := existing_policy(config, policy["displayName"])) is not None:
                command = policy_update(command, name)
        print("+ " + shlex.join(command), flush=True)
        if args.dry_run:
            continue
        result = subprocess.run(command, cwd=REPO, check=False)
        if result.returncode != 0 and command[:5] == SCHEDULER_CREATE:
            update = scheduler_update(command)
            print("# the job exists already (or could not be made): updating it\n+ " + shlex.join(update), flush=True)
            result = subprocess.run(update, cwd=REPO, check=False)
        if result.returncode != 0 and command[:4] == ["gcloud", "tasks", "queues", "create"]:
            print("# the queue exists already; keeping it", flush=True)
        elif result.returncode != 0 and command[:4] in (["gcloud", "logging", "metrics", "create"],
                                                        ["gcloud", "monitoring", "uptime", "create"]):
            print("# it exists already (or could not be made); keeping what is there: see the message above",
                  flush=True)
        elif result.returncode != 0:
            print(f"deploy: failed (exit {result.returncode}): {shlex.join(command)}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
