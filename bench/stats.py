"""Medians, percentiles and pairwise ratios: the only arithmetic the figures use."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: with few samples, p99 is the slowest one, never interpolated."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return float(ordered[int(rank) - 1])


def pairwise_ratio(ours: Sequence[float], theirs: Sequence[float]) -> float:
    """The median of ours[i] / theirs[i]: each pair was measured in the same round."""
    return median([a / b for a, b in zip(ours, theirs, strict=True) if b > 0])
