"""Managed backups of the whole Firestore database (not run in CI; try --dry-run). See docs/backup.md.

Two layers, both outside the app:
  schedule    Firestore scheduled backups of the whole database: one a day kept 7 days, one a week kept
              14 weeks (the service's limits), plus a daily managed export of the bakeries' data to a bucket
              (Cloud Scheduler calls the Firestore Admin API's exportDocuments; files kept BACKUP_EXPORT_DAYS),
              and soft delete on the photos bucket (Firestore backups do not hold the photos).
  export-now  one managed export now: gcloud firestore export gs://BUCKET/DATE --collection-ids=...
  restore     the steps to bring a backup back, into a NEW database (never over the live one):
              --backup ID (a scheduled backup) or --export gs://BUCKET/PREFIX (a managed export).
  list        the schedules and backups there are.
  bakery-export  one bakery's own backup (the export_bakery format) read straight from a database with the
              service's credentials, e.g. from a database restored beside the live one: its owner restores it
              into a new bakery (`baketracker restore --file F`). Runs Python, not gcloud.

The managed export names the bakeries' collections (--collection-ids): push tokens and rate-limit counters
stay out of the bucket, as they stay out of a bakery's own backup (export_bakery). The scheduled backups
hold the whole database, tokens included; they never leave Firestore.

Configured by environment variables, like scripts/deploy.py:
  BAKETRACKER_PROJECT          the Google Cloud project id (required)
  BAKETRACKER_REGION           Cloud Scheduler's region (default us-central1)
  BAKETRACKER_DATABASE         the Firestore database (default "(default)")
  BAKETRACKER_BACKUP_BUCKET    where managed exports go (default <project>-firestore-exports)
  BAKETRACKER_BACKUP_LOCATION  that bucket's location (default US; put it where the database is)
  BAKETRACKER_FIRESTORE_LOCATION  the database's location (default nam5): where its backups are
  BAKETRACKER_BACKUP_ACCOUNT   the service account Cloud Scheduler calls the export as
                               (default firestore-export@<project>.iam.gserviceaccount.com)
  BAKETRACKER_BUCKET           the photos bucket (default <project>.appspot.com)
  BACKUP_EXPORT_DAYS           days a managed export is kept (default 30)
Every command is printed before it runs; --dry-run only prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.repository import COLLECTION_NAMES  # noqa: E402

# Every collection (group) the app keeps a bakery's data in: tenants/{t} and its subcollections, the
# server-only indexes and restore markers beside them, and the platform's activity and daily metrics (so a
# database brought back from an export keeps its history). Not push_tokens (device addresses), not
# rate_limits (abuse counters).
EXPORTED_COLLECTIONS = ("tenants", "members", "invitations", "api_keys", "meta", "invitation_codes", "restores",
                        *COLLECTION_NAMES, "purchase_summaries", "activity", "metrics_days", "metrics_shards",
                        "activity_days", "bakeries")  # the last two: which bakeries were active on a day
NOT_EXPORTED = ("push_tokens", "rate_limits")
DAILY_RETENTION = "7d"  # the most a daily scheduled backup may be kept
WEEKLY_RETENTION = "14w"  # ... and a weekly one
EXPORT_JOB = "firestore-daily-export"
EXPORT_SCHEDULE = "30 2 * * *"  # 02:30 UTC, after the bakeries' evening and before the morning bake


class Config:
    def __init__(self, env: dict[str, str]) -> None:
        self.project = env.get("BAKETRACKER_PROJECT", "").strip()
        if not self.project:
            raise SystemExit("backup: set BAKETRACKER_PROJECT to the Google Cloud project id")
        self.region = env.get("BAKETRACKER_REGION", "us-central1").strip()
        self.database = env.get("BAKETRACKER_DATABASE", "(default)").strip()
        self.bucket = env.get("BAKETRACKER_BACKUP_BUCKET", f"{self.project}-firestore-exports").strip()
        self.location = env.get("BAKETRACKER_BACKUP_LOCATION", "US").strip()
        self.firestore_location = env.get("BAKETRACKER_FIRESTORE_LOCATION", "nam5").strip()
        self.account = env.get("BAKETRACKER_BACKUP_ACCOUNT",
                               f"firestore-export@{self.project}.iam.gserviceaccount.com").strip()
        self.photos_bucket = env.get("BAKETRACKER_BUCKET", f"{self.project}.appspot.com").strip()
        days = env.get("BACKUP_EXPORT_DAYS", "30").strip()
        if not days.isdigit() or not 1 <= int(days) <= 3650:
            raise SystemExit(f"backup: BACKUP_EXPORT_DAYS must be a number of days (1 to 3650), not {days!r}")
        self.export_days = int(days)


def _project(config: Config) -> str:
    return f"--project={config.project}"


def schedule_commands(config: Config, staging: Path) -> list[list[str]]:
    """Scheduled backups, the daily managed export (bucket, lifecycle, account, job) and the photos' soft delete.

    The bucket's lifecycle rule (exports deleted after BACKUP_EXPORT_DAYS) is written to `staging`.
    """
    account_name = config.account.split("@", 1)[0]
    lifecycle = staging / "export-lifecycle.json"
    lifecycle.write_text(json.dumps({"rule": [{"action": {"type": "Delete"},
                                               "condition": {"age": config.export_days}}]}) + "\n")
    body = {"outputUriPrefix": f"gs://{config.bucket}", "collectionIds": list(EXPORTED_COLLECTIONS)}
    return [
        ["gcloud", "firestore", "backups", "schedules", "create", f"--database={config.database}",
         "--recurrence=daily", f"--retention={DAILY_RETENTION}", _project(config)],
        ["gcloud", "firestore", "backups", "schedules", "create", f"--database={config.database}",
         "--recurrence=weekly", "--day-of-week=SUN", f"--retention={WEEKLY_RETENTION}", _project(config)],
        ["gcloud", "storage", "buckets", "create", f"gs://{config.bucket}", f"--location={config.location}",
         "--uniform-bucket-level-access", "--public-access-prevention", _project(config)],
        ["gcloud", "storage", "buckets", "update", f"gs://{config.bucket}",
         f"--lifecycle-file={lifecycle}"],
        ["gcloud", "iam", "service-accounts", "create", account_name,
         "--display-name=BakeTracker daily Firestore export", _project(config)],
        ["gcloud", "projects", "add-iam-policy-binding", config.project,
         f"--member=serviceAccount:{config.account}", "--role=roles/datastore.importExportAdmin"],
        ["gcloud", "storage", "buckets", "add-iam-policy-binding", f"gs://{config.bucket}",
         f"--member=serviceAccount:{config.account}", "--role=roles/storage.admin"],
        ["gcloud", "scheduler", "jobs", "create", "http", EXPORT_JOB, f"--location={config.region}",
         f"--schedule={EXPORT_SCHEDULE}", "--time-zone=Etc/UTC", "--http-method=POST",
         f"--uri=https://firestore.googleapis.com/v1/projects/{config.project}/databases/{config.database}"
         ":exportDocuments",
         "--headers=Content-Type=application/json", f"--message-body={json.dumps(body, separators=(',', ':'))}",
         f"--oauth-service-account-email={config.account}",
         "--oauth-token-scope=https://www.googleapis.com/auth/datastore", _project(config)],
        ["gcloud", "storage", "buckets", "update", f"gs://{config.photos_bucket}", "--soft-delete-duration=30d"],
    ]


def export_commands(config: Config, day: dt.date) -> list[list[str]]:
    """One managed export now, into gs://BUCKET/YYYY-MM-DD."""
    return [["gcloud", "firestore", "export", f"gs://{config.bucket}/{day.isoformat()}",
             f"--collection-ids={','.join(EXPORTED_COLLECTIONS)}", f"--database={config.database}", "--async",
             _project(config)]]


