"""Core dataclasses ↔ Firestore documents: the codec lives in core (backups use it too); kept here for adapters."""

from core.document_codec import decode, encode

__all__ = ["decode", "encode"]
