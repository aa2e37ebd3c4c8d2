"""Rate limits and daily quotas: how much an account, a bakery or a network address may do in a window of time.

Fixed windows: the window is the current whole multiple of `window_s` seconds since the epoch (a day's window
starts at 00:00 UTC); a counter per (who, what, window) adds up what was spent in it; a charge that would take
the counter past `allowed` is refused until the window ends. Pure: the counters live in the backend; this
module names them, judges their values and says in plain words what a refusal means. docs/limits.md lists
every limit and why its number is what it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

HOUR = 3600
DAY = 86_400
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `allowed` of `what` per `window_s` seconds, per `per` ("account", "bakery", "address", "caller").

    `noun` names what is counted in the baker's words ("AI readings"); `unit` is "tries" for a count, "bytes"
    for a size (the message then speaks in MiB)."""

    what: str
    per: str
    allowed: int
    window_s: int
    noun: str = ""
    unit: str = "tries"

    @property
    def window(self) -> str:
        return {HOUR: "hour", DAY: "day"}.get(self.window_s, f"{self.window_s} s")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    tries: int  # this one included
    retry_after_s: int  # 0 when allowed


@dataclass(frozen=True, slots=True)
class Charge:
    """What one call spends of one limit: `amount` (1 try, or a photo's bytes) on `who`'s counter."""

    limit: Limit
    who: str
    amount: int = 1


