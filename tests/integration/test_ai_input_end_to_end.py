"""AI input end to end on the local stack: real Auth tokens, Firestore, the storage emulator, the Cloud
Tasks emulator dispatching to a running gateway, and the offline extractors (no Gemini key).

A receipt photo: upload → storage event → task → proposal → edit one line → confirm → purchases and lots
hold the confirmed values → undo → gone. The same for a voice purchase and an inventory photo.
Nothing an extractor reads reaches the bakery's data without a confirmation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from werkzeug.serving import make_server
from werkzeug.test import Client

from devstack.auth import AuthEmulator
from devstack.firestore import FirestoreEmulator
from devstack.storage import StorageEmulator
from devstack.tasks import TasksEmulator
from functions.gateway import app
from functions.shared.auth import TokenVerifier, firebase_app
from functions.shared.firestore_backend import FirestoreBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import CloudStoragePhotoStore
from tests.support.receipt_images import CATALOG, Purchase, ReceiptSpec, Style, render

pytestmark = pytest.mark.emulator
PASSWORD = "secret-pass-1"
PANTRY = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [{"slug": "flour", "display_name": "All-Purpose Flour"},
                    {"slug": "sugar", "display_name": "Granulated Sugar"},
                    {"slug": "butter", "display_name": "Unsalted Butter"},
                    {"slug": "eggs", "display_name": "Large Eggs"}],
    "products": [{"id": "ka-flour-5", "ingredient_slug": "flour", "brand": "King Arthur",
                  "product_name": "All-Purpose Flour", "package_unit": "lb", "package_unit_quantity": 5}],
}


@pytest.fixture
def stack(auth_emulator: AuthEmulator, firestore_emulator: FirestoreEmulator, storage_emulator: StorageEmulator,
          tasks_emulator: TasksEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Client, Any]]:
    firestore_emulator.wipe()
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    client = firestore_emulator.client()
    previous = RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks
    RUNTIME.use(FirestoreBackend(client), TokenVerifier())
    RUNTIME.use_photos(CloudStoragePhotoStore.from_environment())
    RUNTIME.tasks = None  # the Cloud Tasks emulator, from the environment
    server = make_server("127.0.0.1", 0, app, threaded=True)
    monkeypatch.setenv("BAKETRACKER_EXTRACT_URL", f"http://127.0.0.1:{server.server_port}/tasks/extract_receipt")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Client(app), client
    server.shutdown()
    RUNTIME._backend, RUNTIME.verifier, RUNTIME._photos, RUNTIME.tasks = previous


class Baker:
    def __init__(self, web: Client, auth: AuthEmulator, email: str) -> None:
        from firebase_admin import auth as admin_auth

        self.web, self.auth, self.email = web, auth, email
        with contextlib.suppress(admin_auth.EmailAlreadyExistsError):
            admin_auth.create_user(email=email, password=PASSWORD, app=firebase_app())
        self.token = auth.sign_in(email, PASSWORD)

    def open_bakery(self) -> str:
        tenant: str = self.send("create_tenant", {"name": "Pantry Bakes"})["tenant_id"]
        self.token = self.auth.sign_in(self.email, PASSWORD)
        self.send("import_desktop", {"data": PANTRY})
        return tenant

    def send(self, op: str, body: dict[str, Any], expect: int = 200) -> Any:
        response = self.web.post(f"/api/{op}", json=body, headers={"Authorization": f"Bearer {self.token}"})
        assert response.status_code == expect, (op, response.get_data(as_text=True))
        return response.get_json()

    def upload(self, data: bytes, kind: str) -> dict[str, Any]:
        response = self.web.post(f"/api/upload_photo?kind={kind}", data=data, content_type="image/png",
                                 headers={"Authorization": f"Bearer {self.token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        answer: dict[str, Any] = response.get_json()
        return answer


def _docs(db: Any, tenant: str, collection: str) -> dict[str, dict[str, Any]]:
    return {d.id: d.to_dict() for d in db.collection("tenants").document(tenant).collection(collection).stream()}


def _receipt() -> bytes:
    def product(name: str) -> Any:
        return next(p for p in CATALOG if p.name == name and (p.size != "18CT"))

    purchases = (Purchase(product("flour all-purpose"), "FLOUR AP", 2),
                 Purchase(product("sugar granulated"), "SUGAR GRAN", 1),
                 Purchase(product("butter unsalted"), "BUTTER UNSALTED", 2),
                 Purchase(product("eggs large"), "EGGS LARGE", 1))
    spec = ReceiptSpec("COSTCO WHOLESALE", "Costco", ("123 MAIN ST", "SPRINGFIELD, OR", "(503) 555-0100"),
                       dt.date(2026, 11, 21), "%m/%d/%Y", purchases, Decimal(0), "VISA")
    return render(spec, Style("thermal", "mono", 28)).data


def test_a_receipt_photo_becomes_a_proposal_that_is_confirmed_and_undone(stack: tuple[Client, Any],
                                                                          auth_emulator: AuthEmulator) -> None:
    web, db = stack
    rae = Baker(web, auth_emulator, "rae@example.com")
    tenant = rae.open_bakery()
    uploaded = rae.upload(_receipt(), "receipt")
    deadline, status = time.monotonic() + 90, {}
    while time.monotonic() < deadline:
        status = rae.send("receipt_status", {"photo_id": uploaded["photo_id"]})
        if status["status"] in ("proposed", "failed"):
            break
        time.sleep(0.5)
    assert status["status"] == "proposed", status
    proposal = status["proposal"]
    assert proposal["source"] == "receipt" and proposal["model"] == "offline-receipt-ocr"
    assert _docs(db, tenant, "purchases") == {} and _docs(db, tenant, "lots") == {}  # nothing before confirming
    lines = {op["args"]["item_name"]: op for op in proposal["operations"]}
    assert len(lines) == 4, lines.keys()
    flour = next(op for name, op in lines.items() if "flour" in name)
    assert (flour["args"]["quantity"], flour["args"]["unit"], flour["args"]["price"]) == (10, "LBR", 9.98)
    assert flour["args"].get("product_id") == "ka-flour-5" or flour["args"].get("ingredient_slug") == "flour"

    # the baker corrects one line, resolves the others to ingredients, and confirms
    changes = [{"index": flour["index"], "args": {"price": 9.5}}]
    for name, op in lines.items():
        if op is not flour and not (op["args"].get("product_id") or op["args"].get("ingredient_slug")):
            slug = next(s for s in ("sugar", "butter", "eggs") if s in name)
            changes.append({"index": op["index"], "args": {"ingredient_slug": slug}})
    rae.send("edit_proposal", {"proposal_id": proposal["proposal_id"], "changes": changes})
    confirmed = rae.send("confirm_proposal", {"proposal_id": proposal["proposal_id"]})
    assert confirmed["status"] == "confirmed"
    purchases = _docs(db, tenant, "purchases")
    assert len(purchases) == 4 and len(_docs(db, tenant, "lots")) == 4
    flour_purchase = next(p for p in purchases.values() if p["product_id"] == "ka-flour-5")
    assert (Decimal(flour_purchase["quantity_purchased"]), Decimal(flour_purchase["unit_price"])) == \
        (2, Decimal("4.75"))
    assert flour_purchase["supplier_slug"] == "costco" and flour_purchase["purchased_on"] == "2026-11-21"
    stored = _docs(db, tenant, "proposals")[proposal["proposal_id"]]
    assert stored["operations"][flour["index"]]["proposed"]["price"] == 9.98  # "AI suggested" is kept

    rae.send("undo_proposal", {"proposal_id": proposal["proposal_id"]})
    assert _docs(db, tenant, "purchases") == {} and _docs(db, tenant, "lots") == {}


def test_a_voice_purchase_end_to_end(stack: tuple[Client, Any], auth_emulator: AuthEmulator) -> None:
    web, db = stack
    val = Baker(web, auth_emulator, "val@example.com")
    tenant = val.open_bakery()
    proposal = val.send("propose_from_text", {"text": "I bought two 5 lb bags of King Arthur flour at Costco for "
                                                      "$9.98", "source": "voice"})
    assert _docs(db, tenant, "purchases") == {}
    val.send("edit_proposal", {"proposal_id": proposal["proposal_id"],
                               "changes": [{"index": 0, "args": {"price": 10.5}}]})
    val.send("confirm_proposal", {"proposal_id": proposal["proposal_id"]})
    (purchase,) = _docs(db, tenant, "purchases").values()
    assert (purchase["product_id"], Decimal(purchase["unit_price"])) == ("ka-flour-5", Decimal("5.25"))
    val.send("undo_proposal", {"proposal_id": proposal["proposal_id"]})
    assert _docs(db, tenant, "purchases") == {} and _docs(db, tenant, "lots") == {}


def _flour_bag(full: float) -> bytes:
    image = Image.new("RGB", (480, 640), (90, 120, 160))
    draw = ImageDraw.Draw(image)
    top, bottom = 100, 600
    draw.rectangle((120, top, 360, bottom), fill=(200, 170, 120))  # the empty part of a paper bag
    draw.rectangle((120, bottom - int((bottom - top) * full), 360, bottom), fill=(245, 243, 235))  # flour
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 40)
    draw.text((150, 30), "FLOUR", fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_inventory_photo_end_to_end(stack: tuple[Client, Any], auth_emulator: AuthEmulator) -> None:
    web, db = stack
    ivy = Baker(web, auth_emulator, "ivy@example.com")
    tenant = ivy.open_bakery()
    bought = ivy.send("propose_from_text", {"text": "a 5 lb bag of King Arthur flour for $4.99"})
    ivy.send("confirm_proposal", {"proposal_id": bought["proposal_id"]})
    photo = ivy.upload(_flour_bag(0.4), "inventory")
    proposal = ivy.send("propose_from_photo", {"photo_id": photo["photo_id"], "item": "flour"})
    op = proposal["operations"][0]
    assert proposal["source"] == "inventory_photo" and op["op"] == "adjust_inventory"
    assert op["args"]["ingredient_slug"] == "flour" or op["args"].get("product_id") == "ka-flour-5"
    level = op["args"]["remaining_percentage"]
    assert level is not None and abs(level - 40) <= 15, op
    (lot,) = _docs(db, tenant, "lots").values()
    assert Decimal(lot["quantity"]) == 5  # nothing changes before the baker confirms
    ivy.send("edit_proposal", {"proposal_id": proposal["proposal_id"],
                               "changes": [{"index": 0, "args": {"remaining_percentage": 40}}]})
    ivy.send("confirm_proposal", {"proposal_id": proposal["proposal_id"]})
    (lot,) = _docs(db, tenant, "lots").values()
    assert Decimal(lot["quantity"]) == 2
    ivy.send("undo_proposal", {"proposal_id": proposal["proposal_id"]})
    (lot,) = _docs(db, tenant, "lots").values()
    assert Decimal(lot["quantity"]) == 5 and _docs(db, tenant, "depletions") == {}


def test_a_viewer_cannot_confirm_and_nothing_is_written_without_a_confirmation(
        stack: tuple[Client, Any], auth_emulator: AuthEmulator) -> None:
    web, db = stack
    owner = Baker(web, auth_emulator, "own@example.com")
    tenant = owner.open_bakery()
    code = owner.send("invite_member", {"role": "viewer"})["code"]
    viewer = Baker(web, auth_emulator, "view@example.com")
    viewer.send("join_tenant", {"code": code})
    viewer.token = auth_emulator.sign_in("view@example.com", PASSWORD)
    proposal = owner.send("propose_from_text", {"text": "a 5 lb bag of King Arthur flour for $4.99"})
    viewer.send("confirm_proposal", {"proposal_id": proposal["proposal_id"]}, expect=403)
    viewer.send("propose_from_text", {"text": "a 5 lb bag of flour for $4"}, expect=403)
    assert _docs(db, tenant, "purchases") == {} and _docs(db, tenant, "lots") == {}
