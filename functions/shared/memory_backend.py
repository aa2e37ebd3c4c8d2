"""The functions' backend in memory: for unit tests of the adapters and for the CLI's local mode."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from core.bakery import Bakery
from core.memory_repository import MemoryStore, MemoryUnitOfWork
from core.notifications import PushToken
from core.tenancy import ApiKey, BakerySettings, Invitation, Member, Tenant
from functions.shared.backend import claims_keeping_admin


class MemoryBackend:
    def __init__(self) -> None:
        self.stores: dict[str, MemoryStore] = {}
        self.tenants: dict[str, Tenant] = {}
        self.member_rows: dict[str, dict[str, Member]] = {}
        self.invitations: dict[str, tuple[str, Invitation]] = {}
        self.claims: dict[str, dict[str, Any] | None] = {}
        self.keys: dict[str, tuple[str, ApiKey]] = {}  # by hash
        self.tokens: dict[str, dict[str, PushToken]] = {}  # tenant → token id → token
        self.tries: dict[str, int] = {}  # rate-limit counters
        self.restore_markers: dict[str, dict[str, Any]] = {}

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> MemoryUnitOfWork:
        return self.stores.setdefault(tenant_id, MemoryStore()).unit_of_work()

    def planning_bakery(self, tenant_id: str) -> Bakery:
        return self.stores.setdefault(tenant_id, MemoryStore()).bakery

    def tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def create_tenant(self, tenant: Tenant, owner: Member) -> None:
        self.tenants[tenant.id] = tenant
        self.member_rows[tenant.id] = {owner.uid: owner}

    def save_tenant_settings(self, tenant_id: str, settings: BakerySettings) -> None:
        self.tenants[tenant_id] = replace(self.tenants[tenant_id], settings=settings)

    def members(self, tenant_id: str) -> list[Member]:
        return sorted(self.member_rows.get(tenant_id, {}).values(), key=lambda m: m.uid)

    def member(self, tenant_id: str, uid: str) -> Member | None:
        return self.member_rows.get(tenant_id, {}).get(uid)

    def save_member(self, tenant_id: str, member: Member) -> None:
        self.member_rows.setdefault(tenant_id, {})[member.uid] = member

    def count_try(self, key: str, expires_at: dt.datetime) -> int:
        self.tries[key] = self.tries.get(key, 0) + 1
        return self.tries[key]

    def spend_counters(self, charges: list[tuple[str, int, int, dt.datetime]]) -> tuple[bool, list[int]]:
        before = [self.tries.get(key, 0) for key, _, _, _ in charges]
        fits = all(value + amount <= allowed for value, (_, amount, allowed, _) in zip(before, charges, strict=True))
        if fits:
            for key, amount, _, _ in charges:
                self.tries[key] = self.tries.get(key, 0) + amount
        return fits, before

    def counter_values(self, keys: list[str]) -> list[int]:
        return [self.tries.get(key, 0) for key in keys]

    def invitation(self, code_hash: str) -> tuple[str, Invitation] | None:
        return self.invitations.get(code_hash)

    def save_invitation(self, tenant_id: str, invitation: Invitation) -> None:
        self.invitations[invitation.code_hash] = (tenant_id, invitation)

    def api_keys(self, tenant_id: str) -> list[ApiKey]:
        return sorted((k for t, k in self.keys.values() if t == tenant_id), key=lambda k: (k.created_at, k.key_hash))

    def api_key(self, key_hash: str) -> tuple[str, ApiKey] | None:
        return self.keys.get(key_hash)

    def save_api_key(self, tenant_id: str, key: ApiKey) -> None:
        self.keys[key.key_hash] = (tenant_id, key)

    def set_claims(self, uid: str, claims: dict[str, str] | None) -> None:
        self.claims[uid] = claims_keeping_admin(self.claims.get(uid), claims)

    def save_push_token(self, tenant_id: str, token: PushToken) -> None:
        self.tokens.setdefault(tenant_id, {})[token.id] = token

    def push_tokens(self, tenant_id: str, uid: str | None = None) -> list[PushToken]:
        return sorted((t for t in self.tokens.get(tenant_id, {}).values() if uid is None or t.uid == uid),
                      key=lambda t: (t.uid, t.id))

    def delete_push_tokens(self, tenant_id: str, uid: str, token: str | None = None) -> int:
        rows = self.tokens.get(tenant_id, {})
        gone = [k for k, t in rows.items() if t.uid == uid and (token is None or t.token == token)]
        for k in gone:
            del rows[k]
        return len(gone)

    def push_tenants(self) -> list[str]:
        return sorted(t for t, rows in self.tokens.items() if rows)

    def restore_marker(self, tenant_id: str) -> dict[str, Any] | None:
        return self.restore_markers.get(tenant_id)

    def save_restore_marker(self, tenant_id: str, marker: dict[str, Any]) -> None:
        self.restore_markers[tenant_id] = dict(marker)
