"""The application layer: each use case as the HTTP functions, the MCP tools and the CLI offer it.

A use case takes a `BakeryContext` (where the bakery's data is, which bakery — from the caller's verified
credential, never from its arguments — who asks, and an idempotency key) and plain arguments named as the
callers name them. It resolves names ("Winter Market 2026"), calls the core, and answers plain JSON-ready
data. Errors are the core's (`core.errors`), with `field` naming the caller's argument; each entry point maps
them to its own protocol (an HTTP status, an MCP tool error).
"""
