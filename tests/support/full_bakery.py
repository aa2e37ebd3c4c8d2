"""A bakery with something in every collection, built through the functions as its people would
(issue 14's backup test): the desktop sample and winter plans imported, purchases, AI proposals confirmed
as read, edited, rejected and undone, a receipt photo read into a proposal, production runs with losses, an
assembly, a loss and a level check, equipment, settings, a second member, an API key and a push token.

`post(operation, body) -> (status, json)` calls a function as the bakery's owner; `bakery()` reads it now.
Shared by tests/functions/test_backup_restore.py (memory) and tests/integration/ (Firestore emulator).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from core.bakery import Bakery
from tests.functions.demo_baker import EVENT, bake_buying_what_is_short, buy, demo_data

Post = Callable[[str, Any], tuple[int, Any]]

EQUIPMENT = [
    {"slug": "hobart", "name": "20-qt Hobart", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
     "recipes": [{"recipe_slug": "gingerbread-chai-cookies", "batch_size": 8, "batch_unit": "qt"}]},
    {"slug": "deck", "name": "Deck oven", "kind": "oven", "pans_per_load": 4,
     "recipes": [{"recipe_name": "Gingerbread Chai Cookies", "pans_per_batch": 3}]},
]


def ok(answer: tuple[int, Any]) -> Any:
    status, body = answer
    assert status == 200, body
    return body


def receipt_png() -> bytes:
    """A small, real PNG (the upload checks that it decodes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 480), "white")
    ImageDraw.Draw(image).text((20, 20), "CORNER SHOP\nFLOUR 5LB 4.29\nTOTAL 4.29", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def fill_bakery(post: Post, backend: Any, tenant: str, photos: Any, *, owner: str,
                member: Post | None = None) -> dict[str, Any]:
    """Everything a bakery keeps; answers what was made (proposal ids by fate, run ids, the receipt's photo path).

    `backend` is the functions' backend (memory or Firestore), `photos` the photo store the functions use.
    """
    def bakery() -> Bakery:
        with backend.unit_of_work(tenant, read_only=True) as uow:
            found: Bakery = uow.load_bakery()
        return found

    for data in demo_data():
        ok(post("import_desktop", {"data": data}))
    ok(post("save_bakery_settings", {"unit_system": "metric", "currency": "EUR"}))
    ok(post("save_equipment", {"equipment": EQUIPMENT}))
    made: dict[str, Any] = {}
    # AI proposals: confirmed as read, edited then confirmed, rejected, confirmed then undone, one left proposed
    flour = next(p.id for p in bakery().products.values() if p.ingredient_slug == "flour_all_purpose")
    as_read = ok(post("propose_from_text", {"text": "a 25 lb bag of flour at Costco for $14"}))["proposal_id"]
    ok(post("edit_proposal", {"proposal_id": as_read, "changes": [{"index": 0, "args": {"product_id": flour}}]}))
    ok(post("confirm_proposal", {"proposal_id": as_read}))
    edited = ok(post("propose_from_text", {"text": "two 25 lb bags of flour at Costco for $29"}))["proposal_id"]
    ok(post("edit_proposal", {"proposal_id": edited, "changes": [{"index": 0, "args": {"product_id": flour,
                                                                                          "price": 13.75}}]}))
    ok(post("confirm_proposal", {"proposal_id": edited}))
    rejected = ok(post("propose_from_text", {"text": "I bought saffron for $7"}))["proposal_id"]
    ok(post("reject_proposal", {"proposal_id": rejected, "reason": "not ours"}))
    undone = ok(post("propose_from_text", {"text": "a 25 lb bag of flour for $15"}))["proposal_id"]
    ok(post("edit_proposal", {"proposal_id": undone, "changes": [{"index": 0, "args": {"product_id": flour}}]}))
    ok(post("confirm_proposal", {"proposal_id": undone}))
    ok(post("undo_proposal", {"proposal_id": undone}))
    ok(post("propose_from_text", {"text": "butter is half gone"}))
    made["proposals"] = {"as_read": as_read, "edited": edited, "rejected": rejected, "undone": undone}
    made["receipt_photo"] = _read_receipt(backend, tenant, photos, owner)
    # a purchase, a level check, a loss
    ok(post("add_purchase", {"product_id": flour, "packages": 2, "unit_price": "4.19", "purchased_on": "2026-11-20"}))
    ok(post("set_inventory_level", {"product_id": flour, "remaining_percentage": "62.5"}))
    ok(post("record_loss", {"ingredient": "flour_all_purpose", "amount": "1.5", "unit": "cup", "reason": "spoilage"}))
    # production for the event (buying what is short), one run with losses, and an assembly of what was made
    units = sorted(bakery().finished_units.values(), key=lambda u: u.slug)[:2]
    made["runs"] = [bake_buying_what_is_short(post, bakery, u.slug, u.recipe_slug).final["run_id"] for u in units]
    first = units[0]
    with_losses = {"recipe": first.recipe_slug, "batches": 1, "finished_unit": first.slug, "event": EVENT,
                   "actual_yield": "0", "losses": [{"category": "burnt", "quantity": "1", "notes": "oven 3"}]}
    status, answer = post("record_production", with_losses)
    if status == 409:
        for shortage in answer["error"]["details"]:
            buy(post, bakery, shortage)
        status, answer = post("record_production", with_losses)
    made["runs"].append(ok((status, answer))["run_id"])
    good = next(g for g in sorted(bakery().finished_goods.values(), key=lambda g: g.slug)
                if [(c.kind.value, c.slug) for c in g.components] == [("finished_unit", first.slug)])
    made["assembly"] = ok(post("record_assembly", {"finished_good": good.slug, "quantity": 1, "event": EVENT}))
    # people and devices: a baker, an agent's key, a push token (never exported)
    code = ok(post("invite_member", {"role": "baker", "email": "rob@example.com"}))["code"]
    made["invitation_code"] = code
    ok(post("create_api_key", {"name": "Shelf scanner"}))
    ok(post("register_push_token", {"token": "owner-device-token:APA91b0000000000000", "locale": "de"}))
    return made


def _read_receipt(backend: Any, tenant: str, photos: Any, owner: str) -> str:
    """A receipt photo stored and read into a proposal, as upload_photo and extract_receipt do."""
    from core.proposals import receipt_scans, service
    from core.proposals.drafting import draft_operations
    from core.proposals.model import Source
    from core.receipts.lines import read_receipt_text
    from core.speech.operations import ParsedInput
    from tests.support.confirm_receipts import TODAY

    data = receipt_png()
    photo_id = hashlib.sha256(data).hexdigest()[:32]
    path = f"tenants/{tenant}/receipts/{photo_id}"
    photos.put(path, data, "image/png", {"tenant_id": tenant, "uploaded_by": owner, "kind": "receipt"})
    with backend.unit_of_work(tenant) as uow:
        receipt_scans.record_upload(uow, photo_id, path, by=owner)
    with backend.unit_of_work(tenant) as uow:
        receipt_scans.start_reading(uow, photo_id, path)
    reading = read_receipt_text("CORNER SHOP\nKA FLOUR 25LB   14.29\nTOTAL 14.29", TODAY)
    parsed = ParsedInput("", "receipt", reading.operations(), list(reading.notes))
    operations, notes = draft_operations(parsed, backend.planning_bakery(tenant))
    pid = receipt_scans.proposal_id_for(photo_id)
    with backend.unit_of_work(tenant) as uow:
        service.submit(uow, source=Source.RECEIPT, operations=operations, by=owner, model="offline-receipt-ocr",
                       photo_path=path, notes=notes, proposal_id=pid)
    with backend.unit_of_work(tenant) as uow:
        receipt_scans.finish(uow, photo_id, pid)
    return path
