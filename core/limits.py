"""Rate limits: how many tries an account (or a network address) gets at something in a window of time.

Fixed windows: the window is the current whole multiple of `window_s` seconds since the epoch; a counter per
(who, what, window) is incremented by each try; past `allowed` tries, the answer is "wait until the window
ends". Pure: the counter lives in the backend; this module only names the counter and judges its value.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `allowed` tries of `what` per `window_s` seconds, per `per` ("account", "address")."""

    what: str
    per: str
    allowed: int
    window_s: int


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    tries: int  # this one included
    retry_after_s: int  # 0 when allowed


def window_of(now_s: float, limit: Limit) -> int:
    """The window `now_s` falls in (its start, in seconds since the epoch)."""
    return int(now_s // limit.window_s) * limit.window_s


def counter_key(limit: Limit, who: str, now_s: float) -> str:
    """The counter's name: no raw identity in it (an address or uid is hashed), and the window it counts."""
    digest = hashlib.sha256(f"{limit.per}\0{who}".encode()).hexdigest()[:24]
    return f"{limit.what}.{limit.per}.{digest}.{window_of(now_s, limit)}"


def judge(limit: Limit, tries: int, now_s: float) -> Verdict:
    """`tries` counted so far in this window, this one included."""
    if tries <= limit.allowed:
        return Verdict(True, tries, 0)
    ends = window_of(now_s, limit) + limit.window_s
    return Verdict(False, tries, max(1, math.ceil(ends - now_s)))


# An invitation code is 8 characters (40 bits): guessing must stay hopeless. An account gets 10 tries an hour,
# an address 30 (several people behind one router may join at once).
JOIN_BY_ACCOUNT = Limit("join_tenant", "account", 10, 3600)
JOIN_BY_ADDRESS = Limit("join_tenant", "address", 30, 3600)
