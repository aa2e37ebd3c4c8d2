"""scripts/backup.py (never run against a real project here): what --dry-run prints, and that it runs nothing."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import backup  # noqa: E402

ENV = {"BAKETRACKER_PROJECT": "bakes-prod"}


def _dry_run(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
             env: dict[str, str] | None = None) -> list[list[str]]:
    for name in ("BAKETRACKER_PROJECT", "BAKETRACKER_BACKUP_BUCKET", "BAKETRACKER_BUCKET", "BACKUP_EXPORT_DAYS",
                 "BAKETRACKER_DATABASE", "BAKETRACKER_SCHEDULER_SERVICE_ACCOUNT"):  # others set by earlier tests
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or ENV).items():
        monkeypatch.setenv(name, value)

    def never(*_: Any, **__: Any) -> None:
        raise AssertionError("a dry run runs nothing")

    monkeypatch.setattr(backup.subprocess, "run", never)
    assert backup.main(["--dry-run", *args]) == 0
    out = capsys.readouterr().out
    return [shlex.split(line[2:]) for line in out.splitlines() if line.startswith("+ ")]


def test_without_a_project_it_stops_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAKETRACKER_PROJECT", raising=False)
    with pytest.raises(SystemExit, match="BAKETRACKER_PROJECT"):
        backup.main(["--dry-run", "schedule"])


def test_schedule_prints_daily_and_weekly_backups_and_the_daily_export(capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    commands = _dry_run(["schedule"], capsys, monkeypatch)
    assert commands[0] == ["gcloud", "firestore", "backups", "schedules", "create", "--database=(default)",
                           "--recurrence=daily", "--retention=7d", "--project=bakes-prod"]
    assert commands[1] == ["gcloud", "firestore", "backups", "schedules", "create", "--database=(default)",
                           "--recurrence=weekly", "--day-of-week=SUN", "--retention=14w", "--project=bakes-prod"]
    job = next(c for c in commands if c[:5] == ["gcloud", "scheduler", "jobs", "create", "http"])
    flags = dict(a.split("=", 1) for a in job if a.startswith("--"))
    assert flags["--uri"] == ("https://firestore.googleapis.com/v1/projects/bakes-prod/databases/(default)"
                              ":exportDocuments")
    assert flags["--schedule"] == "30 2 * * *" and flags["--time-zone"] == "Etc/UTC"
    assert flags["--oauth-token-scope"] == "https://www.googleapis.com/auth/datastore"
    body = json.loads(flags["--message-body"])
    assert body["outputUriPrefix"] == "gs://bakes-prod-firestore-exports"
    assert "push_tokens" not in body["collectionIds"] and "rate_limits" not in body["collectionIds"]
    assert {"tenants", "members", "proposals", "lots", "receipts", "meta"} <= set(body["collectionIds"])
    lifecycle = next(a for c in commands for a in c if a.startswith("--lifecycle-file="))
    rule = json.loads(Path(lifecycle.split("=", 1)[1]).read_text())
    assert rule == {"rule": [{"action": {"type": "Delete"}, "condition": {"age": 30}}]}
    assert commands[-1] == ["gcloud", "storage", "buckets", "update", "gs://bakes-prod.appspot.com",
                            "--soft-delete-duration=30d"]


def test_export_now_writes_into_a_dated_folder(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (command,) = _dry_run(["export-now", "--date", "2026-12-01"], capsys, monkeypatch,
                          {**ENV, "BAKETRACKER_BACKUP_BUCKET": "bt-exports"})
    assert command[:4] == ["gcloud", "firestore", "export", "gs://bt-exports/2026-12-01"]
    ids = next(a for a in command if a.startswith("--collection-ids=")).split("=", 1)[1].split(",")
    assert ids == list(backup.EXPORTED_COLLECTIONS) and "--project=bakes-prod" in command


def test_restore_goes_into_a_new_database(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (command,) = _dry_run(["restore", "--backup", "cf9f748a", "--into", "restored-20261202"], capsys, monkeypatch)
    assert command == ["gcloud", "firestore", "databases", "restore",
                       "--source-backup=projects/bakes-prod/locations/nam5/backups/cf9f748a",
                       "--destination-database=restored-20261202", "--project=bakes-prod"]
    create, load = _dry_run(["restore", "--export", "gs://bt/2026-12-01", "--into", "restored-20261202"], capsys,
                            monkeypatch)
    assert create[:4] == ["gcloud", "firestore", "databases", "create"] and "--database=restored-20261202" in create
    assert load[:4] == ["gcloud", "firestore", "import", "gs://bt/2026-12-01"]
    assert "--database=restored-20261202" in load


def test_bad_export_days_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="BACKUP_EXPORT_DAYS"):
        backup.Config({**ENV, "BACKUP_EXPORT_DAYS": "forever"})


def test_every_collection_the_app_writes_is_exported_or_left_out_on_purpose() -> None:
    """A collection added to the Firestore adapters must be named here too (or excluded for a reason)."""
    sources = [*(REPO / "functions").rglob("*.py"), *(REPO / "adapters").rglob("*.py")]
    written = {name for path in sources
               for name in re.findall(r'collection(?:_group)?\("([a-z_]+)"\)', path.read_text(encoding="utf-8"))}
    from adapters.firestore_repository import ENTITY_TYPES

    written |= set(ENTITY_TYPES)
    assert written, "no collection names found"
    assert written <= set(backup.EXPORTED_COLLECTIONS) | set(backup.NOT_EXPORTED), \
        written - set(backup.EXPORTED_COLLECTIONS) - set(backup.NOT_EXPORTED)


@pytest.mark.skipif(shutil.which("gcloud") is None, reason="no gcloud SDK here")
def test_every_flag_the_dry_runs_print_is_one_the_installed_gcloud_knows(capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    """Offline: `gcloud <command> --help` of the SDK on this machine lists every flag we pass."""
    import subprocess

    real_run = subprocess.run
    commands = [*_dry_run(["schedule"], capsys, monkeypatch), *_dry_run(["export-now"], capsys, monkeypatch),
                *_dry_run(["restore", "--backup", "b1"], capsys, monkeypatch),
                *_dry_run(["restore", "--export", "gs://bt/x"], capsys, monkeypatch),
                *_dry_run(["list"], capsys, monkeypatch)]
    positional = ("gs://", "bakes-prod", backup.EXPORT_JOB, "firestore-export")
    seen: dict[str, str] = {}
    for command in commands:
        verb = []
        for word in command:
            if word.startswith("-") or word.startswith(positional):
                break
            verb.append(word)
        key = " ".join(verb)
        if key not in seen:
            env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLOUDSDK_CORE_DISABLE_PROMPTS": "1"}
            done = real_run([*verb, "--help"], capture_output=True, text=True, timeout=120, env=env)
            seen[key] = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
            assert done.returncode == 0 and "SYNOPSIS" in seen[key], (key, done.stderr[-300:])
        for flag in (a for a in command if a.startswith("--")):
            name, _, value = flag.partition("=")
            assert name in seen[key], (key, name)
            if name == "--day-of-week":
                assert f"`{value}`" in seen[key], (key, flag)
            if name == "--recurrence":
                assert value in seen[key], (key, flag)
    assert len(seen) >= 12, sorted(seen)
