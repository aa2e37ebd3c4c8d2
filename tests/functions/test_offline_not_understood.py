"""The offline reader through the function: what it cannot place is a 400 `nothing_understood` naming the words,
and what it had to guess reaches the review screen as a low-confidence flag."""

from __future__ import annotations

from typing import Any

import pytest

from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call


@pytest.fixture
def owner(backend: MemoryBackend, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    tenant = call(main.create_tenant, {"name": "Plain Bakes"}, claims={"uid": "ola"})[1]["tenant_id"]
    return {"uid": "ola", "tenant_id": tenant, "role": "owner"}


@pytest.mark.parametrize(("text", "words"), [
    ("set a reminder for twenty minutes", "reminder"),
    ("hello can you hear me", "hello"),
])
def test_words_it_could_not_place_are_a_400_naming_them(backend: MemoryBackend, owner: dict[str, Any], text: str,
                                                        words: str) -> None:
    status, answer = call(main.propose_from_text, {"text": text}, claims=owner)
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (400, "nothing_understood", "text"), answer
    assert "could not place" in answer["error"]["message"] and words in answer["error"]["message"]
    assert backend.stores[owner["tenant_id"]].bakery.proposals == {}


def test_a_guessed_field_is_flagged_in_the_proposal(owner: dict[str, Any]) -> None:
    status, proposal = call(main.propose_from_text, {"text": "bought for bags of flour at aldi 3.49 each"},
                            claims=owner)
    assert status == 200, proposal
    op = proposal["operations"][0]
    assert (op["args"]["quantity"], op["args"]["price"]) == (4, 13.96)
    assert op["confidence"]["quantity"] < 0.6
    assert any(flag.startswith("quantity: low confidence") for flag in op["flags"]), op["flags"]
