"""The platform admin's `admin: true` survives creating, joining, changing role in and leaving a bakery
(set_claims replaces an account's custom claims: the backends keep `admin`). The memory backend here; the Auth
emulator in tests/integration/test_activity_on_emulator.py."""

from __future__ import annotations

from functions import main
from functions.shared.backend import claims_keeping_admin
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call


def test_the_admin_claim_is_kept_through_every_change_of_bakery(backend: MemoryBackend) -> None:
    backend.claims["root"] = {"admin": True}  # what scripts/grant_admin.py sets
    status, created = call(main.create_tenant, {"name": "Root's"}, claims={"uid": "root", "admin": True})
    assert status == 200
    assert backend.claims["root"] == {"tenant_id": created["tenant_id"], "role": "owner", "admin": True}

    owner = {"uid": "olga", "tenant_id": call(main.create_tenant, {"name": "Olga's"}, claims={"uid": "olga"})[1][
        "tenant_id"], "role": "owner"}
    assert backend.claims["olga"] == {"tenant_id": owner["tenant_id"], "role": "owner"}  # no admin given
    code = call(main.invite_member, {"role": "baker"}, claims=owner)[1]["code"]
    assert call(main.join_tenant, {"code": code}, claims={"uid": "root", "admin": True})[0] == 200
    assert backend.claims["root"] == {"tenant_id": owner["tenant_id"], "role": "baker", "admin": True}
    assert call(main.change_member_role, {"uid": "root", "role": "viewer"}, claims=owner)[0] == 200
    assert backend.claims["root"] == {"tenant_id": owner["tenant_id"], "role": "viewer", "admin": True}
    assert call(main.remove_tenant_member, {"uid": "root"}, claims=owner)[0] == 200
    assert backend.claims["root"] == {"admin": True}


def test_only_the_exact_boolean_is_kept_and_nothing_left_is_none() -> None:
    assert claims_keeping_admin({"admin": "true", "role": "owner"}, {"tenant_id": "t", "role": "baker"}) == {
        "tenant_id": "t", "role": "baker"}
    assert claims_keeping_admin({"tenant_id": "t", "role": "owner"}, None) is None
    assert claims_keeping_admin(None, {"tenant_id": "t", "role": "owner", "admin": True}) == {
        "tenant_id": "t", "role": "owner"}  # set_claims never gives the claim, only keeps it