def restore_commands(config: Config, *, backup: str | None, export: str | None, into: str) -> list[list[str]]:
    """A backup or an export brought back into a NEW database `into` (the live one is never overwritten)."""
    if backup is not None:
        source = backup if backup.startswith("projects/") else \
            f"projects/{config.project}/locations/{config.firestore_location}/backups/{backup}"
        return [["gcloud", "firestore", "databases", "restore", f"--source-backup={source}",
                 f"--destination-database={into}", _project(config)]]
    assert export is not None
    if not export.startswith("gs://"):
        raise SystemExit("backup: --export takes the export's folder, gs://BUCKET/PREFIX")
    return [
        ["gcloud", "firestore", "databases", "create", f"--database={into}", f"--location={config.firestore_location}",
         "--type=firestore-native", _project(config)],
        ["gcloud", "firestore", "import", export, f"--collection-ids={','.join(EXPORTED_COLLECTIONS)}",
         f"--database={into}", _project(config)],
    ]


def list_commands(config: Config) -> list[list[str]]:
    return [["gcloud", "firestore", "backups", "schedules", "list", f"--database={config.database}", _project(config)],
            ["gcloud", "firestore", "backups", "list", _project(config)],
            ["gcloud", "storage", "ls", f"gs://{config.bucket}/"]]


