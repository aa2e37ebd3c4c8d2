"""Receipts a baker confirms as read: each receipt through the path a receipt takes (parse, draft, proposal),
then `confirm_proposal` with no edits, and each line judged against what it means (`bakery_receipts.Expected`).

Shared by benchmarks/receipt_confirm.py (functions over the in-memory backend) and the Firestore-emulator test
(tests/integration/test_receipt_confirm_on_emulator.py). `post(operation, body) -> (status, json)` calls a
function as the baker; the text of a receipt is turned into its proposal exactly as `extract_receipt` turns an
OCR reading into one (`submit_text`); a photo goes through `upload_photo` → the storage event → the task.

A line counts as **confirmable as read** when the proposal confirms with the line as proposed, and the purchase
it makes is of the right ingredient with the total printed (converted to the product's unit). When a confirm
is refused on one line (`operations.N.…`), that line is struck out with its reason and the rest confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.bakery import Bakery
from core.errors import ConversionError
from core.measures.units import convert
from core.proposals import service
from core.proposals.drafting import draft_operations
from core.proposals.model import Source
from core.receipts.lines import read_receipt_text
from core.speech.operations import ParsedInput
from tests.support.bakery_receipts import BakeryReceipt, ReceiptItem

Post = Callable[[str, Any], tuple[int, Any]]
TODAY = dt.date(2026, 12, 2)


@dataclass
class Tally:
    lines: int = 0  # bakery lines (an ingredient is expected)
    confirmed_right: int = 0
    not_bakery: int = 0
    not_bakery_kept_out: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.confirmed_right / self.lines if self.lines else 0.0

    def note(self, item: ReceiptItem, outcome: str, detail: str = "") -> None:
        self.by_kind.setdefault(item.kind, Counter())[outcome] += 1
        if item.expected.ingredient_slug is None:
            self.not_bakery += 1
            self.not_bakery_kept_out += outcome == "kept out"
            if outcome != "kept out":
                self.reasons[f"not-bakery line {outcome}"] += 1
            return
        self.lines += 1
        if outcome == "ok":
            self.confirmed_right += 1
            return
        self.reasons[outcome] += 1
        shown = self.examples.setdefault(outcome, [])
        if len(shown) < 4:
            shown.append(f"{item.printed.splitlines()[0]!r}: {detail}"[:240])

    def add(self, other: Tally) -> None:
        self.lines += other.lines
        self.confirmed_right += other.confirmed_right
        self.not_bakery += other.not_bakery
        self.not_bakery_kept_out += other.not_bakery_kept_out
        self.reasons.update(other.reasons)
        for kind, counts in other.by_kind.items():
            self.by_kind.setdefault(kind, Counter()).update(counts)
        for outcome, shown in other.examples.items():
            mine = self.examples.setdefault(outcome, [])
            mine.extend(shown[: max(0, 4 - len(mine))])

    def report(self, title: str) -> str:
        out = [f"{title}: {self.confirmed_right}/{self.lines} bakery lines confirmable as read ({self.share:.1%}); "
               f"not-bakery lines kept out {self.not_bakery_kept_out}/{self.not_bakery}"]
        for reason, n in self.reasons.most_common():
            out.append(f"  {n:>4}  {reason}")
            out += [f"          e.g. {e}" for e in self.examples.get(reason, [])[:2]]
        for kind, counts in sorted(self.by_kind.items()):
            ok = counts["ok"] + counts["kept out"]
            out.append(f"  by kind {kind:<13} {ok}/{sum(counts.values())}")
        return "\n".join(out)


def seed_demo(post: Post) -> None:
    """The demo bakery's data, imported as devstack/run.py imports it (the desktop sample, then the winter plans)."""
    from tests.functions.demo_baker import demo_data

    for data in demo_data():
        status, answer = post("import_desktop", {"data": data})
        assert status == 200, answer


def run_receipts(post: Post, backend: Any, tenant: str, seeds: range, *, by: str) -> Tally:
    """Receipts for the bakery as it is before each (confirmed ones stay: the history of the next)."""
    from tests.support.bakery_receipts import bakery_receipt

    tally = Tally()
    for seed in seeds:
        tally.add(run_receipt(post, backend, tenant, bakery_receipt(backend.planning_bakery(tenant), seed), by=by))
    return tally


def run_receipt(post: Post, backend: Any, tenant: str, receipt: BakeryReceipt, *, by: str,
                first_suggestion: bool = False, proposal_id: str | None = None) -> Tally:
    """One receipt's text (or, given `proposal_id`, the proposal its photo became) confirmed and judged."""
    pid = proposal_id or submit_text(backend, tenant, receipt.text, by=by)
    final, struck = confirm_as_read(post, pid, first_suggestion=first_suggestion)
    tally = Tally()
    with backend.unit_of_work(tenant, read_only=True) as uow:  # with its purchases: a planning read has summaries
        bakery = uow.load_bakery()
    judge(receipt, final, struck, effects_of(backend, tenant, pid), bakery, tally)
    return tally


def submit_text(backend: Any, tenant: str, text: str, *, by: str, today: dt.date = TODAY) -> str:
    """The receipt's text to a proposal, as `functions.receipts.extract_receipt` does after OCR."""
    reading = read_receipt_text(text, today)
    parsed = ParsedInput("", "receipt", reading.operations(), list(reading.notes))
    operations, notes = draft_operations(parsed, backend.planning_bakery(tenant))
    with backend.unit_of_work(tenant) as uow:
        proposal = service.submit(uow, source=Source.RECEIPT, operations=operations, by=by,
                                  model="offline-receipt-ocr", notes=notes)
    return proposal.id


