"""The frozen speech sets and synthetic receipts through the REAL Gemini: accuracy, latency, cost per item.

Not part of CI (it needs the network and a key, and costs money). Run it by hand:

    GEMINI_API_KEY=... .venv/bin/python scripts/eval_gemini.py [--model gemini-2.5-flash] [--receipts 12]
        [--sets round1,...] [--language de] [--currency EUR]

It prints, per frozen held-out speech set (tests/unit/speech/heldout/round*.json), the exact-field accuracy
scored exactly as `benchmarks/ai_input.py` scores the offline grammar; how many of the must-not-propose
sentences Gemini still turned into operations; and line-item F1 on synthetic receipt photos of every condition
and locale (tests/support/receipt_images.py). Then latency (median, p95) and the cost per item at the prices
given (defaults: Gemini 2.5 Flash's published paid-tier prices per million tokens, input $0.30 incl. images,
output $2.50; pass --input-price / --output-price when they change).

Without GEMINI_API_KEY it says so and exits 2 without calling anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.gemini import GeminiError, GeminiExtractor, ReadingHints  # noqa: E402
from core.speech.accuracy import FieldScore, score_operations  # noqa: E402
from core.speech.operations import ParsedInput  # noqa: E402

HELDOUT = REPO / "tests" / "unit" / "speech" / "heldout"


class Meter:
    """Latency and tokens of every call."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.prompt_tokens = 0
        self.answer_tokens = 0
        self.items = 0
        self.failures: list[str] = []

    def timed(self, extractor: GeminiExtractor, call: Callable[..., ParsedInput], *args: object) -> ParsedInput:
        start = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds.append(time.perf_counter() - start)
            self.prompt_tokens += extractor.usage.prompt
            self.answer_tokens += extractor.usage.answer

    def report(self, name: str, input_price: float, output_price: float) -> None:
        if not self.seconds:
            return
        ordered = sorted(self.seconds)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        cost = (self.prompt_tokens * input_price + self.answer_tokens * output_price) / 1_000_000
        per_item = cost / self.items if self.items else 0.0
        print(f"  {name}: {len(ordered)} calls, latency median {statistics.median(ordered):.2f} s, p95 {p95:.2f} s; "
              f"tokens {self.prompt_tokens} in / {self.answer_tokens} out; ${cost:.4f} in all, "
              f"${per_item:.5f} per item ({self.items} items)")
        for failure in self.failures[:10]:
            print("    failed:", failure)


def speech_sets(extractor: GeminiExtractor, names: list[str] | None, hints: ReadingHints,
                verbose: bool, prices: tuple[float, float]) -> None:
    for path in sorted(HELDOUT.glob("round*.json")):
        if names and path.stem not in names:
            continue
        cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        overall, meter = FieldScore(), Meter()
        for case in cases:
            today = dt.date.fromisoformat(case["today"])
            currency = {"UK": "GBP", "EU": "EUR"}.get(case.get("region", ""), hints.currency or "USD")
            case_hints = ReadingHints(language=hints.language, currency=currency)
            try:
                parsed = meter.timed(extractor, extractor.from_text, case["text"], today, case_hints)
            except GeminiError as exc:
                meter.failures.append(f"{case['text']!r}: {exc}")
                overall.add(score_operations(case["operations"], [], case["text"]))
                continue
            got = parsed.to_json()["operations"]
            meter.items += len(case["operations"])
            overall.add(score_operations(case["operations"], got, case["text"]))
        print(f"{path.stem}: {len(cases)} utterances, exact-field accuracy {overall.accuracy:.1%} "
              f"({overall.correct}/{overall.total})")
        for wrong in overall.wrong if verbose else []:
            print("    wrong:", wrong)
        meter.report("speech", *prices)
    for path in sorted(HELDOUT.glob("no_proposal_round*.json")):
        if names and path.stem.replace("no_proposal_", "") not in names:
            continue
        cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        meter, proposed = Meter(), []
        for case in cases:
            try:
                parsed = meter.timed(extractor, extractor.from_text, case["text"], dt.date(2026, 11, 20), hints)
            except GeminiError:
                continue
            ops = parsed.operations
            language = case.get("language", "en")
            # another language read correctly by Gemini is right; only English off-topic must give nothing
            if ops and language == "en":
                proposed.append(case["text"])
        print(f"{path.stem}: {len(cases) - len(proposed)}/{len(cases)} without an invented proposal "
              "(sentences in other languages may rightly be read)")
        for text in proposed if verbose else []:
            print("    proposed anyway:", text)
        meter.report("no-proposal", *prices)


