"""The MCP tools: what an AI agent may do with the caller's bakery.

Reading tools answer at once. Writing tools never change the bakery by themselves: `add_purchase`,
`adjust_inventory` and `create_event` store a *proposal* (source `agent`) that a person confirms in the app,
or that an owner or baker confirms with `confirm_proposal`. Arguments are the strict operation schemas the
functions and Gemini use (`adapters.operation_schemas`): quantities and prices > 0, UN/CEFACT unit codes,
bounded strings. Every failure is a tool error naming the field and the reason; another bakery's ids are
simply not found.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field
from pydantic import ValidationError as SchemaError

from adapters import proposal_answers as answers
from adapters.operation_schemas import (
    AddPurchaseArgs,
    AdjustInventoryArgs,
    Amount,
    CreateEventArgs,
    EventItem,
    EventQuantity,
    InventoryLoss,
    IsoDate,
    Level,
    Name,
    RecordProductionArgs,
    Remaining,
    SetEventQuantitiesArgs,
    UnitCode,
    Upc,
    validate_draft,
)
from adapters.proposal_answers import confirm_validated, proposal_json
from core.application import planning
from core.application.context import BakeryContext
from core.errors import BakeTrackerError, ValidationError
from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import ProposalStatus, Source
from core.speech.operations import SAID, Operation, ParsedInput
from functions.shared import activity
from functions.shared.backend import Backend
from functions.shared.errors import ApiError
from functions.shared.limits import agent_charges, spend
from mcp_service.auth import caller_claims, require_writer
from mcp_service.observed import observe_tools

R = TypeVar("R")
READ = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
PROPOSE = ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False)
DECIDE = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=False)
Query = Annotated[str, Field(min_length=1, max_length=200, description="words to look for (case-insensitive)")]
Limit = Annotated[int, Field(ge=1, le=100, description="at most this many results")]
ProposalId = Annotated[str, Field(min_length=1, max_length=200, description="the proposal_id a writing tool returned")]
INSTRUCTIONS = (
    "BakeTracker plans a bakery's production for events: batches per recipe (never underproducing), the "
    "ingredients they take, what is on hand and what to buy; it also scales a recipe by an ingredient on hand "
    "(scale_recipe), says what the stock can bake now (can_make) and what an event costs (event_cost). "
    "Units are UN/CEFACT codes (LBR pound, KGM, GRM, "
    "ONZ ounce, MLT, LTR, G21 cup, G24 tablespoon, G25 teaspoon, H87 piece, DZN dozen). Writing tools create "
    "proposals that a person reviews; say so to the user and give them the review link."
)


def build_server(backend: Backend, *, app_url: str = "", **settings: Any) -> MCPServer:
    """The MCP server over `backend` (Firestore in production, memory in tests); `app_url` for review links."""
    server = MCPServer(name="baketracker", title="BakeTracker", instructions=INSTRUCTIONS, version="1", **settings)
    observe_tools(server)  # every tool call is observed and leaves an activity record (no content)
    activity.install(backend)

    async def run(work: Callable[[BakeryContext], R], *, write: bool = False) -> R:
        claims = caller_claims()
        if write:
            require_writer(claims)
        ctx = BakeryContext(backend, str(claims["tenant_id"]), str(claims.get("uid") or ""))
        try:
            return await anyio.to_thread.run_sync(work, ctx)
        except (BakeTrackerError, ApiError) as exc:
            field = getattr(exc, "field", None)
            raise ToolError(f"{field}: {exc.message}" if field else exc.message) from exc

    def propose(op: str, args: dict[str, Any], uid: str) -> Callable[[BakeryContext], dict[str, Any]]:
        apply_directly = bool(caller_claims().get("apply_directly"))  # read here: the work runs in a thread

        def work(ctx: BakeryContext) -> dict[str, Any]:
            spend(backend, agent_charges(ctx.tenant_id, uid or "agent", reading=False))  # 429-style ToolError
            cleaned, issues = validate_draft(op, args)
            parsed = ParsedInput(f"{op} by an agent", "unknown",
                                 [Operation(op, cleaned, {k: SAID for k in cleaned})],
                                 [f"{i.field}: {i.problem}" for i in issues])
            operations, unresolved = draft_operations(parsed, ctx.catalog())
            with ctx.unit_of_work() as uow:
                proposal = service.submit(uow, source=Source.AGENT, operations=operations, by=uid or "agent",
                                          model="agent", notes=unresolved)
            activity.noted(proposal)
            if apply_directly:  # the owner let this key apply its writes at once
                applied = proposal_json(activity.noted(confirm_validated(ctx, proposal.id), made_here=True))
                return {**applied, "review_url": f"{app_url.rstrip('/')}/proposals/{proposal.id}",
                        "note": "applied at once (this key may); undo_proposal reverses it"}
            return {**proposal_json(proposal), "review_url": f"{app_url.rstrip('/')}/proposals/{proposal.id}",
                    "note": "nothing is saved until a person (or confirm_proposal) confirms it"}

        return work

    def strict(model: type[Any], **args: Any) -> dict[str, Any]:
        """The strict schema's cross-field checks (packages × size = quantity, one level, …), as tool errors."""
        try:
            return dict(model(**args).model_dump(exclude_none=True))
        except SchemaError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "arguments"
            raise ToolError(f"{where}: {error['msg']}") from exc

    @server.tool(annotations=READ)
    async def plan_event(event: Name, remaining_only: bool = False) -> dict[str, Any]:
        """The production plan of an event, named by its name ("Winter Market 2026") or slug: batches per recipe
        (rounded up, never underproducing), yield and surplus per finished unit, every ingredient's total in one
        unit, what is on hand and what to buy. `remaining_only`: only the batches not yet baked."""
        return await run(lambda ctx: planning.event_plan(ctx, event=event, remaining_only=remaining_only))

    @server.tool(annotations=READ)
    async def get_shopping_list(event: Name, remaining_only: bool = False) -> dict[str, Any]:
        """What to buy for an event, grouped by store, in whole packages of the preferred products, with a
        printable text."""
        return await run(lambda ctx: planning.shopping_list(ctx, event=event, remaining_only=remaining_only))

    @server.tool(annotations=READ)
    async def scale_recipe(recipe: Name, ingredient: Name, amount: Amount, unit: UnitCode) -> dict[str, Any]:
        """A recipe (slug or name) scaled so that it uses `amount` `unit` of one ingredient on hand ("I have 3 lb
        of butter": ingredient butter, amount 3, unit LBR): the factor, every line (nested recipes too) in its own
        unit, what a batch then yields, and the formula in baker's percentages (flour = 100 %; a line that cannot
        be weighed says why)."""
        return await run(lambda ctx: planning.scale_recipe(ctx, recipe=recipe, ingredient=ingredient, amount=amount,
                                                           unit=unit))

    @server.tool(annotations=READ)
    async def can_make(event: Name) -> dict[str, Any]:
        """What the stock on hand can bake for an event: whole batches per recipe (stock shared out recipe by
        recipe, never counted twice), pieces per finished unit, the ingredient that limits each recipe, and what to
        buy to finish the rest (packages of the preferred products)."""
        return await run(lambda ctx: planning.can_make(ctx, event=event))

    @server.tool(annotations=READ)
    async def event_cost(event: Name, remaining_only: bool = False) -> dict[str, Any]:
        """What an event costs: each recipe's batches priced from the lots FIFO would use, the rest at the
        bakery's last price; per batch, per finished unit and per ordered good (with a suggested price where the
        good has a target margin); lines with no price named; planned against the cost production runs recorded."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            tenant = backend.tenant(ctx.tenant_id)
            return planning.event_cost(ctx, event=event, remaining_only=remaining_only,
                                       currency=tenant.settings.currency if tenant else "USD")

        return await run(work)

    @server.tool(annotations=READ)
    async def list_recipes(query: Query | None = None, limit: Limit = 50) -> dict[str, Any]:
        """The bakery's recipes (optionally those whose name contains `query`), each with what one batch yields."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            bakery = ctx.catalog()
            wanted = (query or "").casefold()
            recipes = [r for r in sorted(bakery.recipes.values(), key=lambda r: r.name) if wanted in r.name.casefold()]
            return {"recipes": [{"slug": r.slug, "name": r.name, "category": r.category,
                                 "finished_units": [{"slug": u.slug, "name": u.display_name,
                                                     "per_batch": float(u.units_per_batch), "unit": u.item_unit}
                                                    for u in bakery.finished_units_of(r.slug)]}
                                for r in recipes[:limit]], "more": max(0, len(recipes) - limit)}

        return await run(work)

    def recipe_json(ctx: BakeryContext, recipe: str) -> dict[str, Any]:
        bakery = ctx.catalog()
        found = bakery.find_recipe(recipe)
        if found is None:
            raise ToolError(f"recipe: no recipe {recipe!r} (give its slug, or a name only one recipe has)")
        names = {i.slug: i.display_name for i in bakery.ingredients.values()}
        variants = sorted(r.slug for r in bakery.recipes.values() if r.base_recipe_slug == found.slug)
        return {"slug": found.slug, "name": found.name, "category": found.category,
                "base_recipe": found.base_recipe_slug, "variant_name": found.variant_name, "variants": variants,
                "ingredients_per_batch": [{"ingredient": line.ingredient_slug,
                                           "name": names.get(line.ingredient_slug, line.ingredient_slug),
                                           "quantity": float(line.quantity), "unit": line.unit}
                                          for line in found.ingredients],
                "components": [{"recipe": c.recipe_slug, "batches_per_batch": float(c.quantity)}
                               for c in found.components],
                "finished_units": [{"slug": u.slug, "name": u.display_name, "per_batch": float(u.units_per_batch),
                                    "unit": u.item_unit} for u in bakery.finished_units_of(found.slug)]}

    @server.tool(annotations=READ)
    async def get_recipe(recipe: Name) -> dict[str, Any]:
        """One recipe by slug or name: its ingredients per batch (UN/CEFACT units), nested recipes (components),
        variants, and what a batch yields."""
        return await run(lambda ctx: recipe_json(ctx, recipe))

    def events_json(ctx: BakeryContext) -> dict[str, Any]:
        bakery = ctx.catalog()
        return {"events": [{"slug": e.slug, "name": e.name,
                            "date": e.event_date.isoformat() if e.event_date else None,
                            "state": e.plan_state.value,
                            "finished_goods": [{"finished_good": g.finished_good_slug, "quantity": float(g.quantity)}
                                               for g in e.finished_goods]}
                           for e in sorted(bakery.events.values(), key=lambda e: (e.event_date or dt.date.min,
                                                                                   e.slug))]}

    @server.tool(annotations=READ)
    async def list_events() -> dict[str, Any]:
        """The bakery's events (oldest first) with the finished goods each needs."""
        return await run(events_json)

    @server.tool(annotations=READ)
    async def search_catalog(query: Query, limit: Limit = 20) -> dict[str, Any]:
        """Ingredients and products whose name, brand or slug contains `query` (use before proposing a purchase)."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            bakery = ctx.catalog()
            wanted = query.casefold()
            ingredients = [i for i in sorted(bakery.ingredients.values(), key=lambda i: i.slug)
                           if wanted in i.display_name.casefold() or wanted in i.slug.casefold()]
            products = [p for p in sorted(bakery.products.values(), key=lambda p: p.id)
                        if wanted in p.label.casefold() or wanted in p.ingredient_slug.casefold()]
            return {"ingredients": [{"slug": i.slug, "name": i.display_name, "category": i.category}
                                    for i in ingredients[:limit]],
                    "products": [{"product_id": p.id, "name": p.label, "ingredient": p.ingredient_slug,
                                  "package": f"{float(p.package_unit_quantity):g} {p.package_unit}", "upc": p.upc}
                                 for p in products[:limit]]}

        return await run(work)

    @server.tool(annotations=READ)
    async def list_inventory(ingredient: Query | None = None, limit: Limit = 100) -> dict[str, Any]:
        """Lots in stock (oldest first, as FIFO uses them): remaining quantity and unit, cost per unit, purchase
        date; optionally only an ingredient's (slug or words of its name)."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            bakery = ctx.catalog()
            wanted = (ingredient or "").casefold()
            names = {i.slug: i.display_name for i in bakery.ingredients.values()}
            lots = sorted((lot for lot in bakery.lots.values() if lot.quantity > 0 and (
                wanted in lot.ingredient_slug.casefold() or wanted in names.get(lot.ingredient_slug, "").casefold())),
                key=lambda lot: (lot.purchased_on or dt.date.min, lot.id))
            return {"lots": [{"lot_id": lot.id, "ingredient": lot.ingredient_slug, "product_id": lot.product_id,
                              "quantity": float(lot.quantity), "unit": lot.unit,
                              "unit_cost": float(lot.unit_cost) if lot.unit_cost is not None else None,
                              "purchased_on": lot.purchased_on.isoformat() if lot.purchased_on else None}
                             for lot in lots[:limit]], "more": max(0, len(lots) - limit)}

        return await run(work)

    @server.tool(annotations=PROPOSE)
    async def add_purchase(item_name: Name, quantity: Amount, unit: UnitCode, price: Amount, store: Name | None = None,
                           purchased_on: IsoDate | None = None, brand: Name | None = None, upc: Upc | None = None,
                           receipt_image_url: Annotated[str, Field(max_length=2000)] | None = None
                           ) -> dict[str, Any]:
        """Propose a purchase for a person to confirm: `quantity` and `unit` are the TOTAL bought (two 5 lb bags:
        10 LBR), `price` the total paid for the line (> 0), `store` where. Returns the proposal and its review
        link; nothing is saved until it is confirmed."""
        claims = caller_claims()
        require_writer(claims)
        args = strict(AddPurchaseArgs, item_name=item_name, quantity=quantity, unit=unit, price=price, store=store,
                      purchased_on=purchased_on, brand=brand, upc=upc)
        proposal = await run(propose("add_purchase", args, str(claims.get("uid") or "")), write=True)
        if receipt_image_url:
            proposal["receipt_image_url"] = receipt_image_url
        return proposal

    @server.tool(annotations=PROPOSE)
    async def adjust_inventory(item_name: Name, remaining_percentage: Level | None = None,
                               quantity: Remaining | None = None, unit: UnitCode | None = None,
                               loss: InventoryLoss | None = None) -> dict[str, Any]:
        """Propose what is left of an item: `remaining_percentage` of its package (0–100), or a `quantity` left
        with its `unit`, and/or a `loss` (quantity, unit, reason). A person confirms it."""
        claims = caller_claims()
        require_writer(claims)
        args = strict(AdjustInventoryArgs, item_name=item_name, remaining_percentage=remaining_percentage,
                      quantity=quantity, unit=unit, loss=loss)
        return await run(propose("adjust_inventory", args, str(claims.get("uid") or "")), write=True)

    @server.tool(annotations=PROPOSE)
    async def create_event(name: Name, date: IsoDate,
                           items: Annotated[list[EventItem], Field(min_length=1, max_length=200)]) -> dict[str, Any]:
        """Propose an event to bake for: its name, day (YYYY-MM-DD) and the finished goods it needs with whole
        quantities (finished goods by name; see list_recipes). A person confirms it."""
        claims = caller_claims()
        require_writer(claims)
        args = strict(CreateEventArgs, name=name, date=date, items=items)
        return await run(propose("create_event", args, str(claims.get("uid") or "")), write=True)

    @server.tool(annotations=PROPOSE)
    async def set_event_quantities(event: Name,
                                   items: Annotated[list[EventQuantity], Field(min_length=1, max_length=200)]
                                   ) -> dict[str, Any]:
        """Propose a draft event's finished goods with whole quantities (the whole list: a good left out is
        dropped). A person confirms it; undo restores the event as it was."""
        claims = caller_claims()
        require_writer(claims)
        args = strict(SetEventQuantitiesArgs, event=event, items=items)
        return await run(propose("set_event_quantities", args, str(claims.get("uid") or "")), write=True)

    @server.tool(annotations=PROPOSE)
    async def record_production(recipe: Name, batches: Annotated[Amount, Field(le=10000)],
                                finished_unit: Name | None = None, event: Name | None = None,
                                notes: Annotated[str, Field(max_length=2000)] = "") -> dict[str, Any]:
        """Propose batches actually baked of a recipe (name or slug), of one finished unit when it has several,
        for an event or none. Once confirmed, its ingredients leave stock by FIFO (what cannot be converted is
        named, not guessed) and the event's progress counts it."""
        claims = caller_claims()
        require_writer(claims)
        args = strict(RecordProductionArgs, recipe=recipe, batches=batches, finished_unit=finished_unit, event=event,
                      notes=notes)
        return await run(propose("record_production", args, str(claims.get("uid") or "")), write=True)

    @server.tool(annotations=PROPOSE)
    async def propose_from_text(text: Annotated[str, Field(min_length=1, max_length=2000)]) -> dict[str, Any]:
        """Propose what a sentence says was bought, is left, was lost, or is to be baked for an event ("I bought
        two pounds of flour at Costco for $8 and a dozen eggs for $4"), read as the app reads speech. A person
        confirms it; nothing is saved before."""
        claims = caller_claims()
        require_writer(claims)

        def work(ctx: BakeryContext) -> dict[str, Any]:
            spend(backend, agent_charges(ctx.tenant_id, ctx.uid or "agent", reading=True))
            try:
                proposal = answers.propose_from_text(ctx, text=text, source=Source.AGENT)
            except ValidationError as exc:
                raise ToolError(f"text: {exc.message}") from exc
            return {**proposal_json(activity.noted(proposal)),
                    "review_url": f"{app_url.rstrip('/')}/proposals/{proposal.id}"}

        return await run(work, write=True)

    @server.tool(annotations=READ)
    async def list_proposals(status: Annotated[str, Field(pattern="^(proposed|confirmed|rejected|undone)$")]
                             | None = None, limit: Limit = 20) -> dict[str, Any]:
        """Proposals newest first (AI or agent suggestions, and what people confirmed)."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            with ctx.unit_of_work(read_only=True) as uow:
                found = service.listing(uow, status=ProposalStatus(status) if status else None, limit=limit)
            return {"proposals": [proposal_json(p) for p in found]}

        return await run(work)

    @server.tool(annotations=READ)
    async def get_proposal(proposal_id: ProposalId) -> dict[str, Any]:
        """One proposal: what was read ("proposed"), what it says now ("args"), what a person changed, and once
        confirmed what was saved."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            with ctx.unit_of_work(read_only=True) as uow:
                return {**proposal_json(answers.existing(uow, proposal_id)),
                        "review_url": f"{app_url.rstrip('/')}/proposals/{proposal_id}"}

        return await run(work)

    @server.tool(annotations=DECIDE)
    async def confirm_proposal(proposal_id: ProposalId) -> dict[str, Any]:
        """Apply a proposal's operations in one transaction (owners and bakers only). Only when the user has
        reviewed it and asked you to confirm."""
        return await run(lambda ctx: proposal_json(activity.noted(confirm_validated(ctx, proposal_id))), write=True)

    @server.tool(annotations=DECIDE)
    async def undo_proposal(proposal_id: ProposalId) -> dict[str, Any]:
        """Reverse a confirmed proposal if nothing depends on it since (else an error naming what does)."""
        def work(ctx: BakeryContext) -> dict[str, Any]:
            with ctx.unit_of_work() as uow:
                return proposal_json(activity.noted(service.undo(uow, proposal_id, by=ctx.uid)))

        return await run(work, write=True)

    @server.resource("bakery://events", mime_type="application/json", description="The bakery's events")
    async def events_resource() -> str:
        return json.dumps(await run(events_json))

    @server.resource("bakery://recipes", mime_type="application/json", description="The bakery's recipes")
    async def recipes_resource() -> str:
        return json.dumps(await list_recipes(None, 100))

    @server.resource("bakery://inventory", mime_type="application/json",
                     description="Lots in stock, oldest first")
    async def inventory_resource() -> str:
        return json.dumps(await list_inventory(None, 100))

    @server.resource("bakery://recipes/{recipe}", mime_type="application/json", description="One recipe")
    async def recipe_resource(recipe: str) -> str:
        return json.dumps(await run(lambda ctx: recipe_json(ctx, recipe)))

    @server.prompt()
    def plan_my_event(event: str) -> str:
        """Plan an event and say what to buy."""
        return (f"Plan the event {event!r} with plan_event, then get_shopping_list for it. Tell me the batches per "
                "recipe, anything short, and what to buy at each store in whole packages. Do not record purchases "
                "unless I ask; if I do, propose them with add_purchase and give me the review link.")

    return server
