"""Survey statistics with their uncertainty: a mean score, the share satisfied, the NPS.

Every figure a manager compares carries a 95% interval and its sample size, and a group with
fewer than SMALL answers is marked: a team's 4.8 from five answers is not better than another's
4.5 from five hundred.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import t as student_t

Z95 = 1.959963984540054
SMALL = 30


@dataclass(frozen=True)
class Figure:
    """A figure, its 95% interval and the answers it stands on (value None: no answers)."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def small(self) -> bool:
        return self.n < SMALL


NONE = Figure(None, None, None, 0)


def mean_score(scores: Sequence[int]) -> Figure:
    """The mean with Student's t interval (1–5 satisfaction)."""
    n = len(scores)
    if n == 0:
        return NONE
    mean = sum(scores) / n
    if n == 1:
        return Figure(mean, None, None, 1)
    variance = sum((s - mean) ** 2 for s in scores) / (n - 1)
    half = float(student_t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    return Figure(mean, mean - half, mean + half, n)


def share(hits: int, n: int) -> Figure:
    """A share in percent with the Wilson score interval (good at 0%, 100% and small n)."""
    if n == 0:
        return NONE
    p = hits / n
    denominator = 1 + Z95 * Z95 / n
    centre = (p + Z95 * Z95 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 * Z95 / (4 * n * n)) / denominator
    low = 0.0 if hits == 0 else max(0.0, centre - half)  # exactly 0 and 1 at the ends, not
    high = 1.0 if hits == n else min(1.0, centre + half)  # 0.99999… from rounding
    return Figure(100 * p, 100 * low, 100 * high, n)


def nps(recommend: Sequence[int]) -> Figure:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), from −100 to 100.

    The interval is that of a difference of two shares of one multinomial sample, its variance
    taken with one pseudo-answer of each kind added (as Agresti–Coull does for one share), so
    that ten promoters out of ten do not make an interval of zero width."""
    n = len(recommend)
    if n == 0:
        return NONE
    promoters = sum(1 for r in recommend if r >= 9)
    detractors = sum(1 for r in recommend if r <= 6)
    score = (promoters - detractors) / n
    p, d = (promoters + 1) / (n + 3), (detractors + 1) / (n + 3)
    half = Z95 * math.sqrt((p + d - (p - d) ** 2) / (n + 3))
    low, high = max(-1.0, score - half), min(1.0, score + half)
    return Figure(100 * score, 100 * low, 100 * high, n)
