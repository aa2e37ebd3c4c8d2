"""Bakers who speak German, French or Dutch: with Gemini configured, the baker's language and the bakery's
currency are told to the model, and its answers (recordings for the fake Gemini server) go through the same
validation as every other answer before they become a proposal."""

from __future__ import annotations

from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call
from tests.support.fake_gemini import FakeGemini, FakeResponse, load_recording

LANGUAGES = {"de": "German", "fr": "French", "nl": "Dutch"}
RECORDINGS = [f"{lang}_{kind}" for lang in LANGUAGES for kind in ("purchase", "level", "event")]
# What each recording must become, field by field, after validation (what the baker reviews).
EXPECTED: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "de_purchase": [("add_purchase", {"item_name": "Mehl", "quantity": 2, "unit": "KGM", "price": 3.5,
                                      "store": "Lidl"})],
    "de_level": [("adjust_inventory", {"item_name": "Butter", "remaining_percentage": 50}),
                 ("adjust_inventory", {"item_name": "Zucker", "remaining_percentage": 0})],
    "de_event": [("create_event", {"name": "Weihnachtsmarkt", "date": "2026-12-12"})],
    "fr_purchase": [("add_purchase", {"item_name": "beurre", "quantity": 500, "unit": "GRM", "price": 4.6,
                                      "store": "Carrefour", "packages": 2, "package_size": 250})],
    "fr_level": [("adjust_inventory", {"item_name": "farine", "remaining_percentage": 25})],
    "fr_event": [("create_event", {"name": "Kermesse de l'école", "date": "2026-12-19"})],
    "nl_purchase": [("add_purchase", {"item_name": "bloem", "quantity": 3, "unit": "KGM", "price": 2.97,
                                      "store": "Albert Heijn", "packages": 3, "package_size": 1})],
    "nl_level": [("adjust_inventory", {"item_name": "eieren", "quantity": 6, "unit": "H87"}),
                 ("adjust_inventory", {"item_name": "suiker", "remaining_percentage": 0})],
    "nl_event": [("create_event", {"name": "Kerstmarkt", "date": "2026-12-18"})],
}
EVENT_ITEMS = {"de_event": [("Lebkuchen", 60), ("Zimtsterne", 40)], "fr_event": [("madeleines", 36)],
               "nl_event": [("kerstkransjes", 48), ("appelflappen", 30)]}


@pytest.fixture
def euro_bakery(backend: MemoryBackend) -> dict[str, Any]:
    tenant = call(main.create_tenant, {"name": "Bäckerei Europa"}, claims={"uid": "lea"})[1]["tenant_id"]
    claims = {"uid": "lea", "tenant_id": tenant, "role": "owner"}
    assert call(main.save_bakery_settings, {"unit_system": "metric", "currency": "EUR"}, claims=claims)[0] == 200
    return claims


@pytest.mark.parametrize("name", RECORDINGS)
def test_a_sentence_in_another_language_is_read_by_gemini_told_the_language_and_currency(
        name: str, euro_bakery: dict[str, Any], backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    recording = load_recording(name)
    said, language = recording["input"]["text"], recording["input"]["language"]
    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        fake.enqueue(FakeResponse.from_recording(name))
        status, proposal = call(main.propose_from_text, {"text": said, "source": "voice", "today": "2026-11-20",
                                                         "language": language}, claims=euro_bakery)
        (request,) = fake.requests
    assert status == 200, proposal
    prompt = " ".join(request.texts())
    assert f"The baker uses {LANGUAGES[language]} ({language})" in prompt and "3,50 is 3.5" in prompt
    assert "prices are in euros (€)" in prompt and said in prompt
    assert proposal["model"] == "gemini-2.5-flash" and proposal["status"] == "proposed"
    got = proposal["operations"]
    assert [op["op"] for op in got] == [op for op, _ in EXPECTED[name]]
    for op, (_, fields) in zip(got, EXPECTED[name], strict=True):
        assert {k: op["args"].get(k) for k in fields} == fields
        assert "tenant_id" not in op["args"] and "status" not in op["args"]  # injected fields are dropped
    if name in EVENT_ITEMS:
        items = got[0]["args"]["items"]
        assert [(i["finished_good"], i["quantity"]) for i in items] == EVENT_ITEMS[name]
    stored = backend.stores[euro_bakery["tenant_id"]].bakery
    assert stored.purchases == {} and stored.lots == {}  # only a proposal until the baker confirms


def test_without_gemini_a_sentence_the_offline_grammar_cannot_read_is_refused_not_invented(
        euro_bakery: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    status, answer = call(main.propose_from_text, {"text": "Ich habe 2 kg Mehl bei Lidl für 3,50 Euro gekauft",
                                                   "language": "de"}, claims=euro_bakery)
    assert status == 400 and answer["error"]["field"] == "text", answer


def test_a_language_that_is_not_a_language_tag_is_refused_naming_the_field(euro_bakery: dict[str, Any]) -> None:
    status, answer = call(main.propose_from_text, {"text": "2 kg flour for 3 euros", "language": "German!"},
                          claims=euro_bakery)
    assert (status, answer["error"]["field"]) == (400, "language")


def test_a_receipt_read_by_gemini_is_told_the_bakerys_currency(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import io

    from PIL import Image

    from adapters.extractors import read_receipt
    from adapters.gemini import ReadingHints

    image = io.BytesIO()
    Image.new("RGB", (200, 400), "white").save(image, "PNG")
    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        fake.enqueue(FakeResponse.from_recording("receipt_five_lines"))
        parsed, model, _ = read_receipt(image.getvalue(), "image/png", dt.date(2026, 11, 20),
                                        hints=ReadingHints(currency="GBP"))
        (request,) = fake.requests
    assert "prices are in pounds sterling (£)" in " ".join(request.texts()) and model == "gemini-2.5-flash"
    assert parsed.operations
