"""The functions' backend on Firestore: tenants/{tenantId}/… and Firebase Auth custom claims."""

from __future__ import annotations

import datetime as dt
import os
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from adapters.collection_cache import BakeryCaches
from core.bakery import Bakery
from core.notifications import PushToken, token_id
from core.planning.events import ProductionRun
from core.repository import PLANNING_COLLECTIONS, UnitOfWork
from core.tenancy import ApiKey, BakerySettings, Invitation, Member, Role, Tenant
from functions.shared.backend import claims_keeping_admin


class FirestoreBackend:
    CACHED_TENANTS = 32

    def __init__(self, client: Any) -> None:
        self.client = client
        # Each bakery's collections, reused while their write counters are unchanged (adapters/collection_cache.py).
        self.caches = BakeryCaches(self.CACHED_TENANTS)
        # The last planning inputs per tenant: the same object while none of its collections changed.
        self._planning: OrderedDict[str, tuple[tuple[int, ...], Bakery]] = OrderedDict()

    @staticmethod
    def from_environment() -> FirestoreBackend:
        from google.cloud import firestore

        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT") or "demo-baketracker"
        if os.environ.get("FIRESTORE_EMULATOR_HOST"):
            from google.auth.credentials import AnonymousCredentials

            client = firestore.Client(project=project, credentials=AnonymousCredentials())
        else:
            client = firestore.Client(project=project)
        from functions.shared.firestore_deadlines import bound_waits

        return FirestoreBackend(bound_waits(client))  # an unreachable database: a 503 in seconds, not minutes

    def _tenant_doc(self, tenant_id: str) -> Any:
        return self.client.collection("tenants").document(tenant_id)

    def unit_of_work(self, tenant_id: str, *, read_only: bool = False) -> UnitOfWork:
        from adapters.firestore_repository import FirestoreUnitOfWork

        return FirestoreUnitOfWork(self.client, tenant_id, read_only=read_only, cache=self.caches.tenant(tenant_id))

    def planning_bakery(self, tenant_id: str) -> Bakery:
        """What planning reads: one read of the write counters, plus a query per collection that changed."""
        from adapters.firestore_repository import FirestoreUnitOfWork

        uow = FirestoreUnitOfWork(self.client, tenant_id, read_only=True, cache=self.caches.tenant(tenant_id))
        names = sorted(PLANNING_COLLECTIONS)
        versions = uow.versions()
        stamp = tuple(versions.get(name, 0) for name in names)
        cached = self._planning.get(tenant_id)
        if cached is not None and cached[0] == stamp:
            self._planning.move_to_end(tenant_id)
            return cached[1]
        # no used-up lots (core/stock/live.py); of the production runs, only an event's, when it is planned
        bakery = uow.load_bakery(PLANNING_COLLECTIONS - {"production_runs"}, live_lots=True)
        bakery.event_runs = self._event_runs(tenant_id)
        self._planning[tenant_id] = (stamp, bakery)
        while len(self._planning) > self.CACHED_TENANTS:
            self._planning.popitem(last=False)
        return bakery

    def _event_runs(self, tenant_id: str) -> Callable[[str], list[ProductionRun]]:
        """An event's production runs for one planning read: one query (`event_slug ==`, outside any transaction)
        the first time the event is planned, then kept with that planning read (a new run makes a new one: the
        runs' counter is in its stamp). Planning never reads the bakery's other runs."""
        from adapters.firestore_repository import FirestoreUnitOfWork

        found: dict[str, list[ProductionRun]] = {}

        def runs(event_slug: str) -> list[ProductionRun]:
            if event_slug not in found:
                uow = FirestoreUnitOfWork(self.client, tenant_id, read_only=True)
                found[event_slug] = uow.find("production_runs", "event_slug", event_slug)
            return list(found[event_slug])

        return runs

    def tenant(self, tenant_id: str) -> Tenant | None:
        snap = self._tenant_doc(tenant_id).get()
        if not snap.exists:
            return None
        d = snap.to_dict()
        return Tenant(tenant_id, d["name"], d["created_by"], d["created_at"],
                      BakerySettings.from_dict(d.get("settings")))

    def create_tenant(self, tenant: Tenant, owner: Member) -> None:
        batch = self.client.batch()
        batch.create(self._tenant_doc(tenant.id), {
            "tenant_id": tenant.id, "name": tenant.name, "created_by": tenant.created_by,
            "created_at": tenant.created_at, "settings": tenant.settings.to_dict(),
        })
        batch.set(self._tenant_doc(tenant.id).collection("members").document(owner.uid), _member(tenant.id, owner))
        batch.commit()

    def save_tenant_settings(self, tenant_id: str, settings: BakerySettings) -> None:
        self._tenant_doc(tenant_id).update({"settings": settings.to_dict()})

    def members(self, tenant_id: str) -> list[Member]:
        rows = self._tenant_doc(tenant_id).collection("members").stream()
        return sorted((_to_member(r.id, r.to_dict()) for r in rows if r.to_dict().get("tenant_id") == tenant_id),
                      key=lambda m: m.uid)

    def member(self, tenant_id: str, uid: str) -> Member | None:
        snap = self._tenant_doc(tenant_id).collection("members").document(uid).get()
        data = snap.to_dict() if snap.exists else None
        if data is None or data.get("tenant_id") != tenant_id:
            return None
        return _to_member(uid, data)

    def save_member(self, tenant_id: str, member: Member) -> None:
        self._tenant_doc(tenant_id).collection("members").document(member.uid).set(_member(tenant_id, member))

    def count_try(self, key: str, expires_at: dt.datetime) -> int:
        """`rate_limits/{key}`: server-only (the rules' catch-all); `expires_at` for a Firestore TTL policy."""
        from google.cloud.firestore import Increment

        ref = self.client.collection("rate_limits").document(key)
        ref.set({"count": Increment(1), "expires_at": expires_at}, merge=True)
        return int((ref.get().to_dict() or {}).get("count", 1))

    def spend_counters(self, charges: list[tuple[str, int, int, dt.datetime]]) -> tuple[bool, list[int]]:
        """`rate_limits/{key}` documents: read, then (when all fit) grown by server-side increments in one atomic
        batch. No transaction: calls at once on the same counter never wait on each other's locks (on the
        emulator, a transaction per call made 4 threads on one counter take minutes, and some failed); the price
        is that calls arriving at the very same instant at a limit may pass it by as many as there are of them.
        A refused call only reads, so a client hammering past its limit adds no writes to the counter."""
        from google.cloud.firestore import Increment

        refs = [self.client.collection("rate_limits").document(key) for key, _, _, _ in charges]
        found = {snap.id: int((snap.to_dict() or {}).get("count", 0))
                 for snap in self.client.get_all(refs) if snap.exists}
        before = [found.get(ref.id, 0) for ref in refs]
        fits = all(value + amount <= allowed for value, (_, amount, allowed, _) in zip(before, charges, strict=True))
        if fits:
            batch = self.client.batch()
            for ref, (_, amount, _, expires_at) in zip(refs, charges, strict=True):
                batch.set(ref, {"count": Increment(amount), "expires_at": expires_at}, merge=True)
            batch.commit()
        return fits, before

    def counter_values(self, keys: list[str]) -> list[int]:
        refs = [self.client.collection("rate_limits").document(key) for key in keys]
        found = {snap.id: int((snap.to_dict() or {}).get("count", 0)) for snap in self.client.get_all(refs)
                 if snap.exists}
        return [found.get(key, 0) for key in keys]

    def invitation(self, code_hash: str) -> tuple[str, Invitation] | None:
        index = self.client.collection("invitation_codes").document(code_hash).get()
        if not index.exists:
            return None
        tenant_id = index.to_dict()["tenant_id"]
        snap = self._tenant_doc(tenant_id).collection("invitations").document(code_hash).get()
        if not snap.exists:
            return None
        d = snap.to_dict()
        return tenant_id, Invitation(code_hash, Role(d["role"]), d.get("email"), d["created_by"], d["expires_at"],
                                     d.get("accepted_by"))

    def save_invitation(self, tenant_id: str, invitation: Invitation) -> None:
        batch = self.client.batch()
        batch.set(self.client.collection("invitation_codes").document(invitation.code_hash), {"tenant_id": tenant_id})
        batch.set(self._tenant_doc(tenant_id).collection("invitations").document(invitation.code_hash), {
            "tenant_id": tenant_id, "role": invitation.role.value, "email": invitation.email,
            "created_by": invitation.created_by, "expires_at": invitation.expires_at,
            "accepted_by": invitation.accepted_by,
        })
        batch.commit()

    def api_keys(self, tenant_id: str) -> list[ApiKey]:
        rows = self._tenant_doc(tenant_id).collection("api_keys").stream()
        return sorted((_to_api_key(r.id, r.to_dict()) for r in rows if r.to_dict().get("tenant_id") == tenant_id),
                      key=lambda k: (k.created_at, k.key_hash))

    def api_key(self, key_hash: str) -> tuple[str, ApiKey] | None:
        """A key by its hash, through the server-only index api_keys/{hash} (two reads by key)."""
        index = self.client.collection("api_keys").document(key_hash).get()
        if not index.exists:
            return None
        tenant_id = index.to_dict()["tenant_id"]
        snap = self._tenant_doc(tenant_id).collection("api_keys").document(key_hash).get()
        if not snap.exists or snap.to_dict().get("tenant_id") != tenant_id:
            return None
        return tenant_id, _to_api_key(key_hash, snap.to_dict())

    def save_api_key(self, tenant_id: str, key: ApiKey) -> None:
        batch = self.client.batch()
        batch.set(self.client.collection("api_keys").document(key.key_hash), {"tenant_id": tenant_id})
        batch.set(self._tenant_doc(tenant_id).collection("api_keys").document(key.key_hash), {
            "tenant_id": tenant_id, "name": key.name, "role": key.role.value, "apply_directly": key.apply_directly,
            "created_by": key.created_by, "created_at": key.created_at, "revoked_at": key.revoked_at,
            "last_used_at": key.last_used_at,
        })
        batch.commit()

    def set_claims(self, uid: str, claims: dict[str, str] | None) -> None:
        from firebase_admin import auth

        from functions.shared.auth import firebase_app

        app = firebase_app()
        current = auth.get_user(uid, app=app).custom_claims  # keep the platform admin's claim
        auth.set_custom_user_claims(uid, claims_keeping_admin(current, claims), app=app)
        if claims is None:
            auth.revoke_refresh_tokens(uid, app=firebase_app())

    # Web push tokens: tenants/{t}/push_tokens/{hash of the token}; firestore.rules keeps them server-only.
    def _tokens(self, tenant_id: str) -> Any:
        return self._tenant_doc(tenant_id).collection("push_tokens")

    def save_push_token(self, tenant_id: str, token: PushToken) -> None:
        self._tokens(tenant_id).document(token.id).set({
            "tenant_id": tenant_id, "uid": token.uid, "token": token.token, "locale": token.locale,
            "created_at": token.created_at or dt.datetime.now(dt.UTC),
        })

    def push_tokens(self, tenant_id: str, uid: str | None = None) -> list[PushToken]:
        query = self._tokens(tenant_id)
        if uid is not None:
            from google.cloud.firestore_v1.base_query import FieldFilter

            query = query.where(filter=FieldFilter("uid", "==", uid))
        rows = [r.to_dict() for r in query.stream()]
        return sorted((PushToken(d["uid"], d["token"], d.get("locale") or "en", d.get("created_at"))
                       for d in rows if d.get("tenant_id") == tenant_id), key=lambda t: (t.uid, t.id))

    def delete_push_tokens(self, tenant_id: str, uid: str, token: str | None = None) -> int:
        if token is not None:
            ref = self._tokens(tenant_id).document(token_id(token))
            snap = ref.get()
            if not snap.exists or snap.to_dict().get("uid") != uid:
                return 0
            ref.delete()
            return 1
        mine = self.push_tokens(tenant_id, uid)
        batch = self.client.batch()
        for t in mine:
            batch.delete(self._tokens(tenant_id).document(t.id))
        if mine:
            batch.commit()
        return len(mine)

    def push_tenants(self) -> list[str]:
        """One collection-group query over every bakery's push_tokens (it needs no composite index)."""
        return sorted({r.to_dict().get("tenant_id", "") for r in self.client.collection_group("push_tokens").stream()}
                      - {""})

    def restore_marker(self, tenant_id: str) -> dict[str, Any] | None:
        snap = self.client.collection("restores").document(tenant_id).get()
        return snap.to_dict() if snap.exists else None

    def save_restore_marker(self, tenant_id: str, marker: dict[str, Any]) -> None:
        """`restores/{tenant}`: server-only (the rules' catch-all), unlike tenants/{t}/meta, which members read."""
        self.client.collection("restores").document(tenant_id).set({**marker, "tenant_id": tenant_id})


def _member(tenant_id: str, m: Member) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "uid": m.uid, "role": m.role.value, "email": m.email, "joined_at": m.joined_at,
            "active": m.active}


def _to_member(uid: str, d: dict[str, Any]) -> Member:
    joined = d.get("joined_at") or dt.datetime.now(dt.UTC)
    return Member(uid, Role(d["role"]), d.get("email"), joined, bool(d.get("active", True)))


def _to_api_key(key_hash: str, d: dict[str, Any]) -> ApiKey:
    return ApiKey(key_hash, d["name"], Role(d["role"]), bool(d.get("apply_directly")), d["created_by"],
                  d["created_at"], d.get("revoked_at"), d.get("last_used_at"))
