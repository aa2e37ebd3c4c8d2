"""The offline extractors' accuracy: the speech grammar's exact-field accuracy on the corpus (target >= 95%),
then receipt line-item F1 on synthetic receipt photos (target >= 0.9, `benchmarks/receipts.py`) and the
inventory-photo level error (`benchmarks/inventory_photos.py`).

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


def main(argv: list[str]) -> int:
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
    print(f"speech corpus: {len(cases)} utterances, {exact_cases} fully right")
    print(f"exact-field accuracy: {overall.accuracy:.1%} ({overall.correct}/{overall.total} fields)")
    for op, score in sorted(per_op.items()):
        print(f"  {op:<17} {score.accuracy:.1%} ({score.correct}/{score.total})")
    if "--verbose" in argv:
        for wrong in overall.wrong:
            print("  wrong:", wrong)
    if "--speech-only" in argv:
        return 0
    for script in ("receipts.py", "inventory_photos.py"):
        if (REPO / "benchmarks" / script).exists():
            print(f"\n== benchmarks/{script}", flush=True)
            subprocess.run([sys.executable, str(REPO / "benchmarks" / script)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
