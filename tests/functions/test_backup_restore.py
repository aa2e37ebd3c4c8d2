"""Issue 14: a bakery's full backup, restored into a new bakery, is lossless — through the functions on the
in-memory backend (tests/integration/test_backup_on_emulator.py does it once on the Firestore emulator).

The bakery has something in every collection it can get through the operations (tests/support/full_bakery.py):
the desktop sample, purchases, AI proposals confirmed as read / edited / rejected / undone, a receipt photo read,
production and assembly runs with a loss, a level check, equipment, settings, a second member, an API key and a
push token. Export → restore into a new bakery → export again: equal but for the tenant ids and what the
restore re-makes (the bakery's own id, name, creation, members, keys, the export's time).
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from core.application import backups
from core.planning.event_history import run_history
from functions import main
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from tests.functions.conftest import call
from tests.support.full_bakery import fill_bakery, ok

PUSH_TOKEN = "owner-device-token:APA91b0000000000000"
REMADE = ("exported_at", "bakery", "members", "api_keys")  # the restore's own, not the backup's (docs/backup.md)


def _owner(uid: str, name: str) -> dict[str, Any]:
    tenant = ok(call(main.create_tenant, {"name": name}, claims={"uid": uid}))["tenant_id"]
    return {"uid": uid, "tenant_id": tenant, "role": "owner"}


def _post(claims: dict[str, Any]) -> Any:
    return lambda operation, body: call(getattr(main, operation), body, claims=claims)


@pytest.fixture
def full(backend: MemoryBackend) -> dict[str, Any]:
    """Bakery A with everything, and its backup with the photos' bytes."""
    ann = _owner("ann", "Ann's Bakes")
    photos = RUNTIME.photos
    made = fill_bakery(_post(ann), backend, ann["tenant_id"], photos, owner="ann")
    ok(call(main.join_tenant, {"code": made["invitation_code"]}, claims={"uid": "rob", "email": "rob@example.com"}))
    backup = ok(call(main.export_bakery, {"include_photos": True}, claims=ann))
    return {"ann": ann, "made": made, "backup": backup}


