"""Where a tenant's data lives, as the functions need it: a unit of work plus the member directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from core.bakery import Bakery
from core.notifications import PushToken
from core.repository import UnitOfWork
from core.tenancy import ApiKey, BakerySettings, Invitation, Member, Tenant


class Backend(Protocol):
    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> UnitOfWork: ...

    def planning_bakery(self, tenant_id: str) -> Bakery:
        """What planning an event reads (implementations may cache it while the data is unchanged)."""
        ...

    def tenant(self, tenant_id: str) -> Tenant | None: ...

    def create_tenant(self, tenant: Tenant, owner: Member) -> None: ...

    def save_tenant_settings(self, tenant_id: str, settings: BakerySettings) -> None:
        """The bakery's display settings, on the tenant document (members may read it)."""
        ...

    def members(self, tenant_id: str) -> list[Member]: ...

    def member(self, tenant_id: str, uid: str) -> Member | None:
        """One member by uid (one read by key: checked on every call)."""
        ...

    def save_member(self, tenant_id: str, member: Member) -> None: ...

    def invitation(self, code_hash: str) -> tuple[str, Invitation] | None: ...

    def count_try(self, key: str, expires_at: dt.datetime) -> int:
        """One more try on the rate-limit counter `key` (core/limits.py names it); the count, this one included."""
        ...

    def spend_counters(self, charges: list[tuple[str, int, int, dt.datetime]]) -> tuple[bool, list[int]]:
        """(key, amount, allowed, expires_at) each: every counter grows by its amount (all in one atomic write)
        when each stays within its allowed, else none changes. Whether they grew, and the values read before."""
        ...

    def counter_values(self, keys: list[str]) -> list[int]:
        """The rate-limit counters' values (0 for a counter not yet written)."""
        ...

    def save_invitation(self, tenant_id: str, invitation: Invitation) -> None: ...

    def api_keys(self, tenant_id: str) -> list[ApiKey]: ...

    def api_key(self, key_hash: str) -> tuple[str, ApiKey] | None:
        """A key by the hash of its secret, with its bakery (for the MCP service's authentication)."""
        ...

    def save_api_key(self, tenant_id: str, key: ApiKey) -> None: ...

    def set_claims(self, uid: str, claims: dict[str, str] | None) -> None:
        """Set the account's bakery claims (tenant_id, role; None: none). The platform admin's `admin: true`
        is kept (`claims_keeping_admin`): joining or leaving a bakery never takes it away."""
        ...

    # Web push: each member's devices that opted in (server-only, never readable by other members).
    def save_push_token(self, tenant_id: str, token: PushToken) -> None: ...

    def push_tokens(self, tenant_id: str, uid: str | None = None) -> list[PushToken]:
        """The bakery's push tokens, or one member's."""
        ...

    def delete_push_tokens(self, tenant_id: str, uid: str, token: str | None = None) -> int:
        """One token of a member (only if it is theirs), or all of the member's; how many were removed."""
        ...

    def push_tenants(self) -> list[str]:
        """Bakeries with at least one push token (the scheduled reminders visit only these)."""
        ...

    # Restoring a backup (core/application/backups.py): its marker, server-only (restores/{tenant}).
    def restore_marker(self, tenant_id: str) -> dict[str, Any] | None: ...

    def save_restore_marker(self, tenant_id: str, marker: dict[str, Any]) -> None: ...


def claims_keeping_admin(current: Mapping[str, Any] | None, claims: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The custom claims to set: `claims`, plus `admin: true` when the account has it now (only the exact
    boolean, as functions/shared/auth reads it); None when that leaves nothing."""
    kept = dict(claims or {})
    kept.pop("admin", None)
    if (current or {}).get("admin") is True:
        kept["admin"] = True
    return kept or None
