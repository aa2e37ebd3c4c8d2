"""Every HTTP operation, one functions-framework entry point each (deploy with --entry-point NAME).

Each is a thin adapter: the wrapper verifies the token and role and parses the body;
the function calls the core and returns plain JSON.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.activity import facts as activity_facts
from core.application import planning, records, stock
from core.application.purchase_history import list_purchases as purchase_history
from core.limits import API_KEYS_BY_BAKERY, INVITATIONS_BY_BAKERY, JOIN_BY_ACCOUNT, JOIN_BY_ADDRESS, Charge
from core.tenancy import (
    ApiKey,
    BakerySettings,
    Member,
    Role,
    Tenant,
    accept_invitation,
    change_role,
    hash_code,
    new_api_key,
    new_invitation,
    remove_member,
)
from core.tenancy import revoke_api_key as revoke
from functions.models import (
    ApiKeyRequest,
    AssemblyRequest,
    BakerySettingsRequest,
    CanMakeRequest,
    CreateApiKeyRequest,
    CreateTenantRequest,
    DeleteRequest,
    EventRequest,
    ImportRequest,
    InviteRequest,
    JoinRequest,
    LevelRequest,
    ListPurchasesRequest,
    LossRequest,
    MemberRequest,
    MemberRoleRequest,
    ProductionRequest,
    PurchaseRequest,
    ScaleRequest,
    SectionsRequest,
)
from functions.shared import activity, logs
from functions.shared.auth import OWNERS, READERS, WRITERS
from functions.shared.errors import ApiError
from functions.shared.limits import client_address, spend, spend_try, write_charge
from functions.shared.observe import note
from functions.shared.operation import Context, operation

logs.install()  # one JSON line per call on Cloud Functions (K_SERVICE set); readable text locally


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- planning ------------------------------------------------------------------------------
@operation(READERS, EventRequest)
def plan_event(ctx: Context, body: EventRequest) -> dict[str, Any]:
    """Batches, ingredient totals and shopping list for one event."""
    plan = planning.event_plan(ctx.bakery, event=body.event, remaining_only=body.remaining_only)
    note(**activity_facts.planned_event_facts(ctx.tenant_id, plan))
    return plan


@operation(READERS, EventRequest)
def shopping_list(ctx: Context, body: EventRequest) -> dict[str, Any]:
    """What to buy for an event, grouped by supplier, plus a printable text."""
    tenant = ctx.backend.tenant(ctx.tenant_id)
    return planning.shopping_list(ctx.bakery, event=body.event, remaining_only=body.remaining_only,
                                  currency=tenant.settings.currency if tenant else "USD")


@operation(READERS, ScaleRequest)
def scale_recipe(ctx: Context, body: ScaleRequest) -> dict[str, Any]:
    """A recipe scaled by one ingredient on hand, every line in its own unit, with baker's percentages."""
    return planning.scale_recipe(ctx.bakery, recipe=body.recipe, ingredient=body.ingredient, amount=body.amount,
                                 unit=body.unit)


@operation(READERS, CanMakeRequest)
def can_make(ctx: Context, body: CanMakeRequest) -> dict[str, Any]:
    """How much of an event the stock on hand makes, what limits each recipe, what to buy for the rest."""
    return planning.can_make(ctx.bakery, event=body.event)


@operation(READERS, EventRequest)
def event_cost(ctx: Context, body: EventRequest) -> dict[str, Any]:
    """What an event costs (FIFO lots, then last prices) per batch, unit and good; planned vs actual."""
    tenant = ctx.backend.tenant(ctx.tenant_id)
    return planning.event_cost(ctx.bakery, event=body.event, remaining_only=body.remaining_only,
                               currency=tenant.settings.currency if tenant else "USD")


# -- portability ---------------------------------------------------------------------------
@operation(READERS, None, methods=("GET", "POST"))
def export_desktop(ctx: Context, body: None) -> dict[str, Any]:
    """The whole bakery in the desktop's JSON format."""
    return records.export_desktop(ctx.bakery)


@operation(WRITERS, ImportRequest)
def import_desktop(ctx: Context, body: ImportRequest) -> dict[str, Any]:
    """Merge a desktop export or a mobile file: all or nothing; `dry_run` reports what would change."""
    answer = records.import_desktop(ctx.bakery, data=body.data, dry_run=body.dry_run)
    note(**activity_facts.import_facts(answer))
    return answer


# -- tenants and members -------------------------------------------------------------------
def _tenant_id(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] or "bakery"
    return f"{base}-{secrets.token_hex(4)}"


