"""What one function instance remembers of each bakery's collections, and how it knows it is current.

Every bakery has a version document, `tenants/{t}/meta/version`, holding one counter per
collection (`collections.<name>`). Every commit that writes a collection increments its
counter in the same commit, blindly (a field transform: no read, so no contention). A
cached collection is current while its counter is unchanged, so a write invalidates only
the collections it wrote: storing a proposal never reloads the recipes, and a purchase
reloads purchases and lots, not the catalog.

Reading the counters always happens before reading a collection's documents, so a cached
collection is never older than the counter it is filed under (at worst newer, which costs
one extra reload). After its own commit, an instance applies its writes to its cache and
files them under counter + 1; if anyone else wrote that collection in between, the counter
is further on and the collection is simply reloaded next time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CachedCollection:
    version: int  # the collection's counter this content is filed under
    items: Mapping[str, Any]  # key -> entity (never mutated: replaced whole)
    stamps: Mapping[str, Any]  # key -> the document's update_time, to check at commit that it is unchanged


class TenantCache:
    """One bakery's cached collections; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._collections: dict[str, CachedCollection] = {}
        self.reloads = 0  # how many collection queries were needed (for benchmarks and tests)

    def get(self, name: str) -> CachedCollection | None:
        return self._collections.get(name)

    def store(self, name: str, entry: CachedCollection) -> None:
        with self._lock:
            current = self._collections.get(name)
            if current is None or current.version <= entry.version:
                self._collections[name] = entry

    def drop(self, name: str) -> None:
        with self._lock:
            self._collections.pop(name, None)


class BakeryCaches:
    """The caches of the most recently used bakeries of this instance (least recently used dropped)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._tenants: OrderedDict[str, TenantCache] = OrderedDict()

    def tenant(self, tenant_id: str) -> TenantCache:
        with self._lock:
            cache = self._tenants.get(tenant_id)
            if cache is None:
                cache = self._tenants[tenant_id] = TenantCache()
            self._tenants.move_to_end(tenant_id)
            while len(self._tenants) > self._size:
                self._tenants.popitem(last=False)
            return cache
