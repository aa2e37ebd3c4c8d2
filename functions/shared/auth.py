"""Who is calling: a verified Firebase ID token, its tenant and role from custom claims."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from functions.shared.errors import ApiError

ROLES = ("owner", "baker", "viewer")
READERS = frozenset(ROLES)
WRITERS = frozenset({"owner", "baker"})
OWNERS = frozenset({"owner"})


@dataclass(frozen=True, slots=True)
class Caller:
    uid: str
    tenant_id: str | None
    role: str | None
    email: str | None = None
    admin: bool = False  # the platform admin's custom claim (scripts/grant_admin.py): aggregate metrics only


def firebase_app() -> Any:
    """The firebase-admin app (created once; the Auth emulator's when FIREBASE_AUTH_EMULATOR_HOST is set)."""
    import firebase_admin

    name = "baketracker"
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")
        options = {"projectId": project} if project else None
        return firebase_admin.initialize_app(options=options, name=name)


class TokenVerifier:
    """Verifies ID tokens with firebase-admin: signature, expiry, audience (production), or the
    Auth emulator's unsigned tokens when FIREBASE_AUTH_EMULATOR_HOST is set (local only)."""

    def __init__(self, app: Any = None) -> None:
        self._app = app  # None: the default "baketracker" app, created on first use

    def claims(self, token: str) -> dict[str, Any]:
        from firebase_admin import auth

        app = self._app if self._app is not None else firebase_app()
        decoded: dict[str, Any] = auth.verify_id_token(token, app=app, clock_skew_seconds=5)
        return decoded


def caller_from_header(header: str | None, verifier: TokenVerifier) -> Caller:
    if not header or not header.startswith("Bearer ") or not header[7:].strip():
        raise ApiError(401, "unauthenticated", "sign in first: send 'Authorization: Bearer <Firebase ID token>'",
                       "Authorization")
    try:
        claims = verifier.claims(header[7:].strip())
    except Exception as exc:  # firebase-admin raises many kinds; all mean the same to the caller
        raise ApiError(401, "invalid_token", f"the ID token was refused ({type(exc).__name__})",
                       "Authorization") from exc
    tenant = claims.get("tenant_id")
    role = claims.get("role")
    return Caller(
        uid=str(claims.get("uid") or claims.get("sub")),
        tenant_id=tenant if isinstance(tenant, str) and tenant else None,
        role=role if role in ROLES else None,
        email=claims.get("email"),
        admin=claims.get("admin") is True,
    )


def require_role(caller: Caller, allowed: frozenset[str]) -> str:
    """The caller's tenant, if their role may do this; 403 otherwise."""
    if caller.tenant_id is None or caller.role is None:
        raise ApiError(403, "no_tenant", "this account belongs to no bakery yet: create one or accept an invitation")
    if caller.role not in allowed:
        raise ApiError(403, "forbidden", f"a {caller.role} may not do this (needs {' or '.join(sorted(allowed))})")
    return caller.tenant_id