@operation(frozenset(), CreateTenantRequest, needs_tenant=False)
def create_tenant(ctx: Context, body: CreateTenantRequest) -> dict[str, Any]:
    """A new bakery; the caller becomes its owner (refresh the ID token to get the claims)."""
    if ctx.caller.tenant_id:
        raise ApiError(409, "already_member", "this account already belongs to a bakery", "name")
    tenant = Tenant(_tenant_id(body.name), body.name, ctx.caller.uid, _now())
    ctx.backend.create_tenant(tenant, Member(ctx.caller.uid, Role.OWNER, ctx.caller.email, _now()))
    ctx.backend.set_claims(ctx.caller.uid, {"tenant_id": tenant.id, "role": Role.OWNER.value})
    note(joined_tenant=tenant.id)
    return {"tenant_id": tenant.id, "name": tenant.name, "role": "owner", "refresh_token": True}


@operation(OWNERS, InviteRequest)
def invite_member(ctx: Context, body: InviteRequest) -> dict[str, Any]:
    """A one-time code (valid 7 days) for someone to join as `role`."""
    spend(ctx.backend, [Charge(INVITATIONS_BY_BAKERY, ctx.tenant_id), write_charge(ctx.caller.uid)])
    code, invitation = new_invitation(Role(body.role), str(body.email) if body.email else None, ctx.caller.uid,
                                      _now())
    ctx.backend.save_invitation(ctx.tenant_id, invitation)
    return {"code": code, "role": invitation.role.value, "email": invitation.email,
            "expires_at": invitation.expires_at.isoformat()}


@operation(frozenset(), JoinRequest, needs_tenant=False)
def join_tenant(ctx: Context, body: JoinRequest) -> dict[str, Any]:
    """Accept an invitation code."""
    if ctx.caller.tenant_id:
        raise ApiError(409, "already_member", "this account already belongs to a bakery", "code")
    # An 8-character code is 40 bits: guessing is kept hopeless by counting every try, per account and address.
    spend_try(ctx.backend, JOIN_BY_ACCOUNT, ctx.caller.uid, field="code")
    spend_try(ctx.backend, JOIN_BY_ADDRESS, client_address(ctx.request), field="code")
    found = ctx.backend.invitation(hash_code(body.code))
    tenant_id, invitation = found if found else ("", None)
    member = accept_invitation(invitation, ctx.caller.uid, ctx.caller.email, _now())
    if invitation is not None:
        ctx.backend.save_invitation(tenant_id, replace(invitation, accepted_by=ctx.caller.uid))
    ctx.backend.save_member(tenant_id, member)
    ctx.backend.set_claims(ctx.caller.uid, {"tenant_id": tenant_id, "role": member.role.value})
    note(joined_tenant=tenant_id)
    return {"tenant_id": tenant_id, "role": member.role.value, "refresh_token": True}


@operation(OWNERS, None, methods=("GET", "POST"))
def list_members(ctx: Context, body: None) -> dict[str, Any]:
    return {"members": [
        {"uid": m.uid, "email": m.email, "role": m.role.value, "active": m.active, "joined_at": m.joined_at.isoformat()}
        for m in ctx.backend.members(ctx.tenant_id)
    ]}


@operation(OWNERS, MemberRoleRequest)
def change_member_role(ctx: Context, body: MemberRoleRequest) -> dict[str, Any]:
    member = change_role(ctx.backend.members(ctx.tenant_id), body.uid, Role(body.role))
    ctx.backend.save_member(ctx.tenant_id, member)
    ctx.backend.set_claims(member.uid, {"tenant_id": ctx.tenant_id, "role": member.role.value})
    return {"uid": member.uid, "role": member.role.value}


@operation(OWNERS, MemberRequest)
def remove_tenant_member(ctx: Context, body: MemberRequest) -> dict[str, Any]:
    member = remove_member(ctx.backend.members(ctx.tenant_id), body.uid)
    ctx.backend.save_member(ctx.tenant_id, member)
    ctx.backend.set_claims(member.uid, None)
    ctx.backend.delete_push_tokens(ctx.tenant_id, member.uid)  # their devices get no more of this bakery's pushes
    return {"uid": member.uid, "removed": True}


def _bakery(ctx: Context, tenant: Tenant) -> dict[str, Any]:
    return {"tenant_id": tenant.id, "name": tenant.name, "role": ctx.caller.role, "settings": tenant.settings.to_dict()}


@operation(READERS, None, methods=("GET", "POST"))
def get_bakery(ctx: Context, body: None) -> dict[str, Any]:
    """The caller's bakery: its id, name, the caller's role and the owner's settings (units, currency)."""
    tenant = ctx.backend.tenant(ctx.tenant_id)
    if tenant is None:
        raise ApiError(404, "not_found", "no such bakery")
    return _bakery(ctx, tenant)


