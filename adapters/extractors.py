"""Which extractor reads an input: Gemini when an API key is configured, else the offline ones.

Each reader returns what was read (`ParsedInput`: operations in the CLI's shape, with per-field
confidence, and notes), the model that read it, and notes of its own. The functions and the CLI
both read through here, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core.speech.operations import SAID, Operation, ParsedInput
from core.speech.parse import parse_utterance

if TYPE_CHECKING:
    from adapters.gemini import ReadingHints

OFFLINE_GRAMMAR = "offline-grammar"
OFFLINE_OCR = "offline-receipt-ocr"
OFFLINE_PHOTO = "offline-photo-reader"
TRANSIENT = ("timeout", "rate_limited", "http", "network")


def gemini_configured() -> bool:
    """Whether an AI model reads inputs here (GEMINI_API_KEY set); else the offline readers do."""
    from adapters.gemini import extractor_from_env

    return extractor_from_env() is not None


def read_text(text: str, today: dt.date, hints: ReadingHints | None = None) -> tuple[ParsedInput, str, list[str]]:
    """A voice transcript or typed sentence; when Gemini fails, the offline grammar answers. `hints` (the baker's
    language, the bakery's currency) are told to Gemini; the offline grammar reads English only."""
    from adapters.gemini import GeminiError, extractor_from_env

    extractor = extractor_from_env()
    if extractor is not None:
        try:
            return extractor.from_text(text, today, hints), extractor.model, []
        except GeminiError as exc:
            return parse_utterance(text, today), OFFLINE_GRAMMAR, [f"Gemini was unavailable ({exc}); read offline"]
    return parse_utterance(text, today), OFFLINE_GRAMMAR, []


def read_receipt(image: bytes, mime_type: str, today: dt.date, *, raise_transient: bool = False,
                 hints: ReadingHints | None = None) -> tuple[ParsedInput, str, list[str]]:
    """A receipt photo; Gemini's transient failures are raised when the caller can retry (a task)."""
    from adapters.gemini import GeminiError, extractor_from_env

    notes: list[str] = []
    extractor = extractor_from_env()
    if extractor is not None:
        try:
            return extractor.from_receipt(image, mime_type, today, hints), extractor.model, []
        except GeminiError as exc:
            if raise_transient and exc.reason in TRANSIENT:
                raise
            notes.append(f"Gemini could not read it ({exc}); read offline")
    from adapters.receipt_ocr import extract_receipt

    reading = extract_receipt(image, today)
    return ParsedInput("", "receipt", reading.operations(), list(reading.notes)), OFFLINE_OCR, notes


def read_inventory_photo(image: bytes, mime_type: str, item_hint: str = "") -> tuple[ParsedInput, str, list[str]]:
    """A photo of a container: what it is (label, or the baker's word) and how full it looks."""
    from adapters.gemini import GeminiError, extractor_from_env

    notes: list[str] = []
    extractor = extractor_from_env()
    if extractor is not None:
        try:
            return extractor.from_inventory_photo(image, mime_type, item_hint or None), extractor.model, []
        except GeminiError as exc:
            notes.append(f"Gemini could not read it ({exc}); read offline")
    from adapters.inventory_photo import read_inventory_photo as read_offline

    reading = read_offline(image)
    name = item_hint or reading.item_text
    args: dict[str, Any] = {"item_name": name, "remaining_percentage": reading.remaining_percentage}
    confidence = {"item_name": SAID if item_hint else (0.5 if name else 0.0),
                  "remaining_percentage": reading.level_confidence}
    parsed = ParsedInput("", "inventory_photo", [Operation("adjust_inventory", args, confidence)],
                         list(reading.notes))
    return parsed, OFFLINE_PHOTO, notes


def with_spoken_note(parsed: ParsedInput, note: str, today: dt.date) -> ParsedInput:
    """What the baker said with a photo ("about half full") outranks what was read from the photo."""
    said = parse_utterance(note, today) if note.strip() else None
    heard = next((op for op in said.operations if op.op == "adjust_inventory"), None) if said else None
    if heard is None or not parsed.operations:
        return parsed
    first = parsed.operations[0]
    args, confidence = dict(first.args), dict(first.confidence)
    for name in ("remaining_percentage", "quantity", "unit"):
        if heard.args.get(name) is not None:
            args[name] = heard.args[name]
            confidence[name] = heard.confidence.get(name, SAID)
    if heard.args.get("quantity") is not None:
        args.pop("remaining_percentage", None)
    if not args.get("item_name") and heard.args.get("item_name"):
        args["item_name"], confidence["item_name"] = heard.args["item_name"], SAID
    return ParsedInput(parsed.text, parsed.kind, [Operation(first.op, args, confidence), *parsed.operations[1:]],
                       parsed.unresolved)
