"""One local WSGI app that answers as Firebase Hosting does in production, from firebase.json.

Every function under /api/<operation> (the Hosting rewrites), the built app (hosting/dist) at / with the
SPA fallback, the headers firebase.json declares, and Hosting's reserved /__/firebase/init.json; locally
only, /tasks/<handler> for the Cloud Tasks emulator. See docs/local-stack.md ("The app, as Hosting serves it").
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from functions import main
from functions.hosting import INIT_JSON, File, Hosting, Redirect

OPERATIONS: dict[str, Callable[[Any], tuple[str, int, dict[str, str]]]] = {
    name: getattr(main, name)
    for name in (
        "plan_event", "shopping_list", "export_desktop", "import_desktop", "create_tenant", "invite_member",
        "join_tenant", "list_members", "change_member_role", "remove_tenant_member",
        "create_api_key", "list_api_keys", "revoke_api_key", "get_bakery",
        "save_bakery_settings", "add_purchase", "list_purchases",
        "set_inventory_level", "record_loss", "record_production", "record_assembly", "save_catalog",
        "save_recipes", "save_finished_goods", "save_events", "delete_record", "upload_photo",
        "propose_from_text", "edit_proposal", "confirm_proposal", "reject_proposal", "undo_proposal",
        "list_proposals", "get_proposal", "receipt_status", "propose_from_photo",
        "register_push_token", "unregister_push_token", "scale_recipe", "can_make", "event_cost", "save_equipment",
        "get_quotas",
        "health",
        "export_bakery", "restore_bakery",
        "get_metrics",
    )
}
# Behind Hosting too: the rewrite of every other /api/ path, so it is a JSON 404 and never the app's page.
HOSTED: dict[str, Callable[[Any], tuple[str, int, dict[str, str]]]] = {**OPERATIONS,
                                                                         "api_not_found": main.api_not_found}
# Not behind Hosting: called by Cloud Tasks or Cloud Scheduler (production: IAM-protected, no public invoker).
TASK_HANDLERS: dict[str, Callable[[Any], tuple[str, int, dict[str, str]]]] = {
    "extract_receipt": main.extract_receipt,
    "event_reminders": main.event_reminders,
    "aggregate_activity": main.aggregate_activity,
    "fold_activity_chunk": main.fold_activity_chunk,
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


NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>BakeTracker: app not built</title>
</head><body><h1>The app is not built yet</h1><p>There is no {public}. Run <code>make install</code>, which builds the
app (hosting/) into it, then reload this page. The API answers meanwhile under /api/&lt;operation&gt;.</p></body></html>
"""
NOT_FOUND = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1><p>Nothing is served at {path}.</p></body></html>
"""


def local_web_config() -> dict[str, Any]:
    """What Hosting serves at /__/firebase/init.json, plus (locally only) where the emulators are."""
    project = os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-baketracker")
    config: dict[str, Any] = {"projectId": project, "apiKey": os.environ.get("BAKETRACKER_WEB_API_KEY", "demo-api-key"),
                              "authDomain": f"{project}.firebaseapp.com"}
    emulators: dict[str, Any] = {}
    if auth := os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
        emulators["auth"] = f"http://{auth}"
    if firestore := os.environ.get("FIRESTORE_EMULATOR_HOST"):
        host, _, port = firestore.rpartition(":")
        emulators["firestore"] = {"host": host, "port": int(port)}
    if emulators:
        config["emulators"] = emulators
    return config


def emulator_origins() -> list[str]:
    """The emulators' origins the browser calls directly (locally only, added to the CSP's connect-src)."""
    hosts = [os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"), os.environ.get("FIRESTORE_EMULATOR_HOST")]
    return [f"http://{host}" for host in hosts if host]


def _run_function(request: Request, handler: Callable[[Any], tuple[str, int, dict[str, str]]]) -> Response:
    text, status, headers = handler(request)
    response = _compressed(request, Response(text, status, headers=headers))
    if handler is main.upload_photo and status == 200:
        answer = json.loads(text)
        if answer["kind"] == "receipt" and answer["created"]:
            _emit_storage_event(answer)
    return response


def _static(request: Request, hosting: Hosting, file: Any, status: int = 200) -> Response:
    if request.method not in ("GET", "HEAD"):
        return Response("method not allowed", 405, headers={"Allow": "GET, HEAD"}, content_type="text/plain")
    body = file.read_bytes()
    response = Response(body, status, content_type=hosting.content_type(file))
    if status == 200:
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        response.make_conditional(request)
    return _compressed(request, response)


COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")
_GZIPPED: dict[str, bytes] = {}  # by ETag: each static file is compressed once


def _compressed(request: Request, response: Response) -> Response:
    """gzip as Firebase Hosting's CDN does, for clients that accept it (text, scripts, JSON over 1 KiB)."""
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "") \
            or not (response.mimetype or "").startswith(COMPRESSIBLE) or response.direct_passthrough:
        return response
    body = response.get_data()
    if len(body) < 1024:
        return response
    etag = response.get_etag()[0]
    packed = _GZIPPED.get(etag) if etag else None
    if packed is None:
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        if etag and len(_GZIPPED) < 512:
            _GZIPPED[etag] = packed
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    return response


def _not_found(request: Request, hosting: Hosting) -> Response:
    page = hosting.public / "404.html"
    if page.is_file():
        return _static(request, hosting, page, 404)
    return Response(NOT_FOUND.format(path=html.escape(request.path)), 404, content_type="text/html; charset=utf-8")


def make_app(hosting: Hosting | None = None) -> Callable[..., Iterable[bytes]]:
    """The gateway over a Hosting configuration (by default firebase.json and the public folder it names)."""
    hosting = hosting or Hosting.from_file()
    unknown = {f for f in hosting.function_rewrites().values() if f not in HOSTED}
    if unknown:
        raise RuntimeError(f"firebase.json rewrites to functions the gateway does not serve: {sorted(unknown)}")

    def route(request: Request) -> Response:
        path = request.path
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "tasks" and parts[1] in TASK_HANDLERS:  # local only: Cloud Tasks' target
            return _run_function(request, TASK_HANDLERS[parts[1]])
        if path == INIT_JSON:  # Hosting's reserved URLs come before everything else
            return Response(json.dumps(local_web_config()), 200, content_type="application/json")
        built = hosting.public.is_dir()
        if built:
            found = hosting.resolve(path, request.query_string.decode("latin-1"))
            if isinstance(found, Redirect):
                return Response("", 301, headers={"Location": found.location})
            if isinstance(found, File):
                return _static(request, hosting, found.path)
        rewrite = hosting.rewrite_for(path)
        if rewrite is not None and "function" in rewrite:
            function = rewrite["function"]
            return _run_function(request, HOSTED[function["functionId"] if isinstance(function, dict) else function])
        if not built:
            page = NOT_BUILT.format(public=html.escape(str(hosting.public)))
            return Response(page, 503, content_type="text/html; charset=utf-8", headers={"Retry-After": "10"})
        if rewrite is not None and "destination" in rewrite:
            target = hosting.public / rewrite["destination"].lstrip("/")
            return _static(request, hosting, target) if target.is_file() else _not_found(request, hosting)
        return _not_found(request, hosting)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = route(request)
        for key, value in hosting.headers(request.path, {"connect-src": emulator_origins()}):
            response.headers[key] = value
        return response(environ, start_response)

    return wsgi


app = make_app()


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)
