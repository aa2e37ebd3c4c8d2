"""A small fixed-bucket latency histogram: merged by adding counts, so a p95 spans days and bakeries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Upper bounds in milliseconds; the last bucket holds everything slower than 10 s.
BOUNDS_MS = (5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0)
BUCKETS = len(BOUNDS_MS) + 1


def bucket_of(latency_ms: float) -> int:
    for i, bound in enumerate(BOUNDS_MS):
        if latency_ms <= bound:
            return i
    return len(BOUNDS_MS)


@dataclass(slots=True)
class LatencyDigest:
    counts: list[int] = field(default_factory=lambda: [0] * BUCKETS)
    max_ms: float = 0.0

    def add(self, latency_ms: float) -> None:
        self.counts[bucket_of(latency_ms)] += 1
        self.max_ms = max(self.max_ms, latency_ms)

    def merge(self, other: LatencyDigest) -> None:
        for i, n in enumerate(other.counts):
            self.counts[i] += n
        self.max_ms = max(self.max_ms, other.max_ms)

    def quantile(self, q: float) -> float:
        """The upper bound of the bucket holding the q-quantile (no slower than the slowest call seen)."""
        total = sum(self.counts)
        if total == 0:
            return 0.0
        rank = q * total
        seen = 0
        for i, n in enumerate(self.counts):
            seen += n
            if n and seen >= rank:
                return min(BOUNDS_MS[i], self.max_ms) if i < len(BOUNDS_MS) else self.max_ms
        return self.max_ms

    @staticmethod
    def of(counts: Sequence[int], max_ms: float) -> LatencyDigest:
        padded = [int(n) for n in counts][:BUCKETS]
        return LatencyDigest(padded + [0] * (BUCKETS - len(padded)), float(max_ms))
