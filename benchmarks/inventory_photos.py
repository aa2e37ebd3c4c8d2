"""The offline inventory-photo reader on 40 seeded synthetic photos (bags, jars, boxes; noise, blur, tilt).

Prints the level's mean absolute error (percentage points), the share within 10 and 15 points, the label-word
hit rate, and seconds per photo. Run: .venv/bin/python benchmarks/inventory_photos.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.inventory_photo import read_inventory_photo  # noqa: E402
from tests.support.inventory_images import inventory_photo  # noqa: E402


def main() -> int:
    errors: list[int] = []
    hits = unread = 0
    seconds: list[float] = []
    for seed in range(2000, 2040):
        photo = inventory_photo(seed)
        started = time.perf_counter()
        reading = read_inventory_photo(photo.data)
        seconds.append(time.perf_counter() - started)
        if reading.remaining_percentage is None:
            unread += 1
            errors.append(100)
        else:
            errors.append(abs(reading.remaining_percentage - photo.level))
        hits += photo.item.split()[0] in (reading.item_text or "")
    n = len(errors)
    read = [e for e in errors if e < 100]
    print(f"inventory photos: {n} synthetic photos, level unread on {unread}")
    within10, within15 = sum(e <= 10 for e in errors) / n, sum(e <= 15 for e in errors) / n
    print(f"level: mean absolute error {statistics.mean(read) if read else float('nan'):.1f} points (read ones); "
          f"within 10 points {within10:.0%}, within 15 points {within15:.0%}")
    print(f"label word found: {hits / n:.0%}")
    ordered = sorted(seconds)
    print(f"seconds per photo: median {statistics.median(seconds):.2f}  p95 {ordered[int(0.95 * (n - 1))]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
