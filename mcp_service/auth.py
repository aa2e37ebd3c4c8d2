"""Who is calling the MCP service: a Firebase ID token or an owner's API key (Authorization: Bearer), its bakery
and role.

The token is verified as the functions verify it (signature, expiry, audience; or the Auth emulator's
tokens locally), and the caller must still be an active member of the bakery in that role. The bakery and
role travel in the `AccessToken`'s claims; tools read them from there, never from their arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import anyio
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ToolError

from core.tenancy import API_KEY_PREFIX, hash_api_key
from functions.shared.auth import ROLES, TokenVerifier, caller_from_header
from functions.shared.backend import Backend
from functions.shared.errors import ApiError

WRITERS = frozenset({"owner", "baker"})
LAST_USE_EVERY = dt.timedelta(minutes=1)  # a key's last use is written at most this often


class BakeryTokenVerifier:
    """The MCP SDK's TokenVerifier: None (→ 401 with WWW-Authenticate) for any credential we refuse."""

    def __init__(self, verifier: TokenVerifier, backend: Backend) -> None:
        self.verifier = verifier
        self.backend = backend

    async def verify_token(self, token: str) -> AccessToken | None:
        return await anyio.to_thread.run_sync(self._verify, token)

    def _verify(self, token: str) -> AccessToken | None:
        if token.startswith(API_KEY_PREFIX):
            return self._api_key(token)
        try:
            caller = caller_from_header(f"Bearer {token}", self.verifier)
        except ApiError:
            return None
        if caller.tenant_id is None or caller.role not in ROLES:
            return None
        member = self.backend.member(caller.tenant_id, caller.uid)
        if member is None or not member.active or member.role.value != caller.role:
            return None  # removed, or the role changed since the token was issued
        return AccessToken(token=token, client_id=caller.uid, scopes=[caller.role], subject=caller.uid,
                           claims={"tenant_id": caller.tenant_id, "role": caller.role, "uid": caller.uid})


    def _api_key(self, secret: str) -> AccessToken | None:
        """An owner's key for a headless agent: active, in its bakery and role; its last use is recorded."""
        found = self.backend.api_key(hash_api_key(secret))
        if found is None or not found[1].active:
            return None
        tenant_id, key = found
        now = dt.datetime.now(dt.UTC)
        if key.last_used_at is None or now - key.last_used_at > LAST_USE_EVERY:
            self.backend.save_api_key(tenant_id, replace(key, last_used_at=now))
        return AccessToken(token=secret, client_id=key.key_id, scopes=[key.role.value], subject=key.key_id,
                           claims={"tenant_id": tenant_id, "role": key.role.value, "uid": f"apikey:{key.key_id}",
                                   "apply_directly": key.apply_directly})


def caller_claims() -> dict[str, Any]:
    """The verified caller's bakery and role (set by the bearer middleware for this request)."""
    token = get_access_token()
    if token is None or not token.claims:
        raise ToolError("not signed in: send 'Authorization: Bearer <Firebase ID token>'")
    return token.claims


def require_writer(claims: dict[str, Any]) -> None:
    if claims.get("role") not in WRITERS:
        raise ToolError(f"a {claims.get('role')} may only read; writing needs an owner or a baker")
