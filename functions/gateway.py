"""One local WSGI app serving every function under /api/<operation>, as the Hosting rewrites do."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from functions import main

OPERATIONS: dict[str, Callable[[Any], tuple[str, int, dict[str, str]]]] = {
    name: getattr(main, name)
    for name in (
        "plan_event", "shopping_list", "export_desktop", "import_desktop", "create_tenant", "invite_member",
        "join_tenant", "list_members", "change_member_role", "remove_tenant_member", "add_purchase",
        "set_inventory_level", "record_loss", "record_production", "record_assembly", "save_catalog",
        "save_recipes", "save_finished_goods", "save_events", "delete_record", "upload_photo",
        "propose_from_text", "edit_proposal", "confirm_proposal", "reject_proposal", "undo_proposal",
        "list_proposals", "receipt_status", "propose_from_photo",
    )
}
# Not behind Hosting: called by Cloud Tasks (production: IAM-protected, no public invoker).
TASK_HANDLERS: dict[str, Callable[[Any], tuple[str, int, dict[str, str]]]] = {
    "extract_receipt": main.extract_receipt,
}
log = logging.getLogger("baketracker.gateway")


def storage_finalized_event(bucket: str, name: str, content_type: str, metadata: dict[str, str]) -> Any:
    """The CloudEvent Cloud Storage sends through Eventarc when an object is written."""
    from cloudevents.http import CloudEvent

    attributes = {"type": "google.cloud.storage.object.v1.finalized",
                  "source": f"//storage.googleapis.com/projects/_/buckets/{bucket}", "subject": f"objects/{name}",
                  "id": uuid.uuid4().hex, "specversion": "1.0"}
    return CloudEvent(attributes, {"bucket": bucket, "name": name, "contentType": content_type,
                                   "metadata": metadata})


def _emit_storage_event(answer: dict[str, Any]) -> None:
    """Locally the storage emulator fires no events: send the one Eventarc would, after the response, as it does."""
    event = storage_finalized_event(answer["bucket"], answer["path"], answer["content_type"],
                                    {"tenant_id": answer["path"].split("/")[1], "kind": answer["kind"]})

    def deliver() -> None:
        try:
            main.receipt_uploaded(event)
        except Exception:
            log.exception("receipt_uploaded failed for %s", answer["path"])

    threading.Thread(target=deliver, daemon=True).start()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    request = Request(environ)
    parts = request.path.strip("/").split("/")
    routes = {"api": OPERATIONS, "tasks": TASK_HANDLERS}.get(parts[0], {}) if len(parts) == 2 else {}
    handler = routes.get(parts[1])
    if handler is None:
        body = {"error": {"code": "not_found", "message": f"no operation at {request.path}", "field": None}}
        response = Response(json.dumps(body), 404, content_type="application/json")
    else:
        text, status, headers = handler(request)
        response = Response(text, status, headers=headers)
        if handler is main.upload_photo and status == 200:
            answer = json.loads(text)
            if answer["kind"] == "receipt" and answer["created"]:
                _emit_storage_event(answer)
    return response(environ, start_response)


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)
