"""Storage rules on active membership (issue 14): what the functions-level suite checks of them.

The rules themselves are executed by Google's Firebase rules engine (the gcloud SDK's Firestore emulator jar,
its `firebase.storage` service) in tests/integration/test_storage_rules_engine.py, with the member documents the
functions write on the Firestore emulator. Here, without emulators: the rules ask of a member what
firestore.rules asks (so the two services cannot drift apart), the app reads nothing from Storage itself, and the
paths that do serve photos — the functions — refuse a removed member's token at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from functions import main
from functions.shared.memory_backend import MemoryBackend
from functions.shared.operation import RUNTIME
from functions.shared.photo_store import MemoryPhotoStore
from tests.functions.conftest import call
from tests.functions.test_abuse_limits import _photo, _upload

REPO = Path(__file__).resolve().parents[2]
MEMBER_DOC = "/databases/(default)/documents/tenants/$(tenantId)/members/$(request.auth.uid)"


def _conditions(rules: str, function: str) -> set[str]:
    """The `&&`-joined conditions a rules function returns, in one spelling for both services."""
    body = re.search(rf"function {function}\(tenantId\) \{{\s*return (.*?);\s*\}}", rules, re.S)
    assert body is not None, function
    spelled = re.sub(r"\s+", " ", body.group(1))
    canonical = {
        "firestore.exists(member(tenantId))": "exists(MEMBER)",
        "exists(/databases/$(database)/documents/tenants/$(tenantId)/members/$(request.auth.uid))": "exists(MEMBER)",
        "firestore.get(member(tenantId))": "get(MEMBER)",
        "membership(tenantId)": "get(MEMBER)",
    }
    for spelling, meaning in canonical.items():
        spelled = spelled.replace(spelling, meaning)
    return {c.strip() for c in spelled.split("&&")}


def test_storage_asks_of_a_member_what_firestore_asks() -> None:
    storage = (REPO / "storage.rules").read_text()
    firestore = (REPO / "firestore.rules").read_text()
    asked = _conditions(storage, "isMember")
    assert asked == _conditions(firestore, "isMember")
    assert {"get(MEMBER).data.active == true", "get(MEMBER).data.role == request.auth.token.role",
            "exists(MEMBER)"} <= asked
    assert f"return {MEMBER_DOC};" in storage  # the same members/{uid} document, in the default database


def test_the_app_reads_no_photo_from_storage_itself() -> None:
    """Photos reach people only through functions, which check active membership on every call."""
    sources = [p for p in (REPO / "hosting" / "src").rglob("*") if p.suffix in (".ts", ".svelte", ".js")]
    assert sources
    assert [p for p in sources if "firebase/storage" in p.read_text(errors="replace")] == []


def test_a_removed_member_is_refused_the_bakerys_photos_at_once(backend: MemoryBackend) -> None:
    photos = MemoryPhotoStore()
    previous = RUNTIME._photos
    RUNTIME.use_photos(photos)
    try:
        tenant = call(main.create_tenant, {"name": "Kept Bakes"}, claims={"uid": "kim"})[1]["tenant_id"]
        owner = {"uid": "kim", "tenant_id": tenant, "role": "owner"}
        code = call(main.invite_member, {"role": "baker"}, claims=owner)[1]["code"]
        assert call(main.join_tenant, {"code": code}, claims={"uid": "rex"})[0] == 200
        rex: dict[str, Any] = {"uid": "rex", "tenant_id": tenant, "role": "baker"}  # the token he keeps
        status, stored, _ = _upload(rex, _photo(42))
        assert status == 200
        reading = {"photo_id": stored["photo_id"], "item": "flour"}
        assert call(main.propose_from_photo, reading, claims=rex)[0] != 403  # while a member, he reaches it
        assert call(main.remove_tenant_member, {"uid": "rex"}, claims=owner)[0] == 200
        status, answer = call(main.propose_from_photo, reading, claims=rex)
        assert (status, answer["error"]["code"]) == (403, "not_a_member")
        assert _upload(rex, _photo(43))[0] == 403
        assert call(main.receipt_status, {"photo_id": stored["photo_id"]}, claims=rex)[0] == 403
    finally:
        RUNTIME._photos = previous
