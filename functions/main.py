"""Every HTTP operation, one functions-framework entry point each (deploy with --entry-point NAME).

Each is a thin adapter: the wrapper verifies the token and role and parses the body;
the function calls the core and returns plain JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from core import services
from core.bakery import Bakery
from core.catalog.references import check_deletable
from core.desktop_format.desktop_export import export_desktop as export_bakery
from core.desktop_format.files import import_file_into
from core.errors import BakeTrackerError
from core.measures.quantities import as_number
from core.planning.event_plan import EventPlan
from core.planning.event_plan import plan_event as plan_for_event
from core.planning.plan_report import plan_to_json, render_shopping_list_text, shopping_by_supplier
from core.repository import COLLECTION_NAMES, UnitOfWork
from core.tenancy import Member, Role, Tenant, accept_invitation, change_role, hash_code, new_invitation, remove_member
from functions.models import (
    AssemblyRequest,
    CreateTenantRequest,
    DeleteRequest,
    EventRequest,
    ImportRequest,
    InviteRequest,
    JoinRequest,
    LevelRequest,
    LossRequest,
    MemberRequest,
    MemberRoleRequest,
    ProductionRequest,
    PurchaseRequest,
    SectionsRequest,
)
from functions.shared.auth import OWNERS, READERS, WRITERS
from functions.shared.errors import ApiError, not_found, short_of_stock
from functions.shared.operation import Context, operation


def _num(value: Any) -> int | float:
    return as_number(value)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _event_slug(bakery: Bakery, name_or_slug: str) -> str:
    event = bakery.find_event(name_or_slug)
    if event is None:
        raise not_found(f"event {name_or_slug!r}", "event")
    return event.slug


def _plan(ctx: Context, body: EventRequest) -> EventPlan:
    bakery = ctx.backend.planning_bakery(ctx.tenant_id)
    return plan_for_event(bakery, _event_slug(bakery, body.event), remaining_only=body.remaining_only)


# -- planning ------------------------------------------------------------------------------
@operation(READERS, EventRequest)
def plan_event(ctx: Context, body: EventRequest) -> dict[str, Any]:
    """Batches, ingredient totals and shopping list for one event."""
    return plan_to_json(_plan(ctx, body))


@operation(READERS, EventRequest)
def shopping_list(ctx: Context, body: EventRequest) -> dict[str, Any]:
    """What to buy for an event, grouped by supplier, plus a printable text."""
    plan = _plan(ctx, body)
    lines = {line["ingredient"]: line for line in plan_to_json(plan)["shopping_list"]}
    return {
        "event": plan.event_name,
        "suppliers": [
            {"supplier": name, "items": [lines[line.ingredient_slug] for line in group]}
            for name, group in shopping_by_supplier(plan)
        ],
        "text": render_shopping_list_text(plan),
        "warnings": list(plan.warnings),
    }


# -- portability ---------------------------------------------------------------------------
@operation(READERS, None, methods=("GET", "POST"))
def export_desktop(ctx: Context, body: None) -> dict[str, Any]:
    """The whole bakery in the desktop's JSON format."""
    with ctx.backend.unit_of_work(ctx.tenant_id, read_only=True) as uow:
        return export_bakery(uow.load_bakery())


