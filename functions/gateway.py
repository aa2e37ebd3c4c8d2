"""One local WSGI app serving every function under /api/<operation>, as the Hosting rewrites do."""

from __future__ import annotations

import json
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
        "list_proposals",
    )
}


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    request = Request(environ)
    parts = request.path.strip("/").split("/")
    handler = OPERATIONS.get(parts[1]) if len(parts) == 2 and parts[0] == "api" else None
    if handler is None:
        body = {"error": {"code": "not_found", "message": f"no operation at {request.path}", "field": None}}
        response = Response(json.dumps(body), 404, content_type="application/json")
    else:
        text, status, headers = handler(request)
        response = Response(text, status, headers=headers)
    return response(environ, start_response)


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)
