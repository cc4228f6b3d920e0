"""Timing for the benchmark scripts: the median of repeated runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(repeats: int, run: Callable[[], object]) -> float:
    """The median wall-clock seconds of ``repeats`` calls of ``run``."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
