"""scripts/eval_gemini.py runs end to end against the fake Gemini server (the real one is only run by hand)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support.fake_gemini import FakeGemini, FakeResponse

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import eval_gemini  # noqa: E402


def test_without_a_key_nothing_is_sent(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    assert eval_gemini.main([]) == 2
    assert "GEMINI_API_KEY is not set" in capsys.readouterr().out


def test_it_scores_the_frozen_sets_and_receipts_and_prices_the_tokens(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    heldout = REPO / "tests" / "unit" / "speech" / "heldout"
    cases = json.loads((heldout / "round1.json").read_text(encoding="utf-8"))["cases"]
    nothing = json.loads((heldout / "no_proposal_round1.json").read_text(encoding="utf-8"))["cases"]
    with FakeGemini() as fake:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_BASE_URL", fake.base_url)
        for case in cases:  # a perfect reader: each case answered with its own expected operations
            fake.enqueue(FakeResponse.model_json({"operations": case["operations"], "unresolved": []}))
        for _ in nothing:
            fake.enqueue(FakeResponse.model_json({"operations": [], "unresolved": ["not a purchase"]}))
        fake.enqueue(FakeResponse.model_json({"operations": [], "unresolved": []}))
        assert eval_gemini.main(["--sets", "round1", "--receipts", "1", "--input-price", "1", "--output-price",
                                 "1"]) == 0
        sent = fake.requests
    out = capsys.readouterr().out
    assert f"round1: {len(cases)} utterances, exact-field accuracy 100.0%" in out
    assert f"no_proposal_round1: {len(nothing)}/{len(nothing)} without an invented proposal" in out
    assert "receipts: 1 synthetic photos, line-item F1 0.000" in out and "per item" in out
    assert len(sent) == len(cases) + len(nothing) + 1
    assert any("pounds sterling" in " ".join(r.texts()) for r in sent)  # UK cases are told their currency
