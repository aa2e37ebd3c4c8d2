"""Every operation on the real emulators: Auth-issued tokens, Firestore, Cloud Storage.

One bakery's day, through the gateway as Hosting would route it: each operation's happy path,
checked against what Firestore or the bucket then holds, and a bad input for each that must be
a 4xx naming the field and leave the stored data as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from werkzeug.test import Client

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from devstack.storage import StorageEmulator
from functions import gateway
from functions.gateway import app
from functions.shared.auth import TokenVerifier, firebase_app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import CloudStoragePhotoStore

pytestmark = pytest.mark.emulator
PASSWORD = "secret-pass-1"
KITCHEN = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [{"slug": "flour", "display_name": "Flour", "density_volume_value": 1, "density_volume_unit": "cup",
                     "density_weight_value": 4, "density_weight_unit": "oz"},
                    {"slug": "salt", "display_name": "Salt"}],
    "products": [{"id": "ka-flour", "ingredient_slug": "flour", "brand": "King Arthur", "package_unit": "lb",
                  "package_unit_quantity": 5, "upc_code": "071012107018"}],
    "recipes": [{"name": "Bread", "ingredients": [{"ingredient_slug": "flour", "quantity": 4, "unit": "cup"}],
                 "finished_units": [{"slug": "loaf", "name": "Loaf", "unit_yield_quantity": 1}]}],
    "finished_goods": [{"slug": "bread-box", "display_name": "Bread Box", "assembly_type": "bundle"}],
    "compositions": [{"finished_good_slug": "bread-box", "finished_unit_slug": "loaf", "component_quantity": 2}],
    "events": [{"name": "Farmers Market", "event_date": "2026-12-05"}],
    "event_finished_goods": [{"event_name": "Farmers Market", "finished_good_slug": "bread-box", "quantity": 3}],
}
SEEN: set[str] = set()


class Baker:
    def __init__(self, web: Client, db: Any, auth: AuthEmulator, email: str) -> None:
        from firebase_admin import auth as admin_auth

        self.web, self.db, self.auth, self.email = web, db, auth, email
        with contextlib.suppress(admin_auth.EmailAlreadyExistsError):
            admin_auth.create_user(email=email, password=PASSWORD, app=firebase_app())
        self.uid = admin_auth.get_user_by_email(email, app=firebase_app()).uid
        self.refresh()

    def refresh(self) -> None:
        self.token = self.auth.sign_in(self.email, PASSWORD)

    def send(self, op: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        SEEN.add(op)
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if body is None and "data" not in kwargs:
            response = self.web.get(f"/api/{op}", headers=headers, **kwargs)
        elif "data" in kwargs:
            response = self.web.post(f"/api/{op}", headers=headers, **kwargs)
        else:
            response = self.web.post(f"/api/{op}", json=body, headers=headers, **kwargs)
        return response.status_code, response.get_json()

    def refused(self, op: str, body: Any, status: int, field: str | None) -> None:
        before = _everything(self.db)
        got, answer = self.send(op, body)
        assert _everything(self.db) == before, f"{op} changed stored data while refusing"
        assert got == status, (op, got, answer)
        assert answer["error"]["message"], (op, answer)
        if field is not None:
            assert answer["error"]["field"] == field, (op, answer)


@pytest.fixture
def stack(auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator,
          storage_emulator: StorageEmulator) -> Iterator[tuple[Client, Any]]:
    firestore_emulator.wipe()
    client = firestore_emulator.client()
    previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos
    RUNTIME.use(FirestoreBackend(client), TokenVerifier())
    RUNTIME.use_photos(CloudStoragePhotoStore.from_environment())
    yield Client(app), client
    RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos = previous


def _everything(client: Any) -> dict[str, Any]:
    """Every document in the database, by path (top-level collections and all their subcollections) — but the
    rate-limit counters (`rate_limits/`): counting a refused try is their purpose, not a change of data; nor is
    the activity record every call leaves (`activity/`, and `activity_days/`, the day's marker that its bakery
    was active; docs/metrics.md)."""
    found: dict[str, Any] = {}

    def walk(collections: Any) -> None:
        for collection in collections:
            if collection.id in ("rate_limits", "activity", "activity_days"):
                continue
            for ref in collection.list_documents():
                snapshot = ref.get()
                if snapshot.exists:
                    found[ref.path] = snapshot.to_dict()
                walk(ref.collections())

    walk(client.collections())
    return found


def _docs(client: Any, tenant: str, collection: str) -> dict[str, dict[str, Any]]:
    return {d.id: d.to_dict() for d in client.collection("tenants").document(tenant).collection(collection).stream()}


def test_every_operation_happy_and_bad(stack: tuple[Client, Any], auth_emulator: AuthEmulator) -> None:
    web, db = stack
    kim = Baker(web, db, auth_emulator, "kim@example.com")
    kim.refused("create_tenant", {"name": ""}, 400, "name")
    status, created = kim.send("create_tenant", {"name": "Kim's Kitchen"})
    assert status == 200 and created["role"] == "owner"
    tenant = created["tenant_id"]
    kim.refresh()
    assert _docs(db, tenant, "members")[kim.uid]["role"] == "owner"

    # import, export, save, delete
    kim.refused("import_desktop", {"data": {"recipes": [{"name": "R", "ingredients": [{"quantity": -1}]}]}},
                400, "ingredient_slug")
    assert _docs(db, tenant, "recipes") == {}
    status, imported = kim.send("import_desktop", {"data": KITCHEN})
    assert status == 200 and imported["changed"]["recipes"] == 1
    assert _docs(db, tenant, "products")["ka-flour"]["tenant_id"] == tenant
    status, exported = kim.send("export_desktop")
    assert status == 200 and [r["name"] for r in exported["recipes"]] == ["Bread"]
    kim.refused("save_catalog", {"ingredients": [{"slug": "flour", "density_volume_unit": "handful",
                                                  "density_volume_value": 1, "density_weight_value": 1,
                                                  "density_weight_unit": "g"}]}, 400, "density_volume_unit")
    assert kim.send("save_catalog", {"ingredients": [{"slug": "sugar", "display_name": "Sugar"}]})[0] == 200
    assert "sugar" in _docs(db, tenant, "ingredients")
    kim.refused("save_recipes", {"recipes": [{"name": "Cake", "ingredients": [{"ingredient_slug": "unobtainium",
                                                                               "quantity": 1, "unit": "cup"}]}]},
                400, "ingredient_slug")
    assert kim.send("save_recipes", {"recipes": [{"name": "Flatbread", "ingredients": [
        {"ingredient_slug": "flour", "quantity": 2, "unit": "cup"}]}]})[0] == 200
    kim.refused("save_finished_goods", {"finished_goods": [{"slug": "x", "assembly_type": "bundle"}],
                                        "compositions": [{"finished_good_slug": "x",
                                                          "finished_unit_slug": "no-such-unit",
                                                          "component_quantity": 1}]}, 400, "finished_unit_slug")
    pair = {"finished_goods": [{"slug": "loaf-pair", "display_name": "Loaf Pair", "assembly_type": "bundle"}],
            "compositions": [{"finished_good_slug": "loaf-pair", "finished_unit_slug": "loaf",
                              "component_quantity": 2}]}
    assert kim.send("save_finished_goods", pair)[0] == 200
    assert "loaf-pair" in _docs(db, tenant, "finished_goods")
    kim.refused("save_events", {"events": [{"name": "Fair", "event_date": "2026-02-30"}]}, 400, "event_date")
    sale = {"events": [{"name": "Bake Sale", "event_date": "2026-12-12"}],
            "event_finished_goods": [{"event_name": "Bake Sale", "finished_good_slug": "loaf-pair", "quantity": 5}]}
    assert kim.send("save_events", sale)[0] == 200
    status, sale_plan = kim.send("plan_event", {"event": "Bake Sale"})
    assert status == 200 and {r["recipe_slug"]: r["batches"] for r in sale_plan["recipes"]} == {"bread": 10}
    kim.refused("delete_record", {"collection": "ingredients", "key": "flour"}, 409, "key")
    assert kim.send("delete_record", {"collection": "ingredients", "key": "salt"})[0] == 200
    assert "salt" not in _docs(db, tenant, "ingredients")

    # plan and shopping list
    kim.refused("plan_event", {"event": ""}, 400, "event")
    status, plan = kim.send("plan_event", {"event": "Farmers Market"})
    assert status == 200 and {r["recipe_slug"]: r["batches"] for r in plan["recipes"]} == {"bread": 6}
    status, shopping = kim.send("shopping_list", {"event": "farmers-market"})
    assert status == 200 and shopping["text"]

    # stock
    kim.refused("add_purchase", {"product_id": "ka-flour", "packages": 0, "unit_price": 4.5,
                                 "purchased_on": "2026-11-20"}, 400, "packages")
    status, bought = kim.send("add_purchase", {"product_id": "ka-flour", "packages": 2, "unit_price": 7.5,
                                               "purchased_on": "2026-11-20", "supplier": "costco"},
                              headers={"Idempotency-Key": "receipt-1"})
    assert status == 200
    again = kim.send("add_purchase", {"product_id": "ka-flour", "packages": 2, "unit_price": 7.5,
                                      "purchased_on": "2026-11-20", "supplier": "costco"},
                     headers={"Idempotency-Key": "receipt-1"})
    assert again == (200, {"purchase_id": bought["purchase_id"], "replayed": True})
    assert len(_docs(db, tenant, "purchases")) == 1
    kim.refused("list_purchases", {"limit": 0}, 400, "limit")
    kim.refused("list_purchases", {"cursor": "not-a-cursor"}, 400, "cursor")
    status, listed = kim.send("list_purchases", {"product": "ka-flour"})
    assert status == 200 and [p["id"] for p in listed["purchases"]] == [bought["purchase_id"]]
    assert listed["next_cursor"] is None
    assert _docs(db, tenant, "lots")[bought["lot_id"]]["tenant_id"] == tenant
    kim.refused("set_inventory_level", {"product_id": "ka-flour", "remaining_percentage": 140}, 400,
                "remaining_percentage")
    assert kim.send("set_inventory_level", {"product_id": "ka-flour", "remaining_percentage": 80})[0] == 200
    kim.refused("record_loss", {"ingredient": "flour", "amount": -1, "unit": "cup", "reason": "spoilage"}, 400,
                "amount")
    assert kim.send("record_loss", {"ingredient": "flour", "amount": 1, "unit": "cup", "reason": "spoilage"}
                    )[0] == 200
    kim.refused("record_production", {"recipe": "bread", "batches": "many"}, 400, "batches")
    status, _run = kim.send("record_production", {"recipe": "bread", "batches": 2})
    assert status == 200 and _docs(db, tenant, "production_runs")
    kim.refused("record_assembly", {"finished_good": "bread-box", "quantity": 0}, 400, "quantity")
    assert kim.send("record_assembly", {"finished_good": "bread-box", "quantity": 1})[0] == 200
    assert _docs(db, tenant, "assembly_runs")

    # equipment, scaling, what the stock makes, what it costs
    kim.refused("save_equipment", {"equipment": [{"name": "Hobart", "kind": "mixer", "capacity": 20,
                                                  "capacity_unit": "handful"}]}, 400, "capacity_unit")
    hobart = {"name": "Hobart", "kind": "mixer", "capacity": 20, "capacity_unit": "qt",
              "recipes": [{"recipe_name": "Bread", "batch_size": 6, "batch_unit": "qt"}]}
    assert kim.send("save_equipment", {"equipment": [hobart]})[0] == 200
    assert _docs(db, tenant, "equipment")["hobart"]["uses"][0]["recipe_slug"] == "bread"
    status, mixed = kim.send("plan_event", {"event": "Farmers Market"})
    assert status == 200 and mixed["recipes"][0]["mixes"]["mixes"] == [3, 3]
    kim.refused("scale_recipe", {"recipe": "Bread", "ingredient": "flour", "amount": 0, "unit": "lb"}, 400, "amount")
    status, scaled = kim.send("scale_recipe", {"recipe": "Bread", "ingredient": "flour", "amount": 2, "unit": "lb"})
    assert status == 200 and scaled["factor"] == 2  # 4 cups of 4 oz = 1 lb a batch
    kim.refused("can_make", {"event": "Farmers Market", "remaining_only": True}, 400, "remaining_only")
    status, can = kim.send("can_make", {"event": "Farmers Market"})
    assert status == 200 and can["recipes"][0]["recipe_slug"] == "bread"
    kim.refused("event_cost", {"event": "No Such Fair"}, 404, "event")
    status, cost = kim.send("event_cost", {"event": "Farmers Market"})
    assert status == 200 and cost["complete"] is True and cost["total"] == 9  # 6 lb of flour at $1.50 a lb

    # photos
    photo = io.BytesIO()
    Image.new("RGB", (300, 500), (250, 250, 245)).save(photo, "JPEG")
    status, stored = kim.send("upload_photo", data=photo.getvalue(), content_type="image/jpeg",
                              query_string={"kind": "receipt"})
    assert status == 200 and stored["path"].startswith(f"tenants/{tenant}/receipts/")
    assert RUNTIME.photos.get(stored["path"]).data == photo.getvalue()  # in the storage emulator's bucket
    status, refused = kim.send("upload_photo", data=b"%PDF-1.4", content_type="application/pdf",
                               query_string={"kind": "receipt"})
    assert (status, refused["error"]["field"]) == (415, "photo")

    # the bakery and its settings (on the tenant document)
    status, bakery = kim.send("get_bakery")
    assert status == 200 and bakery == {"tenant_id": tenant, "name": "Kim's Kitchen", "role": "owner",
                                        "settings": {"unit_system": "us", "currency": "USD"}}
    kim.refused("save_bakery_settings", {"unit_system": "imperial"}, 400, "unit_system")
    kim.refused("get_metrics", {"weeks": 0}, 400, "weeks")
    kim.refused("get_metrics", {"scope": "platform"}, 403, "scope")
    status, figures = kim.send("get_metrics", {"weeks": 1})
    assert status == 200 and figures["scope"] == "bakery" and len(figures["daily"]) >= 1
    kim.refused("save_bakery_settings", {"currency": "XYZ"}, 400, "currency")
    status, saved = kim.send("save_bakery_settings", {"unit_system": "metric", "currency": "EUR"})
    assert status == 200 and saved["settings"] == {"unit_system": "metric", "currency": "EUR"}
    assert db.collection("tenants").document(tenant).get().to_dict()["settings"] == saved["settings"]

    # API keys for agents (the MCP service): only the hash is stored, the secret is answered once
    kim.refused("create_api_key", {"name": "agent", "role": "owner"}, 400, "role")
    status, key = kim.send("create_api_key", {"name": "Planner agent"})
    assert status == 200 and key["secret"].startswith("btk_")
    kept = db.collection("tenants").document(tenant).collection("api_keys").get()
    assert len(kept) == 1 and key["secret"] not in json.dumps(kept[0].to_dict(), default=str)
    status, keys = kim.send("list_api_keys")
    assert status == 200 and [k["key_id"] for k in keys["api_keys"]] == [key["key_id"]]
    kim.refused("revoke_api_key", {"key_id": "key_000000000000"}, 404, "key_id")
    status, revoked = kim.send("revoke_api_key", {"key_id": key["key_id"]})
    assert status == 200 and revoked["active"] is False

    # members
    kim.refused("invite_member", {"role": "chef"}, 400, "role")
    status, invite = kim.send("invite_member", {"role": "baker", "email": "lee@example.com"})
    assert status == 200
    lee = Baker(web, db, auth_emulator, "lee@example.com")
    lee.refused("join_tenant", {"code": "WRONG-CODE-0000"}, 404, "code")
    assert lee.send("join_tenant", {"code": invite["code"]})[0] == 200
    lee.refresh()
    assert lee.send("plan_event", {"event": "Farmers Market"})[0] == 200
    status, seen = lee.send("get_bakery")  # every member reads the owner's settings
    assert status == 200 and seen["role"] == "baker" and seen["settings"]["currency"] == "EUR"
    lee.refused("save_bakery_settings", {"currency": "USD"}, 403, None)
    status, members = kim.send("list_members")
    assert status == 200 and len(members["members"]) == 2
    lee_uid = lee.uid
    assert {m["uid"] for m in members["members"]} == {kim.uid, lee.uid}
    kim.refused("change_member_role", {"uid": lee_uid, "role": "emperor"}, 400, "role")
    assert kim.send("change_member_role", {"uid": lee_uid, "role": "viewer"})[0] == 200
    lee.refresh()
    lee.refused("add_purchase", {"product_id": "ka-flour", "packages": 1, "unit_price": 1,
                                 "purchased_on": "2026-11-21"}, 403, None)
    # web push: a device opts in and out (tokens server-only, per member); removal takes the member's tokens
    lee_device, kim_device = "lee-phone:APA91b" + "l" * 40, "kim-phone:APA91b" + "k" * 40
    lee.refused("register_push_token", {"token": "no spaces allowed here"}, 400, "token")
    assert lee.send("register_push_token", {"token": lee_device, "locale": "de"})[0] == 200  # a viewer too
    assert kim.send("register_push_token", {"token": kim_device})[0] == 200
    assert kim.send("register_push_token", {"token": kim_device + "x"})[0] == 200
    assert kim.send("unregister_push_token", {"token": lee_device})[1] == {"removed": False}  # not kim's
    assert kim.send("unregister_push_token", {"token": kim_device + "x"})[1] == {"removed": True}
    tokens = _docs(db, tenant, "push_tokens")
    assert sorted((t["uid"], t["token"], t["locale"]) for t in tokens.values()) == sorted(
        [(lee_uid, lee_device, "de"), (kim.uid, kim_device, "en")])
    kim.refused("remove_tenant_member", {"uid": ""}, 400, "uid")
    assert kim.send("remove_tenant_member", {"uid": lee_uid})[0] == 200
    assert [t["uid"] for t in _docs(db, tenant, "push_tokens").values()] == [kim.uid]
    lee.refused("plan_event", {"event": "Farmers Market"}, 403, None)  # the old token, claims still in it
    lee.refused("unregister_push_token", {"token": lee_device}, 403, None)

    # AI input: proposals, photos, receipts (end to end with the task queue: test_ai_input_end_to_end.py)
    kim.refused("propose_from_text", {"text": ""}, 400, "text")
    status, proposal = kim.send("propose_from_text", {"text": "a 5 lb bag of King Arthur flour for $4.50"})
    assert status == 200 and proposal["status"] == "proposed"
    pid = proposal["proposal_id"]
    assert _docs(db, tenant, "proposals")[pid]["tenant_id"] == tenant
    kim.refused("edit_proposal", {"proposal_id": pid, "changes": [{"index": 0, "args": {"price": -1}}]}, 400,
                "operations.0.price")
    assert kim.send("edit_proposal", {"proposal_id": pid, "changes": [{"index": 0, "args": {"price": 5}}]})[0] == 200
    status, one = kim.send("get_proposal", {"proposal_id": pid})
    assert status == 200 and (one["proposal_id"], one["operations"][0]["args"]["price"]) == (pid, 5), one
    kim.refused("get_proposal", {"proposal_id": "no-such-proposal"}, 404, "proposal_id")
    kim.refused("confirm_proposal", {"proposal_id": "no-such-proposal"}, 404, "proposal_id")
    lots_before = len(_docs(db, tenant, "lots"))
    assert kim.send("confirm_proposal", {"proposal_id": pid})[0] == 200
    assert len(_docs(db, tenant, "lots")) == lots_before + 1
    kim.refused("list_proposals", {"status": "maybe"}, 400, "status")
    status, listed = kim.send("list_proposals", {"status": "confirmed"})
    assert status == 200 and [p["proposal_id"] for p in listed["proposals"]] == [pid]
    kim.refused("undo_proposal", {"proposal_id": "../x"}, 400, "proposal_id")
    assert kim.send("undo_proposal", {"proposal_id": pid})[0] == 200
    assert len(_docs(db, tenant, "lots")) == lots_before
    second = kim.send("propose_from_text", {"text": "butter is half gone"})[1]
    kim.refused("reject_proposal", {"proposal_id": second["proposal_id"], "reason": "x" * 600}, 400, "reason")
    assert kim.send("reject_proposal", {"proposal_id": second["proposal_id"]})[1]["status"] == "rejected"
    kim.refused("receipt_status", {"photo_id": "not-a-hash"}, 400, "photo_id")
    assert kim.send("receipt_status", {"photo_id": stored["photo_id"]})[1]["status"] == "uploaded"
    shelf = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 120, 160)).save(shelf, "PNG")
    status, shelf_photo = kim.send("upload_photo", data=shelf.getvalue(), content_type="image/png",
                                   query_string={"kind": "inventory"})
    assert status == 200
    kim.refused("propose_from_photo", {"photo_id": "0" * 32}, 404, "photo_id")
    status, from_photo = kim.send("propose_from_photo", {"photo_id": shelf_photo["photo_id"], "item": "flour",
                                                         "note": "about half full"})
    assert status == 200 and from_photo["operations"][0]["args"]["remaining_percentage"] == 50
    status, quotas = kim.send("get_quotas", {})  # what this run spent of the bakery's day (docs/limits.md)
    readings = next(q for q in quotas["quotas"] if (q["what"], q["per"]) == ("ai_readings", "bakery"))
    assert status == 200 and readings["used"] >= 3 and readings["resets_at"].endswith("Z"), quotas


    # backup and restore (docs/backup.md): the whole bakery into a new one, its receipt photo with it
    status, backup = kim.send("export_bakery", {"include_photos": True})
    assert status == 200 and backup["counts"]["proposals"] >= 2 and backup["counts"]["receipts"] == 1
    (carried,) = [p for p in backup["photos"] if p["path"] == stored["path"]]
    assert carried["size"] == len(photo.getvalue()) and carried["data"]
    kim.refused("restore_bakery", {"backup": backup}, 409, "backup")  # her bakery has data
    ray = Baker(web, db, auth_emulator, "ray@example.com")
    ray_tenant = ray.send("create_tenant", {"name": "Ray's Rolls"})[1]["tenant_id"]
    ray.refresh()
    spoiled = json.loads(json.dumps(backup))
    spoiled["collections"]["lots"][0]["quantity"] = 1.5
    ray.refused("restore_bakery", {"backup": spoiled}, 400, "collections.lots[0].quantity")
    status, restored = ray.send("restore_bakery", {"backup": backup})
    assert status == 200 and restored["restored"] == backup["counts"], restored
    assert _docs(db, ray_tenant, "products")["ka-flour"]["tenant_id"] == ray_tenant
    moved = stored["path"].replace(tenant, ray_tenant)
    assert moved in restored["photos"]["restored"] and restored["photos"]["not_restored"] == []  # + the shelf photo
    assert RUNTIME.photos.get(moved).data == photo.getvalue()  # in the storage emulator, under Ray's bakery

    # the health check: public (the uptime check sends no token), one read of a document nobody writes
    status, health = kim.send("health")
    assert status == 200 and health["status"] == "ok" and health["checks"]["firestore"]["ok"] is True

    assert set(gateway.OPERATIONS) <= SEEN
