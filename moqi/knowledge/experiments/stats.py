"""An experiment's report, pure: each arm's mean outcome and share escalated with their 95%
intervals, the difference of means with Welch's interval, what is still to collect, and the
decision, made only at the fixed horizon."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import t as student_t

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    """A figure, its 95% interval (None where it cannot be told) and the sample it stands on."""

    value: float | None
    low: float | None
    high: float | None
    n: int


def mean(values: Sequence[float]) -> Interval:
    """The mean with Student's t interval."""
    n = len(values)
    if n == 0:
        return Interval(None, None, None, 0)
    m = sum(values) / n
    if n == 1:
        return Interval(m, None, None, 1)
    half = float(student_t.ppf(0.975, n - 1)) * math.sqrt(_var(values, m) / n)
    return Interval(m, m - half, m + half, n)


def welch(control: Sequence[float], variant: Sequence[float]) -> Interval:
    """variant − control, with Welch's interval (unequal variances, Welch–Satterthwaite df)."""
    na, nb = len(control), len(variant)
    if na < 2 or nb < 2:
        mc = sum(control) / na if na else None
        mv = sum(variant) / nb if nb else None
        diff = mv - mc if mc is not None and mv is not None else None
        return Interval(diff, None, None, na + nb)
    ma, mb = sum(control) / na, sum(variant) / nb
    qa, qb = _var(control, ma) / na, _var(variant, mb) / nb
    diff = mb - ma
    if qa + qb == 0:  # every value the same in both arms: the difference is exact
        return Interval(diff, diff, diff, na + nb)
    df = (qa + qb) ** 2 / (qa * qa / (na - 1) + qb * qb / (nb - 1))
    half = float(student_t.ppf(0.975, df)) * math.sqrt(qa + qb)
    return Interval(diff, diff - half, diff + half, na + nb)


def wilson(hits: int, n: int) -> Interval:
    """A share (0–1) with the Wilson score interval."""
    if n == 0:
        return Interval(None, None, None, 0)
    p = hits / n
    denominator = 1 + Z95 * Z95 / n
    centre = (p + Z95 * Z95 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 * Z95 / (4 * n * n)) / denominator
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == n else min(1.0, centre + half)
    return Interval(p, low, high, n)


def decision(difference: Interval, n_control: int, n_variant: int, horizon: int) -> str:
    """ "pending" before both arms reach the horizon; then "variant" (better: the interval of
    variant − control above 0), "control" (below 0) or "none" (it covers 0). A larger outcome
    is the better one (the customer's feeling rising, a higher rating)."""
    if min(n_control, n_variant) < horizon or difference.low is None or difference.high is None:
        return "pending"
    if difference.low > 0:
        return "variant"
    if difference.high < 0:
        return "control"
    return "none"


def still_needed(n_control: int, n_variant: int, horizon: int) -> dict[str, int]:
    """Contacts each arm still needs to reach the horizon."""
    return {"control": max(0, horizon - n_control), "variant": max(0, horizon - n_variant)}


def _var(values: Sequence[float], m: float) -> float:
    return sum((v - m) ** 2 for v in values) / (len(values) - 1)