def _same_but_tenant(backup: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    text = json.dumps({k: v for k, v in backup.items() if k not in REMADE}, sort_keys=True)
    return dict(json.loads(text.replace(new, old)))


def test_export_restore_export_is_lossless(backend: MemoryBackend, full: dict[str, Any]) -> None:
    ann, backup = full["ann"], full["backup"]
    a = ann["tenant_id"]
    counts = backup["counts"]
    assert all(counts[name] for name in counts if name != "material_lots"), counts  # something in every collection
    assert PUSH_TOKEN not in json.dumps(backup) and full["made"]["invitation_code"] not in json.dumps(backup)
    assert [m["uid"] for m in backup["members"]] == ["ann", "rob"]

    bea = _owner("bea", "Bea's Bakes")
    b = bea["tenant_id"]
    answer = ok(call(main.restore_bakery, {"backup": backup}, claims=bea))
    assert answer["restored"] == counts
    assert [m["uid"] for m in answer["members_not_restored"]] == ["ann", "rob"]  # bea is the owner; nobody else
    assert answer["api_keys_not_restored"] == ["Shelf scanner"]
    assert answer["photos"]["not_restored"] == [] and len(answer["photos"]["restored"]) == 1
    again = ok(call(main.export_bakery, {"include_photos": True}, claims=bea))

    assert _same_but_tenant(again, a, b) == _same_but_tenant(backup, a, b)
    assert a not in json.dumps({k: v for k, v in again.items() if k not in REMADE})
    assert again["bakery"]["settings"] == {"unit_system": "metric", "currency": "EUR"}
    assert [m["uid"] for m in again["members"]] == ["bea"] and again["api_keys"] == []
    assert backend.push_tokens(b) == [] and len(backend.push_tokens(a)) == 1
    # the records themselves, not only their JSON: equal but for the photo paths, which name the new bakery
    old, new = backend.stores[a].bakery, backend.stores[b].bakery
    assert new.counts() == old.counts()
    for name in old.counts():
        if name not in ("proposals", "receipts"):
            assert getattr(new, name) == getattr(old, name), name
    for key, proposal in old.proposals.items():
        assert new.proposals[key].photo_path == proposal.photo_path.replace(a, b)
        assert new.proposals[key].confirmed == proposal.confirmed and new.proposals[key].effects == proposal.effects
    photo = full["made"]["receipt_photo"]
    assert RUNTIME.photos.get(photo.replace(a, b)).data == RUNTIME.photos.get(photo).data  # type: ignore[union-attr]


def test_plans_shopping_lists_costs_history_and_proposals_answer_the_same(backend: MemoryBackend,
                                                                         full: dict[str, Any]) -> None:
    ann = full["ann"]
    bea = _owner("bea", "Bea's Bakes")
    ok(call(main.restore_bakery, {"backup": full["backup"]}, claims=bea))
    a, b = ann["tenant_id"], bea["tenant_id"]
    events = sorted(backend.stores[a].bakery.events)
    assert len(events) >= 3
    for event in events:
        for operation in ("plan_event", "shopping_list", "event_cost", "can_make"):
            first = call(getattr(main, operation), {"event": event}, claims=ann)
            second = call(getattr(main, operation), {"event": event}, claims=bea)
            assert first == second, (operation, event)
    for status in ("proposed", "confirmed", "rejected", "undone"):
        first = ok(call(main.list_proposals, {"status": status}, claims=ann))
        second = ok(call(main.list_proposals, {"status": status}, claims=bea))
        assert first["proposals"], status
        assert json.loads(json.dumps(second).replace(b, a)) == first
    old, new = backend.stores[a].bakery, backend.stores[b].bakery
    assert run_history(new.production_runs.values(), new.assembly_runs.values()) == \
        run_history(old.production_runs.values(), old.assembly_runs.values())
    assert ok(call(main.get_bakery, None, method="GET", claims=bea))["settings"] == \
        ok(call(main.get_bakery, None, method="GET", claims=ann))["settings"]


def test_a_bakery_with_data_is_refused_and_left_as_it_was(backend: MemoryBackend, full: dict[str, Any]) -> None:
    cat = _owner("cat", "Cat's")
    ok(call(main.save_equipment, {"equipment": [{"slug": "deck", "name": "Deck", "kind": "oven",
                                                 "pans_per_load": 4}]}, claims=cat))
    before = copy.deepcopy(backend.stores[cat["tenant_id"]].bakery)
    status, answer = call(main.restore_bakery, {"backup": full["backup"]}, claims=cat)
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "conflict", "backup")
    assert "already holds data (1 equipment)" in answer["error"]["message"]
    assert backend.stores[cat["tenant_id"]].bakery == before
    # the bakery the backup came from is refused too (it has data), and so is a second restore
    assert call(main.restore_bakery, {"backup": full["backup"]}, claims=full["ann"])[0] == 409
    dan = _owner("dan", "Dan's")
    ok(call(main.restore_bakery, {"backup": full["backup"]}, claims=dan))
    status, answer = call(main.restore_bakery, {"backup": full["backup"]}, claims=dan)
    assert status == 409 and "already restored from a backup of \"Ann's Bakes\"" in answer["error"]["message"]


def test_a_bakery_with_other_members_is_refused(backend: MemoryBackend, full: dict[str, Any]) -> None:
    eve = _owner("eve", "Eve's")
    code = ok(call(main.invite_member, {"role": "viewer"}, claims=eve))["code"]
    ok(call(main.join_tenant, {"code": code}, claims={"uid": "val"}))
    status, answer = call(main.restore_bakery, {"backup": full["backup"]}, claims=eve)
    assert status == 409 and "1 other member(s)" in answer["error"]["message"]


def _lot(backup: dict[str, Any]) -> dict[str, Any]:
    lot: dict[str, Any] = backup["collections"]["lots"][3]
    return lot


