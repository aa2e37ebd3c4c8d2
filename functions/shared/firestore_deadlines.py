"""Firestore calls that give up in seconds, not minutes, when the database cannot be reached.

The client's own defaults retry an unreachable Firestore for 60 s (reads and commits) to 300 s
(queries) before failing; a function would hold its caller that long and then answer 500. Here
every call of one client keeps its own retry rules (which errors are retried) but stops retrying
after `UNARY_SECONDS` (reads by key, begin, commit, rollback) or `STREAM_SECONDS` (queries and
batched reads, whose stream must also end in that time). The operation then fails with the
client's `RetryError` / `ServiceUnavailable` / `DeadlineExceeded`, which the HTTP wrapper answers
as 503 `unavailable` with a Retry-After (functions/shared/errors.py: `unavailable`).

`BAKETRACKER_FIRESTORE_SECONDS` sets the unary limit (the stream limit is 3 times that).

The client's channel also tries to reconnect at least every 2 s (`reconnect_quickly`), so calls succeed
again within seconds of the database coming back (docs/load.md).
"""

from __future__ import annotations

import os
from typing import Any

UNARY_SECONDS = 10.0
STREAM_SECONDS = 30.0


def limits_from_environment() -> tuple[float, float]:
    raw = os.environ.get("BAKETRACKER_FIRESTORE_SECONDS", "").strip()
    try:
        unary = float(raw) if raw else UNARY_SECONDS
    except ValueError:
        unary = UNARY_SECONDS
    unary = unary if unary > 0 else UNARY_SECONDS
    return unary, unary * 3 if raw else STREAM_SECONDS


def bound_waits(client: Any, unary: float | None = None, stream: float | None = None) -> Any:
    """Shorten the default retry deadline and timeout of every request-response call of `client`.

    Long-lived streams (listen, write) are left alone. Returns the client."""
    default_unary, default_stream = limits_from_environment()
    unary = unary or default_unary
    stream = stream or default_stream
    reconnect_quickly(client)
    transport = client._firestore_api._transport
    for rpc, wrapped in transport._wrapped_methods.items():
        kind = type(rpc).__name__
        if "StreamStream" in kind:
            continue
        limit = stream if "UnaryStream" in kind else unary
        retry = getattr(wrapped, "_retry", None)
        if retry is not None:
            wrapped._retry = retry.with_timeout(limit)
        wrapped._timeout = limit
    return client


# gRPC waits longer and longer between attempts to reconnect while the database is away (1 s, 1.6 s, … up to
# 120 s): after a minute away, calls kept failing for 20-30 s after it was back. At most 2 s here.
RECONNECT_OPTIONS = (("grpc.initial_reconnect_backoff_ms", 250), ("grpc.min_reconnect_backoff_ms", 250),
                     ("grpc.max_reconnect_backoff_ms", 2000))


def reconnect_quickly(client: Any) -> None:
    """Give `client` (before its first call) a channel that tries to reconnect at least every 2 s.

    Builds the channel as the Firestore client itself does (google-cloud-firestore 2.x,
    `BaseClient._firestore_api_helper` and `_emulator_channel`), with the reconnect options added."""
    if getattr(client, "_firestore_api_internal", None) is not None:
        return  # its channel exists already
    import grpc
    from google.cloud.firestore_v1 import base_client
    from google.cloud.firestore_v1.services.firestore import client as gapic
    from google.cloud.firestore_v1.services.firestore.transports.grpc import FirestoreGrpcTransport

    if client._emulator_host is not None:
        token = getattr(client._credentials, "id_token", None) or "owner"
        channel = grpc.insecure_channel(client._emulator_host, options=[
            ("Authorization", f"Bearer {token}"), *base_client._GRPC_MSG_SIZE_OPTIONS, *RECONNECT_OPTIONS])
    else:
        channel = FirestoreGrpcTransport.create_channel(
            client._target, credentials=client._credentials,
            options=[*base_client._DEFAULT_CHANNEL_OPTIONS, *RECONNECT_OPTIONS])
    client._transport = FirestoreGrpcTransport(host=client._target, channel=channel)
    client._firestore_api_internal = gapic.FirestoreClient(transport=client._transport,
                                                           client_options=client._client_options)
    gapic._client_info = client._client_info