@operation(OWNERS, BakerySettingsRequest)
def save_bakery_settings(ctx: Context, body: BakerySettingsRequest) -> dict[str, Any]:
    """Units (us or metric) and currency for every member of the bakery; owners only."""
    tenant = ctx.backend.tenant(ctx.tenant_id)
    if tenant is None:
        raise ApiError(404, "not_found", "no such bakery")
    settings = BakerySettings(body.unit_system or tenant.settings.unit_system,
                              body.currency or tenant.settings.currency)
    if settings != tenant.settings:
        ctx.backend.save_tenant_settings(ctx.tenant_id, settings)
    return _bakery(ctx, replace(tenant, settings=settings))


# -- API keys for headless agents (the MCP service) ----------------------------------------
def _api_key_json(key: ApiKey) -> dict[str, Any]:
    return {"key_id": key.key_id, "name": key.name, "role": key.role.value, "apply_directly": key.apply_directly,
            "created_by": key.created_by, "created_at": key.created_at.isoformat(), "active": key.active,
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
            "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None}


@operation(OWNERS, CreateApiKeyRequest)
def create_api_key(ctx: Context, body: CreateApiKeyRequest) -> dict[str, Any]:
    """A new key for an agent; the secret is in this answer only (only its hash is stored)."""
    spend(ctx.backend, [Charge(API_KEYS_BY_BAKERY, ctx.tenant_id), write_charge(ctx.caller.uid)])
    secret, key = new_api_key(body.name, Role(body.role), body.apply_directly, ctx.caller.uid, _now())
    ctx.backend.save_api_key(ctx.tenant_id, key)
    return {**_api_key_json(key), "secret": secret,
            "note": "copy it now, it is not shown again; send it to the MCP service as 'Authorization: Bearer …'"}


@operation(OWNERS, None, methods=("GET", "POST"))
def list_api_keys(ctx: Context, body: None) -> dict[str, Any]:
    """The bakery's agent keys (never their secrets), with their last use."""
    return {"api_keys": [_api_key_json(k) for k in ctx.backend.api_keys(ctx.tenant_id)]}


@operation(OWNERS, ApiKeyRequest)
def revoke_api_key(ctx: Context, body: ApiKeyRequest) -> dict[str, Any]:
    """Revoke a key at once: the MCP service refuses it from the next call."""
    key = revoke(ctx.backend.api_keys(ctx.tenant_id), body.key_id, _now())
    ctx.backend.save_api_key(ctx.tenant_id, key)
    return _api_key_json(key)


# -- purchases, stock and production -------------------------------------------------------
@operation(WRITERS, PurchaseRequest)
def add_purchase(ctx: Context, body: PurchaseRequest) -> dict[str, Any]:
    """Whole packages bought: one purchase and its lot. Send Idempotency-Key to make retries safe."""
    scanned = (ctx.request.headers.get("X-BakeTracker-Source") or "").strip().lower() if ctx.request else ""
    note(entered_with="barcode" if scanned == "barcode" else "manual", purchases=1)
    return stock.add_purchase(ctx.bakery, product_id=body.product_id, upc=body.upc, packages=body.packages,
                              unit_price=body.unit_price, purchased_on=body.purchased_on, supplier=body.supplier,
                              notes=body.notes)


@operation(READERS, ListPurchasesRequest)
def list_purchases(ctx: Context, body: ListPurchasesRequest) -> dict[str, Any]:
    """A page of purchases, newest first: `{purchases, next_cursor}`; send `next_cursor` back for the next page."""
    return purchase_history(ctx.bakery, limit=body.limit, cursor=body.cursor, product=body.product)


@operation(WRITERS, LevelRequest)
def set_inventory_level(ctx: Context, body: LevelRequest) -> dict[str, Any]:
    """"This bag is 40% full": the product's oldest lot with stock becomes that share of one package."""
    return stock.set_inventory_level(ctx.bakery, remaining_percentage=body.remaining_percentage,
                                     product_id=body.product_id, upc=body.upc, notes=body.notes)


@operation(WRITERS, LossRequest)
def record_loss(ctx: Context, body: LossRequest) -> dict[str, Any]:
    """Spoiled or spilled stock, taken by FIFO with a reason."""
    return stock.record_loss(ctx.bakery, ingredient=body.ingredient, amount=body.amount, unit=body.unit,
                             reason=body.reason, notes=body.notes)


@operation(WRITERS, ProductionRequest)
def record_production(ctx: Context, body: ProductionRequest) -> dict[str, Any]:
    """Batches baked: ingredients leave their lots by FIFO, nested recipes included; refused whole if short.

    An ingredient whose lots cannot be converted is recorded anyway and listed in `not_deducted`.
    """
    from core.planning.events import Loss, LossCategory

    return stock.record_production(
        ctx.bakery, recipe=body.recipe, batches=body.batches, finished_unit=body.finished_unit,
        actual_yield=body.actual_yield, losses=[Loss(LossCategory(x.category), x.quantity, x.notes)
                                                for x in body.losses],
        event=body.event, notes=body.notes,
    )


@operation(WRITERS, AssemblyRequest)
def record_assembly(ctx: Context, body: AssemblyRequest) -> dict[str, Any]:
    """Bundles put together from finished stock and packaging; refused if short (unconvertible packaging: listed)."""
    return stock.record_assembly(ctx.bakery, finished_good=body.finished_good, quantity=body.quantity,
                                 event=body.event, notes=body.notes)


# -- catalog, recipes, finished goods, events ----------------------------------------------
# Records in the desktop's format (core.application.records.SECTIONS), with every check of an import.
@operation(WRITERS, SectionsRequest)
def save_catalog(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Suppliers, ingredients, products and packaging materials (desktop format), all or nothing."""
    return records.save_sections(ctx.bakery, "save_catalog", body.model_dump())


@operation(WRITERS, SectionsRequest)
def save_recipes(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Recipes with their ingredients, nested components, variants and finished units."""
    return records.save_sections(ctx.bakery, "save_recipes", body.model_dump())


@operation(WRITERS, SectionsRequest)
def save_finished_goods(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Finished goods and their bundle compositions (cycles are refused)."""
    return records.save_sections(ctx.bakery, "save_finished_goods", body.model_dump())


@operation(WRITERS, SectionsRequest)
def save_events(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Events with their recipes, finished-good quantities and targets; recipients."""
    sections = body.model_dump()
    answer = records.save_sections(ctx.bakery, "save_events", sections)
    note(**activity_facts.saved_events_facts(ctx.tenant_id, sections))
    return answer


@operation(WRITERS, SectionsRequest)
def save_equipment(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Mixers (capacity) and ovens (pans per load), each with what one batch of a recipe takes of it."""
    return records.save_sections(ctx.bakery, "save_equipment", body.model_dump())


@operation(WRITERS, DeleteRequest)
def delete_record(ctx: Context, body: DeleteRequest) -> dict[str, Any]:
    """Delete a catalog record, recipe, good or event nothing refers to any more (else 409 naming the users)."""
    return records.delete_record(ctx.bakery, collection=body.collection, key=body.key)


def api_not_found(request: Any) -> tuple[str, int, dict[str, str]]:
    """Hosting rewrites every /api/ path that names no operation here (firebase.json), so a mistyped
    operation is a JSON 404 and never the app's page. Needs no token: it reads and reveals nothing."""
    error = ApiError(404, "not_found", f"no operation at {request.path}")
    return json.dumps(error.body()), 404, {"Content-Type": "application/json"}


# -- AI input and photos: their modules load on first use, so planning's cold start does not pay for them --
def _deferred(module: str, name: str) -> Callable[[Any], Any]:
    def entry_point(request: Any) -> Any:
        return getattr(importlib.import_module(module), name)(request)

    entry_point.__name__ = name
    entry_point.__doc__ = f"{module}.{name} (imported on the first call)"
    return entry_point


upload_photo = _deferred("functions.photos", "upload_photo")
propose_from_text = _deferred("functions.proposals", "propose_from_text")
propose_from_photo = _deferred("functions.proposals", "propose_from_photo")
edit_proposal = _deferred("functions.proposals", "edit_proposal")
confirm_proposal = _deferred("functions.proposals", "confirm_proposal")
reject_proposal = _deferred("functions.proposals", "reject_proposal")
undo_proposal = _deferred("functions.proposals", "undo_proposal")
list_proposals = _deferred("functions.proposals", "list_proposals")
get_proposal = _deferred("functions.proposals", "get_proposal")
receipt_status = _deferred("functions.receipts", "receipt_status")
extract_receipt = _deferred("functions.receipts", "extract_receipt")
receipt_uploaded = _deferred("functions.receipts", "receipt_uploaded")  # a CloudEvent function
register_push_token = _deferred("functions.push", "register_push_token")
unregister_push_token = _deferred("functions.push", "unregister_push_token")
event_reminders = _deferred("functions.push", "event_reminders")  # Cloud Scheduler, daily
get_metrics = _deferred("functions.metrics", "get_metrics")
aggregate_activity = _deferred("functions.metrics", "aggregate_activity")  # Cloud Scheduler, hourly
fold_activity_chunk = _deferred("functions.metrics", "fold_activity_chunk")  # Cloud Tasks, from aggregate_activity
activity.install()  # every observed call leaves an activity record (functions/shared/activity.py)
export_bakery = _deferred("functions.backup", "export_bakery")
restore_bakery = _deferred("functions.backup", "restore_bakery")
get_quotas = _deferred("functions.quotas", "get_quotas")
health = _deferred("functions.health", "health")  # GET /api/health, public: the uptime check