@pytest.mark.parametrize(("spoil", "field", "reason"), [
    (lambda d: d.update(version=2), "version", "written by a newer BakeTracker"),
    (lambda d: d.update(format="bake-tracker"), "format", "not a BakeTracker backup"),
    (lambda d: _lot(d).update(quantity=2.5), "collections.lots[3].quantity", "decimal written as a string"),
    (lambda d: _lot(d).update(quantity="lots"), "collections.lots[3].quantity", "not a decimal number"),
    (lambda d: _lot(d).update(purchased_on="yesterday"), "collections.lots[3].purchased_on", "not a date"),
    (lambda d: _lot(d).update(colour="red"), "collections.lots[3].colour", "no such field"),
    (lambda d: _lot(d).pop("id"), "collections.lots[3].id", "required, missing"),
    (lambda d: d["collections"]["proposals"][0].update(status="maybe"), "collections.proposals[0].status",
     "not one of proposed, confirmed"),
    (lambda d: d["collections"]["lots"].append(dict(d["collections"]["lots"][0])), "collections.lots[",
     "a second record with id"),
    (lambda d: d["collections"].update(push_tokens=[]), "collections.push_tokens", "not a collection"),
    (lambda d: d["photos"][0].update(data=base64.b64encode(b"\x89PNG not it").decode()), "photos[0].data",
     "do not match"),
    (lambda d: d["photos"][0].update(path="tenants/someone-else/receipts/x"), "photos[0].path",
     "not a photo of the bakery backed up"),
    (lambda d: d["bakery"]["settings"].update(currency="XYZ"), "bakery.settings.currency", "currency must be"),
    (lambda d: _lot(d).update(product_id="no-such-product"), "collections.lots[3].product_id",
     "names products 'no-such-product', which the backup does not hold"),
])
def test_a_bad_backup_is_refused_whole_naming_the_path(backend: MemoryBackend, full: dict[str, Any], spoil: Any,
                                                       field: str, reason: str) -> None:
    backup = copy.deepcopy(full["backup"])
    spoil(backup)
    fay = _owner("fay", "Fay's")
    status, answer = call(main.restore_bakery, {"backup": backup}, claims=fay)
    assert status == 400, answer
    error = answer["error"]
    assert error["field"].startswith(field), error
    assert reason in json.dumps(error), error
    assert backend.stores.get(fay["tenant_id"]) is None or not any(backend.stores[fay["tenant_id"]].bakery.counts()
                                                                   .values())
    assert backend.restore_marker(fay["tenant_id"]) is None  # nothing was started


def test_every_problem_is_listed_not_only_the_first(full: dict[str, Any]) -> None:
    backup = copy.deepcopy(full["backup"])
    backup["collections"]["lots"][0]["quantity"] = 1.5
    backup["collections"]["events"][0]["event_date"] = "soon"
    status, answer = call(main.restore_bakery, {"backup": backup}, claims=_owner("gus", "Gus's"))
    assert status == 400 and answer["error"]["code"] == "invalid_backup"
    fields = [d["field"] for d in answer["error"]["details"]]
    assert fields == ["collections.lots[0].quantity", "collections.events[0].event_date"]


class FailingAfter:
    """The memory backend whose units of work fail to commit after `commits` commits (a restore cut off)."""

    def __init__(self, backend: MemoryBackend, commits: int) -> None:
        self.backend, self.left = backend, commits

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> Any:
        uow = self.backend.unit_of_work(tenant_id, read_only=read_only)
        commit = uow.commit

        def failing_commit() -> None:
            if self.left <= 0:
                raise OSError("connection reset")
            self.left -= 1
            commit()

        uow.commit = failing_commit  # type: ignore[method-assign]
        return uow