def receipts(extractor: GeminiExtractor, count: int, verbose: bool, prices: tuple[float, float]) -> None:
    from core.receipts.lines import ReceiptLine, ReceiptReading
    from tests.support import receipt_images as ri

    harder = getattr(ri, "harder_receipt", None)  # the conditions and locales, when the generator has them
    meter, overall = Meter(), ri.Score()
    by_condition: dict[str, ri.Score] = {}
    for k in range(count):
        seed = 5000 + k
        receipt = harder(seed) if callable(harder) else ri.synthetic_receipt(seed)
        mime = "image/jpeg" if receipt.data[:3] == b"\xff\xd8\xff" else "image/png"
        currency = {"UK": "GBP", "EU": "EUR"}.get(getattr(receipt, "locale", "US"), "USD")
        try:
            parsed = meter.timed(extractor, extractor.from_receipt, receipt.data, mime, dt.date(2026, 12, 31),
                                 ReadingHints(currency=currency))
        except GeminiError as exc:
            meter.failures.append(f"seed {seed}: {exc}")
            parsed = ParsedInput("", "receipt", [], [])
        lines = []
        for op in parsed.operations:
            a = op.args
            if a.get("quantity") is None or a.get("price") is None:
                continue
            lines.append(ReceiptLine(str(a.get("item_name") or ""), Decimal(str(a["quantity"])), str(a.get("unit")),
                                     Decimal(str(a["price"])), None, None, ""))
        reading = ReceiptReading(None, None, lines, None, None, None, False)
        score = ri.score_lines(receipt.expected, reading)
        meter.items += len(receipt.expected)
        overall.add(score)
        by_condition.setdefault(f"{getattr(receipt, 'condition', 'clean')}/{getattr(receipt, 'locale', 'US')}",
                                ri.Score()).add(score)
        if verbose:
            print(f"  seed {seed}: F1 {score.f1:.2f}")
    print(f"receipts: {count} synthetic photos, line-item F1 {overall.f1:.3f} (precision {overall.precision:.3f}, "
          f"recall {overall.recall:.3f})")
    for name, score in sorted(by_condition.items()):
        print(f"  {name:<22} F1 {score.f1:.3f}")
    meter.report("receipts", *prices)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("GEMINI_MODEL") or "gemini-2.5-flash")
    parser.add_argument("--sets", default="", help="comma-separated set names (round1,...); all by default")
    parser.add_argument("--receipts", type=int, default=12, help="synthetic receipts to read (0: none)")
    parser.add_argument("--language", default=None, help="the baker's language told to the model (BCP 47)")
    parser.add_argument("--currency", default="USD", help="the bakery's currency for US cases (ISO 4217)")
    parser.add_argument("--input-price", type=float, default=0.30, help="USD per million input tokens")
    parser.add_argument("--output-price", type=float, default=2.50, help="USD per million output tokens")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    key = (os.environ.get("GEMINI_API_KEY") or "").strip()
    if not key:
        print("GEMINI_API_KEY is not set: nothing was sent. This script measures the real Gemini and is not "
              "part of CI; the offline readers are measured by benchmarks/ai_input.py.")
        return 2
    extractor = GeminiExtractor(key, model=args.model, base_url=os.environ.get("GEMINI_BASE_URL") or None)
    prices = (args.input_price, args.output_price)
    print(f"model {args.model}; prices ${args.input_price}/M input, ${args.output_price}/M output tokens")
    names = [n.strip() for n in args.sets.split(",") if n.strip()] or None
    speech_sets(extractor, names, ReadingHints(language=args.language, currency=args.currency), args.verbose,
                prices)
    if args.receipts:
        receipts(extractor, args.receipts, args.verbose, prices)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
