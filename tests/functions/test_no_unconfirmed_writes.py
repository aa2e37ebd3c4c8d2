"""Nothing an extractor reads is written unconfirmed: every AI path changes only proposals and receipt scans.

Each path (text, voice event, inventory photo, receipt task, with the offline readers and with Gemini faked)
runs against a stocked bakery; everything but `proposals` and `receipts` must be exactly as before. Only
`confirm_proposal`, called by a signed-in owner or baker, changes the rest.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import fields
from typing import Any

import pytest
from PIL import Image, ImageDraw
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from core.bakery import Bakery
from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call, unsigned_token
from tests.support.fake_gemini import FakeGemini, FakeResponse

AI_ONLY = {"proposals", "receipts"}
PANTRY = {
    "ingredients": [{"slug": "flour", "display_name": "Flour"}, {"slug": "sugar", "display_name": "Sugar"}],
    "products": [{"id": "ka", "ingredient_slug": "flour", "brand": "KA", "package_unit": "lb",
                  "package_unit_quantity": 5}],
    "finished_goods": [{"slug": "cookies", "display_name": "Cookies", "assembly_type": "bare"}],
}


def _everything_else(bakery: Bakery) -> dict[str, Any]:
    return copy.deepcopy({f.name: getattr(bakery, f.name) for f in fields(bakery) if f.name not in AI_ONLY})


@pytest.fixture
def owner(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Guarded"}, claims={"uid": "gus"})[1]["tenant_id"]
    claims = {"uid": "gus", "tenant_id": tenant, "role": "owner"}
    assert call(main.import_desktop, {"data": PANTRY}, claims=claims)[0] == 200
    bought = call(main.add_purchase, {"product_id": "ka", "packages": 1, "unit_price": 4,
                                      "purchased_on": "2026-11-20"}, claims=claims)
    assert bought[0] == 200
    return claims


def _photo(kind: str, claims: dict[str, Any]) -> dict[str, Any]:
    image = Image.new("RGB", (300, 400), (90, 120, 160))
    ImageDraw.Draw(image).rectangle((80, 60, 220, 360), fill=(240, 240, 235))
    out = io.BytesIO()
    image.save(out, "PNG")
    request = Request(EnvironBuilder(method="POST", data=out.getvalue(), content_type="image/png",
                                     query_string={"kind": kind},
                                     headers={"Authorization": f"Bearer {unsigned_token(claims)}"}).get_environ())
    text, status, _ = main.upload_photo(request)
    assert status == 200, text
    answer: dict[str, Any] = json.loads(text)
    return answer


def _run_every_ai_path(owner: dict[str, Any]) -> None:
    for text, source in (("I bought 2 lb of sugar at Costco for $3", "voice"), ("flour is half gone", "voice"),
                         ("threw out 2 cups of flour that went bad", "text"),
                         ("bake sale on December 12: 4 dozen cookies", "event_voice")):
        assert call(main.propose_from_text, {"text": text, "source": source}, claims=owner)[0] == 200
    shelf = _photo("inventory", owner)
    assert call(main.propose_from_photo, {"photo_id": shelf["photo_id"], "note": "about a third full"},
                claims=owner)[0] == 200
    receipt = _photo("receipt", owner)
    # the storage event and the queue are tested in test_receipt_pipeline; here the task runs directly
    request = Request(EnvironBuilder(method="POST", content_type="application/json",
                                     data=json.dumps({"tenant_id": owner["tenant_id"], "photo_id": receipt["photo_id"],
                                                      "photo_path": receipt["path"]}),
                                     headers={"X-CloudTasks-QueueName": "q/receipt-extraction"}).get_environ())
    assert main.extract_receipt(request)[1] == 200


def test_the_offline_readers_write_only_proposals(backend: MemoryBackend, owner: dict[str, Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    before = _everything_else(backend.stores[owner["tenant_id"]].bakery)
    _run_every_ai_path(owner)
    after = backend.stores[owner["tenant_id"]].bakery
    assert _everything_else(after) == before
    assert len(after.proposals) == 6 and len(after.receipts) == 1


def test_gemini_answers_write_only_proposals_even_when_hostile(backend: MemoryBackend, owner: dict[str, Any],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    before = _everything_else(backend.stores[owner["tenant_id"]].bakery)
    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        for name in ("injected_fields", "unknown_op", "negative_price", "event", "inventory_photo",
                     "receipt_prompt_injection"):
            fake.enqueue(FakeResponse.from_recording(name))
        _run_every_ai_path(owner)
    after = backend.stores[owner["tenant_id"]].bakery
    assert _everything_else(after) == before
    assert all(p.status.value == "proposed" for p in after.proposals.values())


def test_confirming_is_what_writes(backend: MemoryBackend, owner: dict[str, Any]) -> None:
    before = _everything_else(backend.stores[owner["tenant_id"]].bakery)
    proposal = call(main.propose_from_text, {"text": "a 5 lb bag of KA flour for $4"}, claims=owner)[1]
    assert _everything_else(backend.stores[owner["tenant_id"]].bakery) == before
    assert call(main.confirm_proposal, {"proposal_id": proposal["proposal_id"]}, claims=owner)[0] == 200
    assert _everything_else(backend.stores[owner["tenant_id"]].bakery) != before