def test_a_restore_cut_off_half_way_is_run_again(backend: MemoryBackend, full: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    hal = _owner("hal", "Hal's")
    tenant = hal["tenant_id"]
    monkeypatch.setattr(backups, "WRITES_PER_BATCH", 100)
    RUNTIME.use(FailingAfter(backend, commits=3))  # type: ignore[arg-type]
    status, answer = call(main.restore_bakery, {"backup": full["backup"]}, claims=hal)
    assert status == 500 and answer["error"]["request_id"]
    written = sum(backend.stores[tenant].bakery.counts().values())
    assert written == 300  # three batches landed
    assert backend.restore_marker(tenant)["state"] == "writing"  # type: ignore[index]
    RUNTIME.use(backend)
    answer = ok(call(main.restore_bakery, {"backup": full["backup"]}, claims=hal))
    assert answer["resumed_unfinished_restore"] is True and answer["cleared_records"] == 300
    assert answer["restored"] == full["backup"]["counts"]
    assert backend.restore_marker(tenant)["state"] == "done"  # type: ignore[index]
    a = full["ann"]["tenant_id"]
    again = ok(call(main.export_bakery, {"include_photos": True}, claims=hal))
    assert _same_but_tenant(again, a, tenant) == _same_but_tenant(full["backup"], a, tenant)


def test_a_backup_sent_in_parts_is_restored_when_the_last_arrives(backend: MemoryBackend,
                                                                  full: dict[str, Any]) -> None:
    import hashlib

    from cli.main import _text_parts

    ivy = _owner("ivy", "Ivy's")
    text = json.dumps(full["backup"], ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    parts = _text_parts(text, len(text.encode()) // 3 + 1)
    assert len(parts) == 3 and "".join(parts) == text

    def send(index: int) -> tuple[int, Any]:
        return call(main.restore_bakery, {"part": {"index": index, "count": 3, "sha256": digest,
                                                   "text": parts[index]}}, claims=ivy)

    assert send(0) == (200, {"received": {"index": 0, "count": 3}, "restored": None})
    assert RUNTIME.photos.get(f"tenants/{ivy['tenant_id']}/restore-parts/{digest}/0") is not None
    status, answer = send(2)  # part 1 never arrived
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (400, "missing_parts", "part.index")
    assert "parts 1 of 3" in answer["error"]["message"]
    assert send(1)[0] == 200
    status, answer = send(2)
    assert status == 200 and answer["restored"] == full["backup"]["counts"]
    kept = [path for path in RUNTIME.photos.objects if "/restore-parts/" in path]  # type: ignore[attr-defined]
    assert kept == []  # restored: the parts are deleted


def test_photos_are_listed_without_bytes_unless_asked_and_bounded(full: dict[str, Any]) -> None:
    ann = full["ann"]
    plain = ok(call(main.export_bakery, {}, claims=ann))
    assert ok(call(main.export_bakery, None, method="GET", claims=ann))["counts"] == plain["counts"]  # GET works too
    (photo,) = plain["photos"]
    assert "data" not in photo and "include_photos" in photo["skipped"]
    bounded = ok(call(main.export_bakery, {"include_photos": True, "max_photo_bytes": 100}, claims=ann))
    (photo,) = bounded["photos"]
    assert "data" not in photo and photo["skipped"] == "over the size bound of this export" and photo["size"] > 100
    status, answer = call(main.export_bakery, {"max_photo_bytes": 9 * 1024 * 1024}, claims=ann)
    assert (status, answer["error"]["field"]) == (400, "max_photo_bytes")
    # a backup without the bytes restores the records; the photo is reported as not restored
    jay = _owner("jay", "Jay's")
    answer = ok(call(main.restore_bakery, {"backup": plain}, claims=jay))
    assert answer["photos"]["restored"] == [] and len(answer["photos"]["not_restored"]) == 1


def test_restore_body_must_be_a_backup_or_a_part(full: dict[str, Any]) -> None:
    kim = _owner("kim", "Kim's")
    status, answer = call(main.restore_bakery, {}, claims=kim)
    assert status == 400 and "either backup" in answer["error"]["message"]
    status, answer = call(main.restore_bakery, {"part": {"index": 3, "count": 3, "sha256": "0" * 64, "text": "{"}},
                          claims=kim)
    assert status == 400 and "index 3 is not below count 3" in answer["error"]["message"]


ODD_VALUES = [None, True, 0, -1, 1.5, 10**30, float("inf"), "", "x", "1e999999", "NaN", "2026-02-30", [], {},
              [{"a": 1}], {"a": [None]}, "\u202e", "tenants/other/receipts/x"]


def test_any_one_field_of_any_record_spoiled_is_a_400_naming_its_record_or_nothing_wrong(
        backend: MemoryBackend, full: dict[str, Any]) -> None:
    """Hypothesis spoils one field of one record of a real backup: a 400 naming that record (or one referring to
    it, when its id changed; or the value was still valid: then the restore goes on to the bakery's check, a 409
    here), never a 500, nothing written."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    backup = full["backup"]
    lee = _owner("lee", "Lee's")
    ok(call(main.save_equipment, {"equipment": [{"slug": "deck", "name": "Deck", "kind": "oven",
                                                 "pans_per_load": 4}]}, claims=lee))
    before = copy.deepcopy(backend.stores[lee["tenant_id"]].bakery)
    rows = [(name, i) for name, records in backup["collections"].items() for i in range(len(records))]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(where=st.sampled_from(rows), data=st.data())
    def run(where: tuple[str, int], data: st.DataObject) -> None:
        name, index = where
        spoiled = copy.deepcopy(backup)
        record = spoiled["collections"][name][index]
        field = data.draw(st.sampled_from(sorted(record)))
        record[field] = data.draw(st.sampled_from(ODD_VALUES))
        status, answer = call(main.restore_bakery, {"backup": spoiled}, claims=lee)
        assert status in (400, 409), answer
        if status == 400:
            assert answer["error"]["code"] == "invalid_backup"
            error = answer["error"]
            # the record named, or (its id changed) a record that refers to it by its old id
            assert error["field"].startswith(f"collections.{name}[{index}]") or \
                "which the backup does not hold" in error["details"][0]["reason"], error
        assert backend.stores[lee["tenant_id"]].bakery == before

    run()