def _pair(items: tuple[ReceiptItem, ...], operations: list[dict[str, Any]]) -> dict[int, int]:
    """Receipt item index → operation index, by the line's price (each used once), in order."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, item in enumerate(items):
        for j, op in enumerate(operations):
            price = op["args"].get("price")
            if j not in used and price is not None and Decimal(str(price)) == item.price:
                pairs[i] = j
                used.add(j)
                break
    return pairs


def _reason(message: str) -> str:
    if "is not in your catalog" in message:
        return "no item chosen (not matched, or several)"
    if "not a whole number of" in message:
        return "not a whole number of the product's packages"
    if "cannot be counted" in message:
        return "amount cannot be counted in the product's packages"
    return message.split(":")[0][:80]


def confirm_as_read(post: Post, proposal_id: str, *, first_suggestion: bool = False
                    ) -> tuple[dict[str, Any], dict[int, str]]:
    """Confirm with no edits (or taking each unmatched line's first alternative); a line the confirm refuses is
    struck out with its reason and the rest confirmed. The final proposal, and index → reason for those struck."""
    status, proposal = post("get_proposal", {"proposal_id": proposal_id})
    assert status == 200, proposal
    if first_suggestion:
        changes = []
        for op in proposal["operations"]:
            args = op["args"]
            if not (args.get("product_id") or args.get("ingredient_slug")) and args.get("alternatives"):
                first = args["alternatives"][0]
                key = "product_id" if first["kind"] == "product" else "ingredient_slug"
                changes.append({"index": op["index"], "args": {key: first["key"]}})
        if changes:
            status, proposal = post("edit_proposal", {"proposal_id": proposal_id, "changes": changes})
            assert status == 200, proposal
    struck: dict[int, str] = {}
    for _ in range(len(proposal["operations"]) + 1):
        status, answer = post("confirm_proposal", {"proposal_id": proposal_id})
        if status == 200:
            return answer, struck
        error = answer["error"]
        where = str(error.get("field") or "")
        parts = where.split(".")
        if status != 400 or len(parts) < 2 or parts[0] != "operations" or not parts[1].isdigit():
            raise AssertionError(f"confirm refused for the whole proposal: {status} {answer}")
        index = int(parts[1])
        struck[index] = error["message"]
        live = [op for op in proposal["operations"] if not op["removed"] and op["index"] not in struck]
        if not live:
            return proposal, struck
        status, proposal = post("edit_proposal", {"proposal_id": proposal_id, "remove": [index]})
        assert status == 200, proposal
    raise AssertionError("confirm kept failing")


def _quantity_in(amount: Decimal, unit: str, wanted: str, bakery: Bakery, ingredient_slug: str) -> Decimal | None:
    ingredient = bakery.ingredients.get(ingredient_slug)
    try:
        if ingredient is not None:
            return convert(amount, unit, wanted, ingredient.conversion_basis)
        return convert(amount, unit, wanted)
    except ConversionError:
        return None


def _same_name(bakery: Bakery, one: str, other: str) -> bool:
    """Two ingredients a catalog lists under the same words ("Pastry flour", "Flour, pastry"): no receipt can tell
    them apart, and either is right."""
    import re

    def words(slug: str) -> set[str]:
        ingredient = bakery.ingredients.get(slug)
        return set(re.findall(r"[a-z]+", ingredient.display_name.lower())) if ingredient else {slug}

    return words(one) == words(other)


def effects_of(backend: Any, tenant: str, proposal_id: str) -> dict[int, Any]:
    with backend.unit_of_work(tenant, read_only=True) as uow:
        stored = uow.proposals.get(proposal_id)
    return {e.op_index: e for e in stored.effects} if stored is not None else {}


def judge(receipt: BakeryReceipt, final: dict[str, Any], struck: dict[int, str], effects: dict[int, Any],
          bakery: Bakery, tally: Tally) -> None:
    """Each line of the receipt: confirmed and right, or why not."""
    operations = final["operations"]
    pairs = _pair(receipt.items, operations)
    for i, item in enumerate(receipt.items):
        want = item.expected
        if i not in pairs:
            tally.note(item, "not read from the receipt (parser)", "no line with its price")
            continue
        j = pairs[i]
        if j in struck:
            outcome = "kept out" if want.ingredient_slug is None else _reason(struck[j])
            tally.note(item, outcome, struck[j])
            continue
        effect = effects.get(j)
        purchase_id = next((c.key for c in effect.created if c.collection == "purchases"), None) if effect else None
        if purchase_id is None or purchase_id not in bakery.purchases:
            tally.note(item, "not applied", str(final.get("status")))
            continue
        purchase = bakery.purchases[purchase_id]
        product = bakery.products[purchase.product_id]
        if want.ingredient_slug is None:
            tally.note(item, f"matched to {product.ingredient_slug}")
            continue
        if product.ingredient_slug != want.ingredient_slug and not _same_name(bakery, product.ingredient_slug,
                                                                             want.ingredient_slug):
            tally.note(item, "wrong ingredient", f"{product.ingredient_slug} instead of {want.ingredient_slug}")
            continue
        bought = purchase.quantity_purchased * product.package_unit_quantity
        if want.quantity is not None and want.unit is not None:
            got = _quantity_in(bought, product.package_unit, want.unit, bakery, want.ingredient_slug)
            if got is None or abs(got - want.quantity) > Decimal("0.01") * want.quantity:
                tally.note(item, "wrong quantity", f"{bought} {product.package_unit} for {want.quantity} {want.unit}")
                continue
        elif purchase.quantity_purchased != want.packages:
            tally.note(item, "wrong quantity", f"{purchase.quantity_purchased} packages for {want.packages}")
            continue
        tally.note(item, "ok")
