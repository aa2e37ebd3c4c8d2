"""The MCP service as an ASGI app for Cloud Run: streamable HTTP at /mcp (stateless, JSON answers), /health
(and /healthz, as before: Cloud Run reserves some paths ending in 'z', so the uptime check uses /health).

Configuration (environment only): PORT; BAKETRACKER_MCP_URL, the public URL of /mcp (the resource MCP clients
are told about); BAKETRACKER_APP_URL, the PWA (for review links); GOOGLE_CLOUD_PROJECT (the token issuer is
https://securetoken.google.com/<project>). Bearer tokens are Firebase ID tokens; a missing or refused one is a
401 with `WWW-Authenticate: Bearer … resource_metadata=…`, and the protected-resource metadata is served at
/.well-known/oauth-protected-resource/mcp, naming Firebase's token issuer. Logs: one JSON line per tool call on
Cloud Run (functions/shared/logs.py); a failed tool call names its request id (mcp_service/request_ids.py).
"""

from __future__ import annotations

import os
from typing import Any

import anyio
from mcp.server.auth.settings import AuthSettings
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse

from functions.health import firestore_check, version
from functions.shared import logs
from functions.shared.auth import TokenVerifier
from functions.shared.backend import Backend
from mcp_service.auth import BakeryTokenVerifier
from mcp_service.request_ids import name_request_ids
from mcp_service.server import build_server


def create_app(backend: Backend, verifier: TokenVerifier, *, mcp_url: str, app_url: str = "",
               project: str = "demo-baketracker") -> Any:
    """The ASGI app (Starlette) serving the MCP tools over `backend`, callers verified by `verifier`."""
    server = build_server(
        backend, app_url=app_url, token_verifier=BakeryTokenVerifier(verifier, backend),
        auth=AuthSettings(issuer_url=f"https://securetoken.google.com/{project}",  # type: ignore[arg-type]
                          resource_server_url=mcp_url,  # type: ignore[arg-type]
                          validate_token_resource=False),  # firebase-admin checks the token's audience itself
    )

    logs.install("baketracker-mcp")
    name_request_ids(server)

    async def health(request: Request) -> JSONResponse:
        """As GET /api/health answers (functions/health.py): 200 ok, or 503 degraded when Firestore is unreachable."""
        firestore = await anyio.to_thread.run_sync(firestore_check, backend)
        body = {"status": "ok" if firestore["ok"] else "degraded", "checks": {"firestore": firestore},
                "version": version(), "service": "baketracker-mcp"}
        return JSONResponse(body, 200 if firestore["ok"] else 503, headers={"Cache-Control": "no-store"})

    server.custom_route("/health", methods=["GET"])(health)
    server.custom_route("/healthz", methods=["GET"])(health)

    host = mcp_url.split("://", 1)[-1].split("/", 1)[0]
    security = TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                         allowed_hosts=[host, "127.0.0.1:*", "localhost:*"],
                                         allowed_origins=[f"http://{host}", f"https://{host}"])
    return server.streamable_http_app(stateless_http=True, json_response=True, transport_security=security)


def main() -> None:  # pragma: no cover - the container's entry point
    import uvicorn

    from functions.shared.firestore_backend import FirestoreBackend

    port = int(os.environ.get("PORT", "8080"))
    project = os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-baketracker")
    app = create_app(FirestoreBackend.from_environment(), TokenVerifier(),
                     mcp_url=os.environ.get("BAKETRACKER_MCP_URL", f"http://127.0.0.1:{port}/mcp"),
                     app_url=os.environ.get("BAKETRACKER_APP_URL", ""), project=project)
    uvicorn.run(app, host=os.environ.get("HOST", "0.0.0.0"), port=port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    main()
