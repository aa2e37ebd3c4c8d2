"""storage.rules executed by Google's Firebase rules engine, with membership read from the Firestore emulator.

The engine is the gcloud SDK's Firestore emulator jar's (its compiler, evaluator and `firebase.storage` service),
driven by tests/storage_rules_engine/StorageRulesHarness.java. Bakeries and members are made by the real
functions on the Firestore emulator (create_tenant, invite_member, join_tenant, change_member_role,
remove_tenant_member); the rules' firestore.exists()/get() read those documents over REST. Object names are the
ones the photo functions write (functions.photos.photo_path).

Not run here: the Storage emulator serving bytes under these rules (firebase-tools needs a rules runtime jar it
downloads), and production's Storage-to-Firestore permission (the service agent's role).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.firestore import FirestoreEmulator
from functions import main
from functions.photos import photo_path
from tests.functions.conftest import call
from tests.storage_rules_engine.engine import (
    Decision,
    RulesCompileError,
    StorageRulesEngine,
    object_path,
    token,
    unavailable,
)

REASON = unavailable()
if REASON is not None:
    pytest.skip(f"Storage rules engine unavailable: {REASON}", allow_module_level=True)

pytestmark = pytest.mark.emulator

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "storage.rules"
ACTIVE_CONDITION = "\n        && firestore.get(member(tenantId)).data.active == true"


@pytest.fixture(scope="module")
def classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("storage-rules-engine")


def _engine(rules: Path, classes: Path, emulator: FirestoreEmulator) -> StorageRulesEngine:
    return StorageRulesEngine(rules, classes, firestore_host=emulator.host, project=emulator.project)


@pytest.fixture(scope="module")
def engine(classes: Path, firestore_emulator: FirestoreEmulator) -> Iterator[StorageRulesEngine]:
    """The real storage.rules, one process for the module."""
    running = _engine(RULES, classes, firestore_emulator)
    yield running
    running.close()


@dataclass
class Bakeries:
    a: str
    b: str
    owner: dict[str, Any]  # kim, owner of A (the claims her token carries)
    baker: dict[str, Any]  # ben
    viewer: dict[str, Any]  # val
    other_owner: dict[str, Any]  # bea, owner of B

    def photo(self, tenant: str, kind: str = "receipt", photo_id: str = "p-1") -> str:
        return object_path(photo_path(tenant, kind, photo_id))


def _claims(uid: str, tenant: str, role: str) -> dict[str, Any]:
    return {"uid": uid, "tenant_id": tenant, "role": role}


def _auth(claims: dict[str, Any]) -> dict[str, Any]:
    return token(claims["uid"], {k: v for k, v in claims.items() if k != "uid"})


def _join(owner: dict[str, Any], uid: str, role: str) -> dict[str, Any]:
    status, invitation = call(main.invite_member, {"role": role}, claims=owner)
    assert status == 200, invitation
    status, joined = call(main.join_tenant, {"code": invitation["code"]}, claims={"uid": uid})
    assert status == 200, joined
    return _claims(uid, joined["tenant_id"], joined["role"])


@pytest.fixture
def bakeries(gateway: Any) -> Bakeries:
    """Bakery A (kim owner, ben baker, val viewer) and bakery B (bea owner), on a wiped emulator."""
    status, a = call(main.create_tenant, {"name": "Crumb & Co"}, claims={"uid": "kim"})
    assert status == 200, a
    status, b = call(main.create_tenant, {"name": "Other Loaves"}, claims={"uid": "bea"})
    assert status == 200, b
    owner = _claims("kim", a["tenant_id"], "owner")
    return Bakeries(a["tenant_id"], b["tenant_id"], owner, _join(owner, "ben", "baker"), _join(owner, "val", "viewer"),
                    _claims("bea", b["tenant_id"], "owner"))


def _member_doc(tenant: str, uid: str) -> str:
    return f"/databases/(default)/documents/tenants/{tenant}/members/{uid}"


def _reads(engine: StorageRulesEngine, path: str, claims: dict[str, Any] | None) -> Decision:
    return engine.decide("get", path, _auth(claims) if claims is not None else None)


def test_storage_rules_compile_with_no_issue(engine: StorageRulesEngine) -> None:
    """Not even a warning: the compiler knows firebase.storage, request.auth, firestore.get/exists."""
    assert engine.issues == []


def test_a_rules_file_that_does_not_compile_fails_loudly(classes: Path, tmp_path: Path,
                                                        firestore_emulator: FirestoreEmulator) -> None:
    broken = tmp_path / "storage.rules"
    broken.write_text(RULES.read_text().replace("&& request.auth.token.tenant_id == tenantId",
                                                "&& request.auth.token.tenant_id ==", 1))
    with pytest.raises(RulesCompileError) as raised:
        _engine(broken, classes, firestore_emulator)
    assert any(issue.startswith("ERROR storage.rules:") for issue in raised.value.issues), raised.value.issues


@pytest.mark.parametrize("role", ["owner", "baker", "viewer"])
def test_an_active_member_reads_their_bakerys_photos(engine: StorageRulesEngine, bakeries: Bakeries,
                                                     role: str) -> None:
    claims = {"owner": bakeries.owner, "baker": bakeries.baker, "viewer": bakeries.viewer}[role]
    for kind in ("receipt", "inventory"):
        decision = _reads(engine, bakeries.photo(bakeries.a, kind), claims)
        assert decision.permit, decision
    member = _member_doc(bakeries.a, claims["uid"])
    assert decision.firestore == [f"exists {member}", f"get {member}", f"get {member}"]
    assert decision.errors == []


def test_a_removed_member_is_denied_at_once_with_the_token_they_keep(engine: StorageRulesEngine,
                                                                     bakeries: Bakeries, firestore: Any) -> None:
    photo = bakeries.photo(bakeries.a)
    assert _reads(engine, photo, bakeries.baker).permit
    status, removed = call(main.remove_tenant_member, {"uid": "ben"}, claims=bakeries.owner)
    assert status == 200, removed
    stored = firestore.document(f"tenants/{bakeries.a}/members/ben").get().to_dict()
    assert stored["active"] is False and stored["role"] == "baker"  # the document stays, marked inactive
    decision = _reads(engine, photo, bakeries.baker)
    assert not decision.permit, decision
    assert engine.decide("list", object_path(f"tenants/{bakeries.a}/receipts"), _auth(bakeries.baker)).permit is False
    assert _reads(engine, photo, bakeries.viewer).permit  # the others read on


def test_a_member_whose_document_is_deleted_is_denied(engine: StorageRulesEngine, bakeries: Bakeries,
                                                      firestore: Any) -> None:
    photo = bakeries.photo(bakeries.a)
    assert _reads(engine, photo, bakeries.viewer).permit
    firestore.document(f"tenants/{bakeries.a}/members/val").delete()
    decision = _reads(engine, photo, bakeries.viewer)
    assert not decision.permit
    assert decision.firestore == [f"exists {_member_doc(bakeries.a, 'val')}"]  # && stops at the missing document


def test_a_demoted_member_is_denied_with_the_old_role_and_reads_with_the_new(engine: StorageRulesEngine,
                                                                             bakeries: Bakeries) -> None:
    photo = bakeries.photo(bakeries.a, "inventory")
    status, changed = call(main.change_member_role, {"uid": "ben", "role": "viewer"}, claims=bakeries.owner)
    assert (status, changed["role"]) == (200, "viewer")
    assert not _reads(engine, photo, bakeries.baker).permit  # token still says baker
    assert _reads(engine, photo, _claims("ben", bakeries.a, "viewer")).permit  # after refreshing the token


def test_a_member_of_another_bakery_is_denied(engine: StorageRulesEngine, bakeries: Bakeries) -> None:
    photo = bakeries.photo(bakeries.a)
    decision = _reads(engine, photo, bakeries.other_owner)
    assert not decision.permit and decision.firestore == []  # the token's bakery is not A: Firestore not asked
    forged = _reads(engine, photo, _claims("bea", bakeries.a, "owner"))  # claims naming A, no member document
    assert not forged.permit and forged.firestore == [f"exists {_member_doc(bakeries.a, 'bea')}"]
    assert _reads(engine, bakeries.photo(bakeries.b), bakeries.other_owner).permit  # her own bakery's photo


def test_no_sign_in_and_no_claims_are_denied(engine: StorageRulesEngine, bakeries: Bakeries) -> None:
    photo = bakeries.photo(bakeries.a)
    anonymous = engine.decide("get", photo, None)
    assert not anonymous.permit and anonymous.firestore == []
    assert not engine.decide("list", object_path(f"tenants/{bakeries.a}/receipts"), None).permit
    assert not engine.decide("get", photo, token("nia", {})).permit  # signed in, in no bakery
    assert not engine.decide("get", photo, token("ben", {"tenant_id": bakeries.a, "role": "admin"})).permit


@pytest.mark.parametrize("method", ["create", "update", "delete"])
def test_nobody_writes_not_even_the_owner(engine: StorageRulesEngine, bakeries: Bakeries, method: str) -> None:
    photo = bakeries.photo(bakeries.a, "receipt", "p-2")
    stored = {"name": photo_path(bakeries.a, "receipt", "p-2"), "bucket": "b", "size": 2048,
              "contentType": "image/jpeg", "metadata": {}}
    for claims in (bakeries.owner, bakeries.baker, bakeries.viewer, bakeries.other_owner, None):
        decision = engine.decide(method, photo, _auth(claims) if claims else None,
                                 resource=None if method == "create" else stored,
                                 request_resource=None if method == "delete" else stored)
        assert not decision.permit, (method, claims)
        assert decision.firestore == []  # `allow write: if false` asks nothing
    outside = engine.decide(method, object_path("uploads/p-2"), _auth(bakeries.owner), request_resource=stored)
    assert not outside.permit


def test_paths_outside_a_bakery_are_denied(engine: StorageRulesEngine, bakeries: Bakeries) -> None:
    owner = _auth(bakeries.owner)
    for name in ("logo.png", "public/logo.png", "restores/x", f"backups/{bakeries.a}/x", f"{bakeries.a}/receipts/p-1"):
        assert not engine.decide("get", object_path(name), owner).permit, name
    for folder in ("", "tenants", "public"):
        assert not engine.decide("list", object_path(folder), owner).permit, folder
    assert not engine.decide("get", object_path(f"x/tenants/{bakeries.a}/p-1"), owner).permit


def test_a_member_lists_their_bakerys_folders_and_no_other(engine: StorageRulesEngine, bakeries: Bakeries) -> None:
    """`allow read` covers list: members list tenants/{their bakery}/… (the rules do not separate it)."""
    for folder in ("receipts", "inventory-photos", ""):
        assert engine.decide("list", object_path(f"tenants/{bakeries.a}/{folder}"), _auth(bakeries.viewer)).permit
        assert not engine.decide("list", object_path(f"tenants/{bakeries.a}/{folder}"),
                                 _auth(bakeries.other_owner)).permit


def test_the_decision_follows_the_member_document(engine: StorageRulesEngine) -> None:
    """Same token, same photo; only the member document (given inline, no emulator) changes between requests."""
    auth = token("ben", {"tenant_id": "t1", "role": "baker"})
    photo = object_path(photo_path("t1", "receipt", "p-1"))
    doc = _member_doc("t1", "ben")
    states: list[dict[str, Any] | None] = [
        {"role": "baker", "active": True}, {"role": "baker", "active": False}, {"role": "baker", "active": True},
        {"role": "viewer", "active": True}, None,
        {"role": "baker"},  # no `active` field: the functions count it active (firestore_backend); the rules do not
        {"role": "baker", "active": "true"},  # a string is not true
    ]
    decisions = [engine.decide("get", photo, auth, documents={doc: state}) for state in states]
    assert [d.permit for d in decisions] == [True, False, True, False, False, False, False]
    assert [d.errors for d in decisions[:5]] == [[]] * 5
    assert any("Property active is undefined" in error for error in decisions[5].errors), decisions[5]


def test_a_copy_without_the_active_condition_lets_the_removed_member_in(
        engine: StorageRulesEngine, bakeries: Bakeries, classes: Path, tmp_path: Path,
        firestore_emulator: FirestoreEmulator) -> None:
    """The engine evaluates the conditions: drop `active == true` and the removed member reads again."""
    text = RULES.read_text()
    assert text.count(ACTIVE_CONDITION) == 1
    weakened = tmp_path / "storage.rules"
    weakened.write_text(text.replace(ACTIVE_CONDITION, ""))
    status, _ = call(main.remove_tenant_member, {"uid": "ben"}, claims=bakeries.owner)
    assert status == 200
    photo = bakeries.photo(bakeries.a)
    other = _engine(weakened, classes, firestore_emulator)
    try:
        assert other.issues == []
        assert other.decide("get", photo, _auth(bakeries.baker)).permit  # the hole the condition closes
        assert not other.decide("get", photo, None).permit  # still not an allow-all
        assert not other.decide("get", photo, _auth(bakeries.other_owner)).permit
    finally:
        other.close()
    assert not engine.decide("get", photo, _auth(bakeries.baker)).permit  # the real rules, same request
