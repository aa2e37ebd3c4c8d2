"""Real sign-in on the Auth emulator, real token verification, functions on the Firestore emulator."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from functions.gateway import app
from functions.shared.auth import TokenVerifier, firebase_app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from tests.conftest import load_fixture

pytestmark = pytest.mark.emulator


@pytest.fixture
def web(auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator) -> Iterator[Client]:
    firestore_emulator.wipe()
    previous = RUNTIME._backend, RUNTIME.verifier
    RUNTIME.use(FirestoreBackend(firestore_emulator.client()), TokenVerifier())
    yield Client(app)
    RUNTIME._backend, RUNTIME.verifier = previous


def _user(auth_emulator: AuthEmulator, email: str) -> str:
    from firebase_admin import auth

    with contextlib.suppress(auth.EmailAlreadyExistsError):
        auth.create_user(email=email, password="secret-pass-1", app=firebase_app())
    return auth_emulator.sign_in(email, "secret-pass-1")


def _post(web: Client, op: str, token: str, body: Any = None) -> tuple[int, Any]:
    response = web.post(f"/api/{op}", json=body if body is not None else {},
                        headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.get_json()


def test_sign_in_create_a_bakery_refresh_the_token_import_and_plan(auth_emulator: AuthEmulator, web: Client) -> None:
    token = _user(auth_emulator, "ann@example.com")
    assert _post(web, "plan_event", token, {"event": "x"})[0] == 403  # signed in, no bakery yet
    status, created = _post(web, "create_tenant", token, {"name": "Ann's Bakery"})
    assert status == 200 and created["role"] == "owner"
    token = auth_emulator.sign_in("ann@example.com", "secret-pass-1")  # the refreshed token carries the claims
    assert _post(web, "import_desktop", token, {"data": load_fixture("desktop-plans/winter_events.json")})[0] == 200
    status, plan = _post(web, "plan_event", token, {"event": "Office Party 2026"})
    assert status == 200 and {r["recipe_slug"]: r["batches"] for r in plan["recipes"]}["marble-fruit-cake"] == 2


def test_another_bakery_and_bad_tokens_are_refused(auth_emulator: AuthEmulator, web: Client) -> None:
    ann = _user(auth_emulator, "ann2@example.com")
    _post(web, "create_tenant", ann, {"name": "Ann 2"})
    ann = auth_emulator.sign_in("ann2@example.com", "secret-pass-1")
    _post(web, "import_desktop", ann, {"data": load_fixture("desktop-plans/winter_events.json")})
    bob = _user(auth_emulator, "bob@example.com")
    _post(web, "create_tenant", bob, {"name": "Bob's"})
    bob = auth_emulator.sign_in("bob@example.com", "secret-pass-1")
    assert _post(web, "plan_event", bob, {"event": "Office Party 2026"})[0] == 404
    assert _post(web, "export_desktop", bob)[1]["recipes"] == []
    assert _post(web, "plan_event", "not-a-token", {"event": "x"})[0] == 401
