"""The access matrix: every operation × every kind of caller who must be refused.

Rows are every operation the gateway serves. Columns are the callers: another bakery's owner
using this bakery's ids, claims forged to name this bakery, a viewer writing, a removed member
with their old token, a signed-in account without claims, no token, and — in production mode,
verified by firebase-admin against published certificates — an expired token, an unsigned
(`alg: none`) token, a token signed by another key and one for another project.
Every cell must be a 4xx that leaves bakery A exactly as it was; a few cells are allowed by design
(a reader reading, anyone creating their own bakery) and say so. The table is printed by the run.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from core.proposals import receipt_scans
from functions import gateway, main
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from tests.conftest import load_fixture
from tests.functions.conftest import UnsignedTokenVerifier, call, unsigned_token
from tests.support.production_tokens import PROJECT, TokenMint, production_tokens

# A valid body for each operation, naming bakery A's things (A_PRODUCT is filled in).
BODIES: dict[str, dict[str, Any] | None] = {
    "plan_event": {"event": "winter-market-2026"},
    "shopping_list": {"event": "winter-market-2026"},
    "export_desktop": None,
    "import_desktop": {"data": {"version": "4.0", "ingredients": []}},
    "create_tenant": {"name": "Mallory's"},
    "invite_member": {"role": "baker"},
    "join_tenant": {"code": "NOT-A-CODE-1234"},
    "list_members": None,
    "change_member_role": {"uid": "alice", "role": "viewer"},
    "remove_tenant_member": {"uid": "alice"},
    "create_api_key": {"name": "Mallory's agent"},
    "list_api_keys": None,
    "revoke_api_key": {"key_id": "A_KEY"},
    "get_bakery": None,
    "save_bakery_settings": {"unit_system": "metric", "currency": "EUR"},
    "add_purchase": {"product_id": "A_PRODUCT", "packages": 1, "unit_price": 5, "purchased_on": "2026-11-01"},
    "set_inventory_level": {"product_id": "A_PRODUCT", "remaining_percentage": 0},
    "record_loss": {"ingredient": "flour_all_purpose", "amount": 1, "unit": "cup", "reason": "spoilage"},
    "record_production": {"recipe": "gingerbread-chai-cookies", "batches": 1},
    "record_assembly": {"finished_good": "cookie-tin", "quantity": 1},
    "save_catalog": {"ingredients": [{"slug": "flour_all_purpose", "display_name": "Mallory's flour"}]},
    "save_recipes": {"recipes": [{"slug": "gingerbread-chai-cookies", "name": "Mallory's"}]},
    "save_finished_goods": {"finished_goods": [{"slug": "cookie-tin", "display_name": "Mallory's"}]},
    "save_events": {"events": [{"slug": "winter-market-2026", "name": "Mallory's"}]},
    "delete_record": {"collection": "recipes", "key": "gingerbread-chai-cookies"},
    "upload_photo": {},  # refused before its image is read; uploads themselves: test_photo_upload
    "propose_from_text": {"text": "I bought two 5 lb bags of flour at Costco for $9"},
    "edit_proposal": {"proposal_id": "A_PROPOSAL", "changes": [{"index": 0, "args": {"price": 1}}]},
    "confirm_proposal": {"proposal_id": "A_PROPOSAL"},
    "reject_proposal": {"proposal_id": "A_PROPOSAL"},
    "undo_proposal": {"proposal_id": "A_CONFIRMED"},
    "list_proposals": {},
    "list_purchases": {"limit": 5, "product": "A_PRODUCT"},
    "get_proposal": {"proposal_id": "A_PROPOSAL"},
    "receipt_status": {"photo_id": "A_RECEIPT"},
    "propose_from_photo": {"photo_id": "A_RECEIPT"},
    "register_push_token": {"token": "mallorys-device-token:APA91b0000000000"},
    "unregister_push_token": {"token": "alices-device-token:APA91b00000000000"},
    "scale_recipe": {"recipe": "gingerbread-chai-cookies", "ingredient": "flour_all_purpose", "amount": 3,
                     "unit": "lb"},
    "can_make": {"event": "winter-market-2026"},
    "event_cost": {"event": "winter-market-2026"},
    "get_quotas": {},
    "get_metrics": {"scope": "bakery", "weeks": 8},
    "health": None,
    "save_equipment": {"equipment": [{"slug": "hobart", "name": "Mallory's mixer", "kind": "mixer", "capacity": 20,
                                      "capacity_unit": "qt"}]},
    "export_bakery": {},
    "restore_bakery": {"backup": {"format": "baketracker-backup", "version": 1,
                                  "exported_at": "2026-11-30T10:00:00+00:00", "collections": {},
                                  "bakery": {"tenant_id": "elsewhere", "name": "Mallory's",
                                             "created_at": "2026-11-01T00:00:00+00:00"}}},
}
READ_ONLY = {"plan_event", "shopping_list", "export_desktop", "list_proposals", "get_proposal", "receipt_status",
             "get_bakery", "scale_recipe", "can_make", "event_cost", "list_purchases"}
# a viewer's own device opting in or out of web push: allowed for every member, about the caller alone
OWN_DEVICE = {"register_push_token", "unregister_push_token"}
NO_TENANT_NEEDED = {"create_tenant", "join_tenant"}  # what an account without a bakery may do
# public by design: answers only whether the API reaches Firestore, the same to everyone, naming no bakery
PUBLIC = {"health"}
# operations whose body names bakery A's records: from another bakery they must be a 404, never a 200
NAMES_RECORDS = {"plan_event", "shopping_list", "add_purchase", "set_inventory_level", "record_loss",
                 "record_production", "record_assembly", "change_member_role", "remove_tenant_member",
                 "delete_record", "edit_proposal", "confirm_proposal", "reject_proposal", "undo_proposal",
                 "receipt_status", "propose_from_photo", "get_proposal", "scale_recipe", "can_make", "event_cost",
                 "list_purchases"}
COLUMNS = ["other bakery", "forged claims", "viewer writes", "removed member", "no claims", "no token",
           "expired (prod)", "unsigned (prod)", "other key (prod)", "other project (prod)"]
TABLE: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def mint() -> Iterator[TokenMint]:
    saved = os.environ.pop("FIREBASE_AUTH_EMULATOR_HOST", None)  # production mode: signatures are checked
    try:
        with production_tokens() as minted:
            yield minted
    finally:
        if saved is not None:
            os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = saved


@pytest.fixture
def bakeries(backend: MemoryBackend) -> dict[str, dict[str, Any]]:
    a = call(main.create_tenant, {"name": "A"}, claims={"uid": "alice"})[1]["tenant_id"]
    alice = {"uid": "alice", "tenant_id": a, "role": "owner"}
    assert call(main.import_desktop, {"data": load_fixture("desktop-plans/winter_events.json")}, claims=alice)[0] == 200
    people = {"alice": alice}
    for uid, role in (("vic", "viewer"), ("rob", "baker")):
        code = call(main.invite_member, {"role": role}, claims=alice)[1]["code"]
        assert call(main.join_tenant, {"code": code}, claims={"uid": uid})[0] == 200
        people[uid] = {"uid": uid, "tenant_id": a, "role": role}
    assert call(main.remove_tenant_member, {"uid": "rob"}, claims=alice)[0] == 200
    for text in ("butter is half gone", "bake sale on December 12th: 10 dozen sugar cookies"):
        assert call(main.propose_from_text, {"text": text}, claims=alice)[0] == 200
    kept = call(main.propose_from_text, {"text": "I bought a 5 lb bag of flour at Costco for $4"}, claims=alice)[1]
    product = next(iter(backend.stores[a].bakery.products))
    call(main.edit_proposal, {"proposal_id": kept["proposal_id"],
                              "changes": [{"index": 0, "args": {"product_id": product}}]}, claims=alice)
    assert call(main.confirm_proposal, {"proposal_id": kept["proposal_id"]}, claims=alice)[0] == 200
    with backend.unit_of_work(a) as uow:
        receipt_scans.record_upload(uow, "a" * 32, f"tenants/{a}/receipts/{'a' * 32}", by="alice")
    assert call(main.create_api_key, {"name": "A's agent"}, claims=alice)[0] == 200
    b = call(main.create_tenant, {"name": "B"}, claims={"uid": "bob"})[1]["tenant_id"]
    people["bob"] = {"uid": "bob", "tenant_id": b, "role": "owner"}
    return people


def _body(backend: MemoryBackend, tenant: str, op: str) -> dict[str, Any] | None:
    body = BODIES[op]
    bakery = backend.stores[tenant].bakery
    product = next(iter(bakery.products))
    proposed = next(p.id for p in bakery.proposals.values() if p.status.value == "proposed")
    confirmed = next(p.id for p in bakery.proposals.values() if p.status.value == "confirmed")
    text = json.dumps(body).replace("A_PRODUCT", product).replace("A_PROPOSAL", proposed)
    receipt = next(iter(bakery.receipts), "0" * 32)
    key = next((k.key_id for k in backend.api_keys(tenant)), "key_000000000000")
    text = text.replace("A_KEY", key)
    return None if body is None else json.loads(text.replace("A_CONFIRMED", confirmed).replace("A_RECEIPT", receipt))


def _cells(people: dict[str, dict[str, Any]], mint: TokenMint) -> dict[str, tuple[dict[str, str], str | None]]:
    """Column -> (headers, which verifier: None for the emulator-style one, 'prod' for firebase-admin)."""
    alice, bob = people["alice"], people["bob"]
    unsigned = {"uid": "mallory", "sub": "mallory", "aud": PROJECT, "iss": f"https://securetoken.google.com/{PROJECT}"}

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    return {
        "other bakery": (bearer(unsigned_token(bob)), None),
        "forged claims": (bearer(unsigned_token(bob | {"tenant_id": alice["tenant_id"]})), None),
        "viewer writes": (bearer(unsigned_token(people["vic"])), None),
        "removed member": (bearer(unsigned_token(people["rob"])), None),
        "no claims": (bearer(unsigned_token({"uid": "mallory"})), None),
        "no token": ({}, None),
        "expired (prod)": (bearer(mint.token(alice, expires_in=-120)), "prod"),
        "unsigned (prod)": (bearer(unsigned_token(unsigned | alice)), "prod"),
        "other key (prod)": (bearer(mint.token(alice, foreign_key=True)), "prod"),
        "other project (prod)": (bearer(mint.token(alice, audience="someone-elses-project")), "prod"),
    }


def _snapshot(backend: MemoryBackend, tenant: str) -> Any:
    invitations = {h: i for h, (t, i) in backend.invitations.items() if t == tenant}
    members = set(backend.member_rows[tenant])
    claims = {uid: c for uid, c in backend.claims.items() if uid in members}
    return copy.deepcopy((backend.stores[tenant].bakery, backend.member_rows[tenant], invitations,
                          backend.tenants[tenant], claims))


@pytest.mark.parametrize("op", sorted(gateway.OPERATIONS))
def test_every_caller_who_must_be_refused_is_refused(op: str, backend: MemoryBackend,
                                                     bakeries: dict[str, dict[str, Any]], mint: TokenMint) -> None:
    alice = bakeries["alice"]
    tenant = alice["tenant_id"]
    body = _body(backend, tenant, op)
    method = "POST" if body is not None else "GET"
    row: dict[str, str] = {}
    for column, (headers, mode) in _cells(bakeries, mint).items():
        if column == "viewer writes" and op in READ_ONLY:
            row[column] = "reads (allowed)"
            continue
        if column == "viewer writes" and op in OWN_DEVICE:
            row[column] = "own device (allowed)"
            continue
        if column == "no claims" and op in NO_TENANT_NEEDED and op == "create_tenant":
            row[column] = "own bakery (allowed)"
            continue
        if op in PUBLIC:
            status, answer = call(getattr(main, op), None, method="GET", headers=headers)
            assert status == 200 and set(answer) == {"status", "checks", "version"}, (op, column, answer)
            assert tenant not in json.dumps(answer) and "alice" not in json.dumps(answer)
            row[column] = "public (allowed)"
            continue
        before = _snapshot(backend, tenant)
        RUNTIME.verifier = mint.verifier if mode == "prod" else UnsignedTokenVerifier()
        try:
            status, answer = call(getattr(main, op), body, method=method, headers=headers)
        finally:
            RUNTIME.verifier = UnsignedTokenVerifier()
        if column == "other bakery" and status == 200:
            # an operation without ids (export, listing, saving) acts on the caller's own bakery only
            assert op not in NAMES_RECORDS, (op, answer)
            row[column] = "own bakery only"
        else:
            assert 400 <= status < 500, (op, column, status, answer)
            assert answer["error"]["code"] and answer["error"]["message"]
            row[column] = str(status)
        leaked = [w for w in ("Sabl", "Candy-Bar Fudge", "Gingerbread", "alice") if w in json.dumps(answer)]
        assert leaked == [], (op, column, leaked)
        assert _snapshot(backend, tenant) == before, f"{op} / {column} changed bakery A"
    TABLE[op] = row


def test_a_valid_production_token_is_accepted(backend: MemoryBackend, bakeries: dict[str, dict[str, Any]],
                                              mint: TokenMint) -> None:
    """The refusals above are about the tokens, not a verifier that refuses everything."""
    RUNTIME.verifier = mint.verifier
    try:
        status, answer = call(main.plan_event, {"event": "winter-market-2026"},
                              headers={"Authorization": f"Bearer {mint.token(bakeries['alice'])}"})
    finally:
        RUNTIME.verifier = UnsignedTokenVerifier()
    assert status == 200 and answer["recipes"], answer
