"""Receipt tasks without Cloud Tasks: a queue that records what is enqueued (by task name, refusing a name twice,
as Cloud Tasks does), a small kitchen to import, a receipt uploaded as far as its task, and a task delivered."""

from __future__ import annotations

import io
import json
from typing import Any

QUEUE = "projects/demo/locations/us-central1/queues/receipt-extraction"
KITCHEN = {
    "suppliers": [{"name": "Costco", "slug": "costco"}],
    "ingredients": [{"slug": "flour", "display_name": "All-Purpose Flour"},
                    {"slug": "butter", "display_name": "Butter"}, {"slug": "eggs", "display_name": "Eggs"}],
    "products": [{"id": "ka-flour-25", "ingredient_slug": "flour", "brand": "King Arthur",
                  "product_name": "All-Purpose Flour", "package_unit": "lb", "package_unit_quantity": 25}],
}


class RecordingQueue:
    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, dict[str, Any]]] = {}

    def enqueue(self, name: str, url: str, payload: dict[str, Any]) -> bool:
        if name in self.tasks:
            return False
        self.tasks[name] = (url, payload)
        return True


def receipt_photo(shade: int = 255) -> bytes:
    """A blank 320×640 JPEG; each shade makes other bytes (another receipt)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 640), (255, 255, shade)).save(out, "JPEG")
    return out.getvalue()


def uploaded_task(owner: dict[str, Any], shade: int = 255) -> dict[str, Any]:
    """A receipt uploaded by `owner` and its storage event handled: the payload of the task that reads it (the
    runtime's task queue must be a RecordingQueue)."""
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import gateway, main
    from functions.receipts import receipt_uploaded
    from functions.shared.operation import RUNTIME
    from tests.functions.conftest import unsigned_token

    request = Request(EnvironBuilder(method="POST", data=receipt_photo(shade), content_type="image/jpeg",
                                     query_string={"kind": "receipt"},
                                     headers={"Authorization": f"Bearer {unsigned_token(owner)}"}).get_environ())
    text, status, _ = main.upload_photo(request)
    assert status == 200, text
    uploaded = json.loads(text)
    receipt_uploaded(gateway.storage_finalized_event(uploaded["bucket"], uploaded["path"], "image/jpeg",
                                                     {"tenant_id": owner["tenant_id"], "kind": "receipt"}))
    assert isinstance(RUNTIME.tasks, RecordingQueue)
    return next(p for _, p in RUNTIME.tasks.tasks.values() if p["photo_id"] == uploaded["photo_id"])


def deliver(payload: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    """One delivery of the task: (status, body, headers)."""
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from functions import main

    request = Request(EnvironBuilder(method="POST", data=json.dumps(payload), content_type="application/json",
                                     headers={"X-CloudTasks-QueueName": QUEUE}).get_environ())
    text, status, headers = main.extract_receipt(request)
    return status, json.loads(text), dict(headers)