@operation(WRITERS, ImportRequest)
def import_desktop(ctx: Context, body: ImportRequest) -> dict[str, Any]:
    """Merge a desktop export or a mobile file: all or nothing; `dry_run` reports what would change."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        before = uow.load_bakery()
        result = import_file_into(before, body.data)
        if not result.ok:
            raise ApiError(400, "invalid_file", f"{len(result.problems)} problem(s); nothing was imported",
                           result.problems[0].field, [p.as_dict() for p in result.problems[:200]])
        changed = _changed(before, result.bakery)
        if not body.dry_run:
            _write_changes(uow, before, result.bakery)
            uow.commit()
    return {"dry_run": body.dry_run, "changed": changed, "added": result.added, "notices": result.notices}


def _changed(before: Any, after: Any) -> dict[str, int]:
    counts = {}
    for name in COLLECTION_NAMES:
        old, new = getattr(before, name), getattr(after, name)
        n = sum(1 for k, v in new.items() if old.get(k) != v)
        if n:
            counts[name] = n
    return counts


def _write_changes(uow: UnitOfWork, before: Any, after: Any) -> None:
    for name in COLLECTION_NAMES:
        old, new = getattr(before, name), getattr(after, name)
        collection = getattr(uow, name)
        for key, item in new.items():
            if old.get(key) != item:
                collection.put(item)


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
    return {"tenant_id": tenant.id, "name": tenant.name, "role": "owner", "refresh_token": True}


@operation(OWNERS, InviteRequest)
def invite_member(ctx: Context, body: InviteRequest) -> dict[str, Any]:
    """A one-time code (valid 7 days) for someone to join as `role`."""
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
    found = ctx.backend.invitation(hash_code(body.code))
    tenant_id, invitation = found if found else ("", None)
    member = accept_invitation(invitation, ctx.caller.uid, ctx.caller.email, _now())
    if invitation is not None:
        ctx.backend.save_invitation(tenant_id, replace(invitation, accepted_by=ctx.caller.uid))
    ctx.backend.save_member(tenant_id, member)
    ctx.backend.set_claims(ctx.caller.uid, {"tenant_id": tenant_id, "role": member.role.value})
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
    return {"uid": member.uid, "removed": True}



# -- purchases, stock and production -------------------------------------------------------
def _stable_id(prefix: str, ctx: Context) -> str | None:
    if ctx.idempotency_key is None:
        return None
    digest = hashlib.sha256(f"{ctx.tenant_id}\0{ctx.idempotency_key}".encode()).hexdigest()[:24]
    return f"{prefix}-{digest}"


def _product_id(uow: UnitOfWork, product_id: str | None, upc: str | None) -> str:
    if product_id:
        if uow.products.get(product_id) is None:
            raise not_found(f"product {product_id!r}", "product_id")
        return product_id
    from core.desktop_format.mobile_import import product_by_upc

    product = product_by_upc(uow.load_bakery(frozenset({"products"})), upc or "")
    if product is None:
        raise not_found(f"product with UPC {upc!r}", "upc")
    return product.id


@operation(WRITERS, PurchaseRequest)
def add_purchase(ctx: Context, body: PurchaseRequest) -> dict[str, Any]:
    """Whole packages bought: one purchase and its lot. Send Idempotency-Key to make retries safe."""
    purchase_id = _stable_id("purchase", ctx)
    with ctx.backend.unit_of_work(ctx.tenant_id, read_only=True) as lookup:  # plain reads: no transaction to begin
        earlier = lookup.purchases.get(purchase_id) if purchase_id is not None else None
        if earlier is not None:
            return {"purchase_id": earlier.id, "replayed": True}
        product_id = _product_id(lookup, body.product_id, body.upc)
        if body.supplier and lookup.suppliers.get(body.supplier) is None:
            raise not_found(f"supplier {body.supplier!r}", "supplier")
    purchase, lot = services.record_purchase(
        ctx.backend.unit_of_work(ctx.tenant_id), product_id=product_id, packages=body.packages,
        unit_price=body.unit_price, purchased_on=body.purchased_on, supplier_slug=body.supplier, notes=body.notes,
        purchase_id=purchase_id,
    )
    return {"purchase_id": purchase.id, "lot_id": lot.id, "quantity": _num(lot.quantity), "unit": lot.unit,
            "unit_cost": _num(lot.unit_cost) if lot.unit_cost is not None else None, "replayed": False}


@operation(WRITERS, LevelRequest)
def set_inventory_level(ctx: Context, body: LevelRequest) -> dict[str, Any]:
    """"This bag is 40% full": the product's oldest lot with stock becomes that share of one package."""
    check = services.set_remaining_percentage(
        ctx.backend.unit_of_work(ctx.tenant_id), percentage=body.remaining_percentage, product_id=body.product_id,
        upc=body.upc, notes=body.notes,
    )
    return {"lot_id": check.lot.id, "quantity": _num(check.lot.quantity), "unit": check.lot.unit,
            "previous": _num(check.previous)}


@operation(WRITERS, LossRequest)
def record_loss(ctx: Context, body: LossRequest) -> dict[str, Any]:
    """Spoiled or spilled stock, taken by FIFO with a reason."""
    from core.measures.units import parse_unit

    taken = services.record_loss(
        ctx.backend.unit_of_work(ctx.tenant_id), ingredient_slug=body.ingredient, amount=body.amount,
        unit=parse_unit(body.unit, where="unit").code, reason=body.reason, notes=body.notes,
    )
    return {"depletions": [d.id for d in taken.depletions]}


@operation(WRITERS, ProductionRequest)
def record_production(ctx: Context, body: ProductionRequest) -> dict[str, Any]:
    """Batches baked: ingredients leave their lots by FIFO, nested recipes included; refused whole if short.

    An ingredient whose lots cannot be converted is recorded anyway and listed in `not_deducted`.
    """
    from core.planning.event_history import production_run_json
    from core.planning.events import Loss, LossCategory

    bakery = ctx.backend.planning_bakery(ctx.tenant_id)
    recipe = bakery.find_recipe(body.recipe)
    if recipe is None:
        raise not_found(f"recipe {body.recipe!r} (give its slug, or a name only one recipe has)", "recipe")
    unit = body.finished_unit
    if unit is not None and unit not in bakery.finished_units:
        unit = next((fu.slug for fu in bakery.finished_units_of(recipe.slug)
                     if fu.display_name.casefold() == unit.strip().casefold()), unit)
    with _request_fields(PRODUCTION_FIELDS):
        result = services.record_production_run(
            ctx.backend.unit_of_work(ctx.tenant_id), recipe_slug=recipe.slug, batches=body.batches,
            finished_unit_slug=unit, actual_yield=body.actual_yield,
            losses=[Loss(LossCategory(x.category), x.quantity, x.notes) for x in body.losses],
            event_slug=_event_ref(bakery, body.event), notes=body.notes, run_id=_stable_id("run", ctx),
        )
    return production_run_json(result.run)


