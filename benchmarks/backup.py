"""A bakery's full backup and its restore (issue 14): size and time, on the in-memory backend through the
functions, and with --emulator on a Firestore emulator started for the run.

The bakery is tests/support/full_bakery.py's: the desktop sample and winter plans, purchases, proposals of every
fate, a receipt photo, production and assembly runs, equipment, settings (about 900 records). Each round exports
it (photos' bytes included), restores the backup into a new bakery and exports that again.

Run: .venv/bin/python benchmarks/backup.py [--rounds N] [--emulator]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from functions import main as fn  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from functions.shared.photo_store import MemoryPhotoStore  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier, call  # noqa: E402
from tests.support.full_bakery import fill_bakery, ok  # noqa: E402


def _owner(uid: str) -> dict[str, Any]:
    tenant = ok(call(fn.create_tenant, {"name": f"{uid}'s"}, claims={"uid": uid}))["tenant_id"]
    return {"uid": uid, "tenant_id": tenant, "role": "owner"}


def run(rounds: int, backend: Any, where: str, fresh: Callable[[], Any] | None = None) -> None:
    """`fresh`, when given, makes a new backend (an instance with cold caches) for every export."""
    photos = MemoryPhotoStore()
    RUNTIME.use(backend, UnsignedTokenVerifier())
    RUNTIME.use_photos(photos)
    ann = _owner("ann")
    fill_bakery(lambda op, body: call(getattr(fn, op), body, claims=ann), backend, ann["tenant_id"], photos,
                owner="ann")
    exports, restores, sizes = [], [], []
    records = 0
    for n in range(rounds):
        if fresh is not None:
            RUNTIME.use(fresh())
        started = time.perf_counter()
        backup = ok(call(fn.export_bakery, {"include_photos": True}, claims=ann))
        exported = time.perf_counter()
        target = _owner(f"bea{n}")
        answer = ok(call(fn.restore_bakery, {"backup": backup}, claims=target))
        restored = time.perf_counter()
        exports.append(exported - started)
        restores.append(restored - exported)
        sizes.append(len(json.dumps(backup).encode()))
        records = sum(answer["restored"].values())
    print(f"{where}: {records} records, backup {statistics.median(sizes) / 1024:.0f} KiB; "
          f"export median {statistics.median(exports) * 1000:.0f} ms (max {max(exports) * 1000:.0f}), "
          f"restore median {statistics.median(restores) * 1000:.0f} ms (max {max(restores) * 1000:.0f}) "
          f"over {rounds} rounds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--emulator", action="store_true", help="also on a Firestore emulator")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)  # the 409s of buying what is short, while the bakery is filled
    from functions.shared.memory_backend import MemoryBackend

    run(args.rounds, MemoryBackend(), "memory backend")
    if args.emulator:
        from devstack.firestore import FirestoreEmulator
        from functions.shared.firestore_backend import FirestoreBackend

        emulator = FirestoreEmulator(Path(tempfile.mkdtemp(prefix="bench-backup-")))
        emulator.start()
        try:
            def backend() -> FirestoreBackend:
                made = FirestoreBackend(emulator.client())
                made.set_claims = lambda uid, claims: None  # type: ignore[method-assign]
                return made

            run(args.rounds, backend(), "Firestore emulator (one instance, its caches warm)")
            run(args.rounds, backend(), "Firestore emulator (a new instance for each export: cold)", fresh=backend)
        finally:
            emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
