"""The offline extractors' accuracy: the speech grammar's exact-field accuracy on the tuning corpus and,
separately, on each frozen held-out set (tests/unit/speech/heldout/round*.json: phrasings written by someone who
never read the grammar, frozen before any tuning; target >= 95%), the share of sentences that must give no
proposal (other languages, off-topic: no_proposal_round*.json) that indeed give none,
then receipt line-item F1 on synthetic receipt photos (target >= 0.9, `benchmarks/receipts.py`), the
inventory-photo level error (`benchmarks/inventory_photos.py`) and the share of receipt lines a baker can confirm
as read on the demo bakery (target >= 90%, `benchmarks/receipt_confirm.py`).

Run: .venv/bin/python benchmarks/ai_input.py [--verbose] [--speech-only]
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.speech.accuracy import FieldScore, score_operations  # noqa: E402
from core.speech.parse import parse_utterance  # noqa: E402

CORPUS = REPO / "tests" / "unit" / "speech" / "corpus.json"
HELDOUT = REPO / "tests" / "unit" / "speech" / "heldout"


def offline_proposes(text: str, today: dt.date) -> bool:
    """Whether the offline path (language check, then the grammar) would make a proposal of `text`."""
    from core.speech.language import guess_language

    if guess_language(text).code != "en":
        return False
    return bool(parse_utterance(text, today).operations)


def score_set(name: str, cases: list[dict[str, object]], verbose: bool) -> None:
    """Exact-field accuracy of one set, overall, per operation and per region."""
    overall = FieldScore()
    per_op: dict[str, FieldScore] = {}
    per_region: dict[str, FieldScore] = {}
    exact_cases = 0
    for case in cases:
        text, expected = str(case["text"]), case["operations"]
        assert isinstance(expected, list)
        parsed = parse_utterance(text, dt.date.fromisoformat(str(case["today"])))
        score = score_operations(expected, parsed.to_json()["operations"], text)
        overall.add(score)
        op = expected[0]["op"] if expected else "none"
        per_op.setdefault(op, FieldScore()).add(score)
        per_region.setdefault(str(case.get("region", "-")), FieldScore()).add(score)
        exact_cases += score.correct == score.total
    print(f"{name}: {len(cases)} utterances, {exact_cases} fully right; exact-field accuracy "
          f"{overall.accuracy:.1%} ({overall.correct}/{overall.total} fields)")
    for op, score in sorted(per_op.items()):
        print(f"  {op:<17} {score.accuracy:.1%} ({score.correct}/{score.total})")
    if len(per_region) > 1:
        print("  " + "  ".join(f"{r} {sc.accuracy:.1%}" for r, sc in sorted(per_region.items())))
    if verbose:
        for wrong in overall.wrong:
            print("  wrong:", wrong)


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    for path in sorted(HELDOUT.glob("round*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        score_set(f"held-out {path.stem} (frozen {data.get('frozen_on')})", data["cases"], verbose)
    for path in sorted(HELDOUT.glob("no_proposal_round*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        today = dt.date(2026, 11, 20)
        wrongly = [c["text"] for c in data["cases"] if offline_proposes(c["text"], today)]
        n = len(data["cases"])
        print(f"{path.stem}: {n - len(wrongly)}/{n} give no proposal offline")
        for text in wrongly if verbose else []:
            print("  proposed anyway:", text)
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    overall = FieldScore()
    per_op: dict[str, FieldScore] = {}
    exact_cases = 0
    for case in cases:
        parsed = parse_utterance(case["text"], dt.date.fromisoformat(case["today"]))
        score = score_operations(case["operations"], parsed.to_json()["operations"], case["text"])
        overall.add(score)
        op = case["operations"][0]["op"] if case["operations"] else "none"
        per_op.setdefault(op, FieldScore()).add(score)
        exact_cases += score.correct == score.total
    print(f"tuning corpus: {len(cases)} utterances, {exact_cases} fully right")
    print(f"exact-field accuracy: {overall.accuracy:.1%} ({overall.correct}/{overall.total} fields)")
    for op, score in sorted(per_op.items()):
        print(f"  {op:<17} {score.accuracy:.1%} ({score.correct}/{score.total})")
    if "--verbose" in argv:
        for wrong in overall.wrong:
            print("  wrong:", wrong)
    if "--speech-only" in argv:
        return 0
    for script in ("receipts.py", "inventory_photos.py", "receipt_confirm.py"):
        if (REPO / "benchmarks" / script).exists():
            print(f"\n== benchmarks/{script}", flush=True)
            subprocess.run([sys.executable, str(REPO / "benchmarks" / script)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