PRODUCTION_FIELDS = {"recipe_slug": "recipe", "finished_unit_slug": "finished_unit", "event_slug": "event"}
ASSEMBLY_FIELDS = {"finished_good_slug": "finished_good", "event_slug": "event"}


def _event_ref(bakery: Bakery, event: str | None) -> str | None:
    """An event named by slug or by name ("Winter Market 2026"); None for a run made for no event."""
    return None if event is None else _event_slug(bakery, event)


@contextlib.contextmanager
def _request_fields(names: dict[str, str]) -> Iterator[None]:
    """Errors from the core name the core's arguments; the caller sent the request's fields."""
    try:
        yield
    except BakeTrackerError as exc:
        exc.field = names.get(exc.field or "", exc.field)
        raise


@operation(WRITERS, AssemblyRequest)
def record_assembly(ctx: Context, body: AssemblyRequest) -> dict[str, Any]:
    """Bundles put together from finished stock and packaging; refused if short (unconvertible packaging: listed)."""
    from core.planning.event_history import assembly_run_json
    from core.stock.fifo import ShortOfStockError

    bakery = ctx.backend.planning_bakery(ctx.tenant_id)
    good = bakery.find_finished_good(body.finished_good)
    if good is None:
        raise not_found(f"finished good {body.finished_good!r} (give its slug, or a name only one good has)",
                        "finished_good")
    try:
        with _request_fields(ASSEMBLY_FIELDS):
            result = services.record_assembly_run(
                ctx.backend.unit_of_work(ctx.tenant_id), finished_good_slug=good.slug, quantity=body.quantity,
                event_slug=_event_ref(bakery, body.event), notes=body.notes, run_id=_stable_id("assembly", ctx),
            )
    except ShortOfStockError as exc:  # its details name finished units, goods and packaging `item`
        raise short_of_stock(exc, item="item") from exc
    return assembly_run_json(result.run)


# -- catalog, recipes, finished goods, events ----------------------------------------------
# Records are written in the desktop's format (the same the import reads), so every check of an
# import applies: units, references, cycles, all or nothing.
SECTIONS = {
    "save_catalog": ("suppliers", "ingredients", "products", "materials", "material_products"),
    "save_recipes": ("recipes", "finished_units"),
    "save_finished_goods": ("finished_goods", "compositions"),
    "save_events": ("events", "event_recipes", "event_finished_goods", "event_production_targets",
                    "event_assembly_targets", "recipients"),
}


def _save_sections(ctx: Context, body: SectionsRequest, operation: str) -> dict[str, Any]:
    allowed = SECTIONS[operation]
    data = body.model_dump()
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApiError(400, "invalid", f"{operation} takes {', '.join(allowed)}; not {', '.join(unknown)}",
                       unknown[0])
    if not any(data.get(section) for section in allowed):
        raise ApiError(400, "invalid", f"nothing to save: give one of {', '.join(allowed)}", allowed[0])
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        before = uow.load_bakery()
        result = import_file_into(before, data, placeholders=False)
        if not result.ok:
            raise ApiError(400, "invalid_records", f"{len(result.problems)} problem(s); nothing was saved",
                           result.problems[0].field, [p.as_dict() for p in result.problems[:200]])
        changed = _changed(before, result.bakery)
        _write_changes(uow, before, result.bakery)
        uow.commit()
    return {"changed": changed, "notices": result.notices}


@operation(WRITERS, SectionsRequest)
def save_catalog(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Suppliers, ingredients, products and packaging materials (desktop format), all or nothing."""
    return _save_sections(ctx, body, "save_catalog")


@operation(WRITERS, SectionsRequest)
def save_recipes(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Recipes with their ingredients, nested components, variants and finished units."""
    return _save_sections(ctx, body, "save_recipes")


@operation(WRITERS, SectionsRequest)
def save_finished_goods(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Finished goods and their bundle compositions (cycles are refused)."""
    return _save_sections(ctx, body, "save_finished_goods")


@operation(WRITERS, SectionsRequest)
def save_events(ctx: Context, body: SectionsRequest) -> dict[str, Any]:
    """Events with their recipes, finished-good quantities and targets; recipients."""
    return _save_sections(ctx, body, "save_events")


@operation(WRITERS, DeleteRequest)
def delete_record(ctx: Context, body: DeleteRequest) -> dict[str, Any]:
    """Delete a catalog record, recipe, good or event nothing refers to any more (else 409 naming the users)."""
    with ctx.backend.unit_of_work(ctx.tenant_id) as uow:
        check_deletable(uow.load_bakery(), body.collection, body.key)
        getattr(uow, body.collection).delete(body.key)
        uow.commit()
    return {"deleted": {"collection": body.collection, "key": body.key}}


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
receipt_status = _deferred("functions.receipts", "receipt_status")
extract_receipt = _deferred("functions.receipts", "extract_receipt")
receipt_uploaded = _deferred("functions.receipts", "receipt_uploaded")  # a CloudEvent function
