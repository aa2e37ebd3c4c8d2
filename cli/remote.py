"""The CLI acting on a running stack (`--api URL`) as a signed-in user.

The ID token comes from BAKETRACKER_ID_TOKEN (the demo prints one); nothing else is sent.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any


class RemoteError(Exception):
    pass


def call_operation(api: str, operation: str, body: dict[str, Any] | None, *, method: str = "POST") -> dict[str, Any]:
    token = os.environ.get("BAKETRACKER_ID_TOKEN", "").strip()
    if not token:
        raise RemoteError("set BAKETRACKER_ID_TOKEN to a Firebase ID token (the demo stack prints one)")
    url = f"{api.rstrip('/')}/api/{operation}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "X-BakeTracker-Client": "cli",  # its activity records say the CLI made the call (docs/metrics.md)
    })
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read()).get("error", {})
        except ValueError:
            error = {}
        field = f" (field: {error['field']})" if error.get("field") else ""
        details = "".join(f"\n  - {d}" for d in error.get("details", [])[:50])
        raise RemoteError(f"{exc.code} {error.get('message', exc.reason)}{field}{details}") from exc
    except urllib.error.URLError as exc:
        raise RemoteError(f"cannot reach {url}: {exc.reason}") from exc
