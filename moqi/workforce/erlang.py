"""Erlang C staffing: service level, ASA and occupancy for N agents, and the minimum N for a target.

Numerically stable for thousands of agents: Erlang B comes from the Poisson distribution in
log space (B(n, a) = pmf(n; a) / cdf(n; a)) and the recursion B(k) = aB(k−1) / (k + aB(k−1))
only ever moves between probabilities, so nothing overflows. Pure functions of their inputs.

>>> r = required_agents(calls=100, interval_s=1800, aht_s=180, target_sl=0.8, threshold_s=20)
>>> r.agents, round(r.service_level, 4)
(14, 0.8884)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson


@dataclass(frozen=True, slots=True)
class Staffing:
    """What N agents achieve in one slot."""

    agents: int
    traffic_erlangs: float
    service_level: float  # share of calls answered within the threshold
    asa_s: float  # average speed of answer, over all calls
    occupancy: float
    wait_probability: float

    def as_dict(self) -> dict:
        return {
            "agents": self.agents,
            "traffic_erlangs": round(self.traffic_erlangs, 6),
            "service_level": round(self.service_level, 6),
            "asa_s": round(self.asa_s, 6) if math.isfinite(self.asa_s) else None,
            "occupancy": round(self.occupancy, 6),
            "wait_probability": round(self.wait_probability, 6),
            "abandon": None,
        }


def _check(calls: float, interval_s: float, aht_s: float) -> float:
    if not (calls >= 0 and interval_s > 0 and aht_s > 0):
        raise ValueError("calls must be ≥ 0, interval and AHT > 0")
    return calls * aht_s / interval_s


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of `agents` servers under `traffic` Erlangs (log-space, no overflow)."""
    if agents < 0:
        raise ValueError("agents must be ≥ 0")
    if traffic == 0:
        return 0.0 if agents > 0 else 1.0
    return float(math.exp(poisson.logpmf(agents, traffic) - poisson.logcdf(agents, traffic)))


def evaluate(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float) -> Staffing:
    """Erlang C figures for a given staffing (an unstable queue serves nobody in time)."""
    a = _check(calls, interval_s, aht_s)
    if agents <= 0:
        raise ValueError("agents must be ≥ 1")
    if a == 0:
        return Staffing(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    if agents <= a:
        return Staffing(agents, a, 0.0, math.inf, 1.0, 1.0)
    b = erlang_b(a, agents)
    c = agents * b / (agents - a * (1 - b))
    sl = 1.0 - c * math.exp(-(agents - a) * threshold_s / aht_s)
    return Staffing(agents, a, sl, c * aht_s / (agents - a), a / agents, c)


def required_agents(calls: float, interval_s: float, aht_s: float, target_sl: float, threshold_s: float, max_occupancy: float = 1.0) -> Staffing:
    """The fewest agents meeting the service level (and the occupancy cap).

    The search starts below the offered load and walks up one agent at a time; the service
    level only rises with agents once the queue is stable, so the first N that meets the
    target is the true minimum.
    """
    if not 0 < target_sl < 1:
        raise ValueError("target service level must be between 0 and 1 (exclusive)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max occupancy must be in (0, 1]")
    a = _check(calls, interval_s, aht_s)
    if a == 0:
        return Staffing(0, 0.0, 1.0, 0.0, 0.0, 0.0)
    n = max(1, math.floor(a))
    b = erlang_b(a, n)
    while True:
        if n > a:
            c = n * b / (n - a * (1 - b))
            sl = 1.0 - c * math.exp(-(n - a) * threshold_s / aht_s)
            if sl >= target_sl and a / n <= max_occupancy:
                return Staffing(n, a, sl, c * aht_s / (n - a), a / n, c)
        n += 1
        b = a * b / (n + a * b)


def required_agents_grid(calls: np.ndarray, interval_s: float, aht_s: np.ndarray, target_sl: float, threshold_s: float) -> np.ndarray:
    """`required_agents` for many slots at once (same answers, vectorised with NumPy)."""
    a = np.asarray(calls, dtype=float) * np.asarray(aht_s, dtype=float) / interval_s
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), a.shape)
    n = np.maximum(1, np.floor(a)).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        b = np.where(a > 0, np.exp(poisson.logpmf(n, a) - poisson.logcdf(n, a)), 0.0)
        out = np.where(a == 0, 0, -1).astype(np.int64)
        while (out < 0).any():
            todo = out < 0
            stable = todo & (n > a)
            c = n * b / (n - a * (1 - b))
            sl = 1.0 - c * np.exp(-(n - a) * threshold_s / aht)
            out = np.where(stable & (sl >= target_sl), n, out)
            n = np.where(out < 0, n + 1, n)
            b = np.where(out < 0, a * b / (n + a * b), b)
    return out
