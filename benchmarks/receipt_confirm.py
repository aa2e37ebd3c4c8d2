"""Receipt lines a baker can confirm as read, on the demo bakery (issue 12).

The demo bakery is built as `make demo` builds it (a tenant, then import_desktop of the desktop sample and the
winter plans), over the functions on the in-memory backend. Seeded receipts for it
(tests/support/bakery_receipts.py: its products printed the way tills print them, other sizes, bare counts,
ingredients it has never bought, unit words in names, multipacks, non-bakery things) go through the path a
receipt takes: the TEXT of each (parse → draft → proposal), and for a subset its PHOTO (upload_photo → storage
event → extract_receipt with the offline OCR). Each proposal is then confirmed WITHOUT edits; a line counts when
it confirms and lands on the right ingredient with the total printed (tests/support/confirm_receipts.py).
The figure is also given taking the first suggestion for every unmatched line (what a baker tapping through
would do). Confirmed receipts stay: each is part of the bakery's history for the next, as in real use.

Run: .venv/bin/python benchmarks/receipt_confirm.py [--count N] [--photos N] [--first-seed S] [--data EXPORT.json]
     [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from functions import main as fn  # noqa: E402
from functions.shared.memory_backend import MemoryBackend  # noqa: E402
from functions.shared.operation import RUNTIME  # noqa: E402
from functions.shared.photo_store import MemoryPhotoStore  # noqa: E402
from tests.functions.conftest import UnsignedTokenVerifier, call  # noqa: E402
from tests.support.bakery_receipts import bakery_receipt, receipt_photo  # noqa: E402
from tests.support.confirm_receipts import Post, Tally, run_receipt, seed_demo  # noqa: E402

FIRST_SEED = 1200
QUEUE = "projects/demo/locations/us-central1/queues/receipt-extraction"


class _Queue:
    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, dict[str, Any]]] = {}

    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        self.tasks.setdefault(name, (url, payload))
        return True


def demo_bakery(backend: MemoryBackend, files: list[Path] | None = None) -> tuple[dict[str, Any], Post]:
    """A tenant seeded as devstack/run.py seeds it (or from other desktop files); the baker's claims and a `post`
    as that baker."""
    status, tenant = call(fn.create_tenant, {"name": "Demo Bakery"}, claims={"uid": "demo"})
    assert status == 200, tenant
    baker = {"uid": "demo", "tenant_id": tenant["tenant_id"], "role": "owner"}

    def post(operation: str, body: Any) -> tuple[int, Any]:
        return call(getattr(fn, operation), body, claims=baker)

    if not files:
        seed_demo(post)
    for data in [json.loads(f.read_text(encoding="utf-8")) for f in files or []]:
        status, answer = post("import_desktop", {"data": data})
        assert status == 200, answer
    return baker, post


def _photo_proposal(baker: dict[str, Any], data: bytes, queue: _Queue) -> str | None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import gateway
    from functions.receipts import receipt_uploaded
    from tests.functions.conftest import unsigned_token

    request = Request(EnvironBuilder(method="POST", data=data, content_type="image/png",
                                     query_string={"kind": "receipt"},
                                     headers={"Authorization": f"Bearer {unsigned_token(baker)}"}).get_environ())
    text, status, _ = fn.upload_photo(request)
    assert status == 200, text
    uploaded = json.loads(text)
    receipt_uploaded(gateway.storage_finalized_event(uploaded["bucket"], uploaded["path"], "image/png",
                                                     {"tenant_id": baker["tenant_id"], "kind": "receipt"}))
    _, payload = queue.tasks[f"receipt-{baker['tenant_id']}-{uploaded['photo_id']}"]
    task = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                  headers={"X-CloudTasks-QueueName": QUEUE}).get_environ())
    answer, status, _ = fn.extract_receipt(task)
    body = json.loads(answer)
    return body.get("proposal_id") if status == 200 else None


def run(count: int, photos: int, first_seed: int, *, first_suggestion: bool = False,
        verbose: bool = False, files: list[Path] | None = None) -> tuple[Tally, Tally]:
    """(text figures, photo figures) for `count` receipts, the first `photos` of them also as photos."""
    import os

    backend = MemoryBackend()
    previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks
    queue = _Queue()
    RUNTIME.use(backend, UnsignedTokenVerifier())
    RUNTIME.use_photos(MemoryPhotoStore())
    RUNTIME.tasks = queue
    os.environ.setdefault("BAKETRACKER_EXTRACT_URL", "http://127.0.0.1:1/tasks/extract_receipt")
    text_tally, photo_tally = Tally(), Tally()
    try:
        baker, post = demo_bakery(backend, files)
        tenant = baker["tenant_id"]
        for seed in range(first_seed, first_seed + count):
            receipt = bakery_receipt(backend.planning_bakery(tenant), seed)
            one = run_receipt(post, backend, tenant, receipt, by="demo", first_suggestion=first_suggestion)
            text_tally.add(one)
            if verbose and one.confirmed_right < one.lines:
                print(f"seed {seed}:\n{receipt.text}\n{one.report('  this receipt')}\n")
            if seed - first_seed < photos:
                pid = _photo_proposal(baker, receipt_photo(receipt), queue)
                if pid is not None:
                    photo_tally.add(run_receipt(post, backend, tenant, receipt, by="demo",
                                                first_suggestion=first_suggestion, proposal_id=pid))
    finally:
        RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks = previous
    return text_tally, photo_tally


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="receipts (text)")
    parser.add_argument("--photos", type=int, default=6, help="of those, also read from a photo (OCR)")
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED, help="another seed range: a held-out set")
    parser.add_argument("--data", type=Path, action="append",
                        help="another bakery: desktop export(s) imported in order instead of the demo's")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    from adapters.receipt_ocr import tesseract_available

    photos = args.photos if tesseract_available() else 0
    started = time.perf_counter()
    text, photo = run(args.count, photos, args.first_seed, verbose=args.verbose, files=args.data)
    bakery = "the demo bakery" if not args.data else ", ".join(f.name for f in args.data)
    print(text.report(f"receipt text, {args.count} receipts on {bakery}"))
    if photos:
        print(photo.report(f"receipt photos (offline OCR), {photos} of them"))
    first, _ = run(args.count, 0, args.first_seed, first_suggestion=True, files=args.data)
    print(f"taking the first suggestion for every unmatched line: {first.confirmed_right}/{first.lines} "
          f"({first.share:.1%})")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
