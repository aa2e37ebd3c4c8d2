"""Issue 14 on the Firestore emulator (short): the full bakery of tests/support/full_bakery.py through the
gateway, exported, restored into a new bakery in batches under its marker, exported again — equal but for the
tenant ids — and its plans and shopping lists answer the same. The memory-backend twin, with the refusals and
the cut-off restore, is tests/functions/test_backup_restore.py. Run with -s for the timings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from core.application import backups
from functions.gateway import app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore
from tests.functions.conftest import unsigned_token
from tests.support.full_bakery import fill_bakery, ok

pytestmark = pytest.mark.emulator
REMADE = ("exported_at", "bakery", "members", "api_keys")


@pytest.fixture
def photos() -> Iterator[MemoryPhotoStore]:
    previous = RUNTIME._photos
    store = MemoryPhotoStore()
    RUNTIME.use_photos(store)
    yield store
    RUNTIME._photos = previous


def _bakery(web: Client, uid: str, name: str) -> tuple[str, Any]:
    created = web.post("/api/create_tenant", json={"name": name},
                       headers={"Authorization": f"Bearer {unsigned_token({'uid': uid})}"})
    assert created.status_code == 200, created.get_json()
    tenant = created.get_json()["tenant_id"]
    headers = {"Authorization": f"Bearer {unsigned_token({'uid': uid, 'tenant_id': tenant, 'role': 'owner'})}"}

    def post(operation: str, body: Any) -> tuple[int, Any]:
        response = web.post(f"/api/{operation}", json=body, headers=headers)
        return response.status_code, response.get_json()

    return tenant, post


def test_a_full_bakery_is_restored_losslessly_on_firestore(gateway: FirestoreBackend, firestore: Any,
                                                          photos: MemoryPhotoStore,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "WRITES_PER_BATCH", 250)  # several batches, as a big bakery has
    web = Client(app)
    a, post_a = _bakery(web, "ann", "Ann's Bakes")
    started = time.monotonic()
    fill_bakery(post_a, gateway, a, photos, owner="ann")
    filled = time.monotonic()
    backup = ok(post_a("export_bakery", {"include_photos": True}))
    exported = time.monotonic()
    b, post_b = _bakery(web, "bea", "Bea's Bakes")
    answer = ok(post_b("restore_bakery", {"backup": backup}))
    restored = time.monotonic()
    again = ok(post_b("export_bakery", {"include_photos": True}))
    records = sum(backup["counts"].values())
    print(f"\n(Firestore emulator: {records} records, {len(json.dumps(backup)) / 1024:.0f} KiB; filled in "
          f"{filled - started:.1f} s, exported in {exported - filled:.2f} s, restored in {answer['batches']} "
          f"batches in {restored - exported:.2f} s)")

    assert answer["restored"] == backup["counts"] and answer["batches"] == -(-records // 250)
    strip = lambda d: json.dumps({k: v for k, v in d.items() if k not in REMADE}, sort_keys=True)  # noqa: E731
    assert strip(again).replace(b, a) == strip(backup)
    assert a not in strip(again)
    marker = firestore.collection("restores").document(b).get().to_dict()
    assert (marker["state"], marker["source_tenant"], marker["tenant_id"]) == ("done", a, b)
    lot = next(iter(firestore.collection("tenants").document(b).collection("lots").limit(1).stream())).to_dict()
    assert isinstance(lot["quantity"], str) and lot["tenant_id"] == b  # decimals stored exactly, the new tenant's
    for event in sorted(e["slug"] for e in backup["collections"]["events"]):
        for operation in ("plan_event", "shopping_list"):
            assert post_a(operation, {"event": event}) == post_b(operation, {"event": event}), (operation, event)
    assert post_b("restore_bakery", {"backup": backup})[0] == 409  # restored already


def test_an_operator_exports_one_bakery_from_a_database_for_its_owner_to_restore(
        gateway: FirestoreBackend, firestore: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """scripts/backup.py bakery-export: how one bakery comes back from a database restored beside the live one."""
    import sys

    from tests.conftest import load_fixture

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import backup as script

    web = Client(app)
    a, post_a = _bakery(web, "cy", "Cy's")
    ok(post_a("import_desktop", {"data": load_fixture("desktop-plans/winter_events.json")}))
    monkeypatch.setenv("BAKETRACKER_PROJECT", firestore.project)
    out = tmp_path / "cy.json"
    assert script.main(["bakery-export", "--tenant", a, "--out", str(out)]) == 0
    backup = json.loads(out.read_text())
    assert backup["bakery"]["tenant_id"] == a and backup == {**ok(post_a("export_bakery", {})),
                                                             "exported_at": backup["exported_at"]}
    _, post_b = _bakery(web, "di", "Di's")
    assert ok(post_b("restore_bakery", {"backup": backup}))["restored"] == backup["counts"]
