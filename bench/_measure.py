"""What the speed benchmarks share: percentiles of timings and the process's peak memory."""

from __future__ import annotations

import resource


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0–1) of `values` by rank; NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def peak_mb() -> float:
    """The most memory this process has held so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