def export_one_bakery(config: Config, *, tenant: str, database: str, out: Path, photos: bool) -> dict[str, int]:
    """`tenant`'s backup from `database` into `out` (core/application/backups.py); its record counts."""
    from google.cloud import firestore

    from core.application import backups
    from functions.shared.firestore_backend import FirestoreBackend

    if os.environ.get("FIRESTORE_EMULATOR_HOST"):
        from google.auth.credentials import AnonymousCredentials

        client = firestore.Client(project=config.project, database=database, credentials=AnonymousCredentials())
    else:
        client = firestore.Client(project=config.project, database=database)
    store = None
    if photos:
        from functions.shared.photo_store import CloudStoragePhotoStore

        store = CloudStoragePhotoStore(config.photos_bucket)
    data = backups.export_backup(FirestoreBackend(client), tenant, now=dt.datetime.now(dt.UTC), photos=store,
                                 include_photos=photos)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    counts: dict[str, int] = data["counts"]
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("schedule", help="daily and weekly scheduled backups, and the daily managed export")
    now = sub.add_parser("export-now", help="one managed export now, into gs://BUCKET/DATE")
    now.add_argument("--date", type=dt.date.fromisoformat, default=dt.datetime.now(dt.UTC).date(),
                     help="the folder's date (default today, UTC)")
    restore = sub.add_parser("restore", help="bring a backup back into a new database")
    source = restore.add_mutually_exclusive_group(required=True)
    source.add_argument("--backup", help="a scheduled backup's id (see `list`) or its full name")
    source.add_argument("--export", help="a managed export's folder, gs://BUCKET/PREFIX")
    restore.add_argument("--into", default=f"restored-{dt.datetime.now(dt.UTC):%Y%m%d}",
                         help="the new database's id (default restored-YYYYMMDD)")
    sub.add_parser("list", help="the schedules, backups and exports there are")
    one = sub.add_parser("bakery-export", help="one bakery's own backup, read from a (restored) database")
    one.add_argument("--tenant", required=True, help="the bakery's tenant id")
    one.add_argument("--database", default="(default)", help="the database to read (e.g. restored-20261202)")
    one.add_argument("--out", required=True, type=Path, help="where to write the backup (JSON)")
    one.add_argument("--photos", action="store_true", help="carry the photos' bytes (from BAKETRACKER_BUCKET)")
    args = parser.parse_args(argv)
    config = Config(dict(os.environ))
    if args.command == "bakery-export":
        print(f"# bakery {args.tenant} from database {args.database} into {args.out}", flush=True)
        if args.dry_run:
            return 0
        counts = export_one_bakery(config, tenant=args.tenant, database=args.database, out=args.out,
                                   photos=args.photos)
        print(f"# wrote {args.out}: {sum(counts.values())} records", flush=True)
        return 0
    if args.command == "schedule":
        staging = Path(tempfile.mkdtemp(prefix="baketracker-backup-"))
        commands = schedule_commands(config, staging)
        print(f"# the export bucket's lifecycle rule: {staging / 'export-lifecycle.json'}", flush=True)
    elif args.command == "export-now":
        commands = export_commands(config, args.date)
    elif args.command == "restore":
        commands = restore_commands(config, backup=args.backup, export=args.export, into=args.into)
    else:
        commands = list_commands(config)
    for command in commands:
        print("+ " + shlex.join(command), flush=True)
        if args.dry_run:
            continue
        result = subprocess.run(command, check=False)
        if result.returncode != 0 and command[1:3] in (["storage", "buckets"], ["iam", "service-accounts"]) \
                and command[3] == "create":
            print("# it exists already (or could not be made): keeping what is there; see the message above",
                  flush=True)
        elif result.returncode != 0:
            print(f"backup: failed (exit {result.returncode}): {shlex.join(command)}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