def window_of(now_s: float, limit: Limit) -> int:
    """The window `now_s` falls in (its start, in seconds since the epoch)."""
    return int(now_s // limit.window_s) * limit.window_s


def resets_at(limit: Limit, now_s: float) -> dt.datetime:
    """When the window `now_s` falls in ends (and its counter starts again from nothing)."""
    return dt.datetime.fromtimestamp(window_of(now_s, limit) + limit.window_s, dt.UTC)


def counter_key(limit: Limit, who: str, now_s: float) -> str:
    """The counter's name: no raw identity in it (an address or uid is hashed), the window's length and start."""
    digest = hashlib.sha256(f"{limit.per}\0{who}".encode()).hexdigest()[:24]
    return f"{limit.what}.{limit.per}.{limit.window_s}.{digest}.{window_of(now_s, limit)}"


def judge(limit: Limit, tries: int, now_s: float) -> Verdict:
    """`tries` counted so far in this window, this one included."""
    if tries <= limit.allowed:
        return Verdict(True, tries, 0)
    return Verdict(False, tries, retry_after(limit, now_s))


def retry_after(limit: Limit, now_s: float) -> int:
    """Whole seconds until the window ends (at least 1)."""
    ends = window_of(now_s, limit) + limit.window_s
    return max(1, math.ceil(ends - now_s))


def fits(charge: Charge, spent: int) -> bool:
    """Whether `charge` fits on a counter that holds `spent`."""
    return spent + charge.amount <= charge.limit.allowed


def amount_words(limit: Limit, amount: int) -> str:
    """'200 AI readings', '1024 MiB of photos'."""
    if limit.unit == "bytes":
        return f"{amount // MIB} MiB of {limit.noun}"
    return f"{amount} {limit.noun}"


WHOSE = {"bakery": "for this bakery", "account": "from your account", "address": "from this network address",
         "caller": "from this API key or account"}


def label(limit: Limit) -> str:
    """The counter in the baker's words: 'AI readings for this bakery'."""
    words = f"{limit.noun[:1].upper()}{limit.noun[1:]} {WHOSE.get(limit.per, '')}".strip()
    return f"{words} (MiB)" if limit.unit == "bytes" else words


def refusal(limit: Limit, now_s: float) -> str:
    """The refusal in plain words: which limit, and when there is more.

    'you have used today's 200 AI readings for this bakery; more tomorrow at 00:00 UTC (in 9 hours)'."""
    ends = resets_at(limit, now_s)
    period = {"day": "today's", "hour": "this hour's"}.get(limit.window, "these")
    when = f"tomorrow at {ends:%H:%M} UTC" if limit.window == "day" else f"at {ends:%H:%M} UTC"
    wait = retry_after(limit, now_s)
    minutes = max(1, round(wait / 60))
    later = f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes < 120 else f"{round(wait / 3600)} hours"
    return (f"you have used {period} {amount_words(limit, limit.allowed)} {WHOSE.get(limit.per, '')}; "
            f"more {when} (try again in {later})")


# -- the limits (docs/limits.md says why each number) ------------------------------------------------------------
# An invitation code is 8 characters (40 bits): guessing must stay hopeless. An account gets 10 tries an hour,
# an address 30 (several people behind one router may join at once). Every try counts, refused ones too.
JOIN_BY_ACCOUNT = Limit("join_tenant", "account", 10, HOUR, "tries at joining a bakery")
JOIN_BY_ADDRESS = Limit("join_tenant", "address", 30, HOUR, "tries at joining a bakery")

# Readings by an AI model (text, inventory photos, receipts; the MCP service's propose_from_text): they cost
# money when Gemini reads them, so a bakery gets 200 a day and an account 60 an hour. Offline, the readers use
# this machine's CPU (a receipt is 2-3 s of OCR): bounded too, more loosely.
AI_READINGS_GEMINI = (Limit("ai_readings", "bakery", 200, DAY, "AI readings"),
                      Limit("ai_readings", "account", 60, HOUR, "AI readings"))
AI_READINGS_OFFLINE = (Limit("ai_readings", "bakery", 1000, DAY, "AI readings"),
                       Limit("ai_readings", "account", 120, HOUR, "AI readings"))

# Photos stored in the bakery's bucket: by count and by size (a photo is at most 8 MiB; a phone's is 2-4 MiB).
PHOTOS_BY_BAKERY = Limit("photo_uploads", "bakery", 300, DAY, "photo uploads")
PHOTO_BYTES_BY_BAKERY = Limit("photo_bytes", "bakery", 1024 * MIB, DAY, "photo storage", unit="bytes")
PHOTOS_BY_ACCOUNT = Limit("photo_uploads", "account", 60, HOUR, "photo uploads")

# What an owner creates that opens the bakery to others.
INVITATIONS_BY_BAKERY = Limit("invitations", "bakery", 50, DAY, "invitations")
API_KEYS_BY_BAKERY = Limit("api_keys", "bakery", 20, DAY, "new API keys")

# Proposals an agent makes through the MCP service: by its key (or account) and by bakery.
AGENT_PROPOSALS_BY_CALLER = Limit("agent_proposals", "caller", 120, HOUR, "agent proposals")
AGENT_PROPOSALS_BY_BAKERY = Limit("agent_proposals", "bakery", 1000, DAY, "agent proposals")

# Every write through the functions, per account: far above a busy baker (an outbox flushing a day's worth
# offline is ~100), low enough that a client stuck in a loop is stopped within minutes.
WRITES_BY_ACCOUNT = Limit("writes", "account", 600, HOUR, "saves")


def ai_readings(gemini: bool) -> tuple[Limit, Limit]:
    """The AI-reading limits (by bakery, by account): strictest when a paid model reads."""
    return AI_READINGS_GEMINI if gemini else AI_READINGS_OFFLINE


def owner_quotas(gemini: bool) -> tuple[Limit, ...]:
    """What get_quotas shows an owner: the bakery's and the owner's own counters."""
    bakery_ai, account_ai = ai_readings(gemini)
    return (bakery_ai, PHOTOS_BY_BAKERY, PHOTO_BYTES_BY_BAKERY, AGENT_PROPOSALS_BY_BAKERY, INVITATIONS_BY_BAKERY,
            API_KEYS_BY_BAKERY, account_ai, PHOTOS_BY_ACCOUNT, WRITES_BY_ACCOUNT)
