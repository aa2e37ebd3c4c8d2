"""The MCP service: AI agents plan, buy and take stock through strict, tenant-safe tools.

`server.py` defines the tools (pydantic-typed arguments, descriptions written for a model, read-only or
writing annotations) over the same application layer as the HTTP functions (`core.application`); `auth.py`
turns a bearer credential into the caller's bakery and role (never a tool argument); `app.py` is the
streamable-HTTP ASGI app for Cloud Run (stateless, JSON responses, `/healthz`, port from `PORT`).
"""
