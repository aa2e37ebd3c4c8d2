"""The platform's day, split so that no document grows with the number of bakeries or users.

`metrics_days/{day}` (the main document) keeps what does not grow with them: calls, errors and latency per
operation, purchases by source, proposals, and the day's counts (active users, active bakeries, sign-ups).
The id sets (user, bakery and event hashes: active users, active bakeries, sign-ups, events first seen, plans
first complete) go to `SHARDS` shard documents `metrics_days/{day}/metrics_shards/{00..3f}`, each key to the
shard its hash picks (`shard_of`). A key lands in the same shard every day, so the weekly actives and the
retention cohorts are counted exactly shard by shard and added up (core/metrics/answer.py); a shard holds about
1/64 of the day's ids. The main document lists the shards that hold anything, so a quiet day is read cheaply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.activity.daily import DailyAggregate

SHARDS = 64
SET_FIELDS = ("users", "bakeries", "signups", "events_seen", "plans_complete")


def shard_of(key: str) -> str:
    """The shard of a user, bakery or event key: two hex digits, 00..3f."""
    return f"{int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % SHARDS:02x}"


@dataclass(slots=True)
class PlatformDay:
    totals: DailyAggregate  # without the id sets
    active_users: int
    active_bakeries: int
    signups: int
    shards: dict[str, DailyAggregate] = field(default_factory=dict)  # shard → its part of the id sets

    @property
    def day(self) -> str:
        return self.totals.day

    def main_document(self) -> dict[str, Any]:
        document = {k: v for k, v in self.totals.to_dict().items() if k not in SET_FIELDS}
        return {**document, "active_users": self.active_users, "active_bakeries": self.active_bakeries,
                "signup_count": self.signups, "shards": sorted(self.shards)}

    def shard_documents(self) -> dict[str, dict[str, Any]]:
        return {shard: {"day": self.day, "shard": shard,
                        **{k: v for k, v in part.to_dict().items() if k in SET_FIELDS}}
                for shard, part in sorted(self.shards.items())}


def split(platform: DailyAggregate) -> PlatformDay:
    """The platform's day aggregate as its main document's figures and its shards' id sets."""
    totals = DailyAggregate(platform.day, operations=platform.operations, purchases=platform.purchases,
                            proposals=platform.proposals)
    shards: dict[str, DailyAggregate] = {}

    def part(key: str) -> DailyAggregate:
        shard = shard_of(key)
        found = shards.get(shard)
        if found is None:
            found = shards[shard] = DailyAggregate(platform.day)
        return found

    for user in platform.users:
        part(user).users.add(user)
    for user in platform.signups:
        part(user).signups.add(user)
    for bakery in platform.bakeries:
        part(bakery).bakeries.add(bakery)
    for key, stamp in platform.events_seen.items():
        part(key).events_seen[key] = stamp
    for key, stamp in platform.plans_complete.items():
        part(key).plans_complete[key] = stamp
    return PlatformDay(totals, len(platform.users), len(platform.bakeries), len(platform.signups), shards)


def shards_listed(main_document: Mapping[str, Any]) -> list[str] | None:
    """The shards a main document lists; None for a day folded before the split (its ids are in it)."""
    if "shards" not in main_document:
        return None
    return [str(s) for s in main_document["shards"] or ()]


def document_size(document: Mapping[str, Any], name: str = "") -> int:
    """A document's size as Firestore counts it against its 1 MiB limit: its name (`name`, the path), 32 bytes,
    and each field's name (UTF-8 bytes + 1) and value (a string's bytes + 1, a number 8, a bool or null 1,
    arrays and maps the sum of their parts)."""
    return len(name.encode()) + 1 + 32 + _map_size(document)


def _map_size(value: Mapping[str, Any]) -> int:
    return sum(len(str(k).encode()) + 1 + _value_size(v) for k, v in value.items())


def _value_size(value: Any) -> int:
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, int | float):
        return 8
    if isinstance(value, str):
        return len(value.encode()) + 1
    if isinstance(value, Mapping):
        return _map_size(value)
    if isinstance(value, list | tuple):
        return sum(_value_size(v) for v in value)
    raise TypeError(f"no Firestore size for {type(value).__name__}")
