"""Erlang C staffing: service level, ASA and occupancy for N agents, and the minimum N for a target.

Numerically stable for thousands of agents: Erlang B comes from the Poisson distribution in
log space (B(n, a) = pmf(n; a) / cdf(n; a)) and the recursion B(k) = aB(k−1) / (k + aB(k−1))
only ever moves between probabilities, so nothing overflows. Inputs outside the bounds in
`limits.py`, NaN and ±inf raise ValueError naming the input, and every search stops at
`limits.AGENTS`, so no call runs unbounded. Pure functions of their inputs.

>>> r = required_agents(calls=100, interval_s=1800, aht_s=180, target_sl=0.8, threshold_s=20)
>>> r.agents, round(r.service_level, 4)
(14, 0.8884)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

from moqi.errors import Invalid
from moqi.workforce import limits


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
    """The offered load in Erlangs, once every input is known to be finite and in bounds."""
    limits.CALLS.check(calls)
    limits.INTERVAL_S.check(interval_s)
    limits.AHT_S.check(aht_s)
    return limits.TRAFFIC_ERLANGS.check(calls * aht_s / interval_s)


def _check_grid(calls: np.ndarray, interval_s: float, aht_s: np.ndarray) -> np.ndarray:
    """`_check` for every slot of a grid: the offered load per slot."""
    calls = limits.CALLS.check_all(calls)
    limits.INTERVAL_S.check(interval_s)
    aht = limits.AHT_S.check_all(aht_s)
    return limits.TRAFFIC_ERLANGS.check_all(calls * aht / interval_s)


def _too_many(a: float, what: str = "the target") -> Invalid:
    return Invalid(
        f"meeting {what} under an offered load of {a:,.1f} Erlangs needs more than {limits.AGENTS.high:,g} agents"
    )


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of `agents` servers under `traffic` Erlangs (log-space, no overflow)."""
    if not agents >= 0:
        raise Invalid("agents must be ≥ 0")
    if not (math.isfinite(traffic) and traffic >= 0):
        raise Invalid(f"traffic must be a finite number ≥ 0 Erlangs, not {traffic!r}")
    if traffic == 0:
        return 0.0 if agents > 0 else 1.0
    return float(math.exp(poisson.logpmf(agents, traffic) - poisson.logcdf(agents, traffic)))


def evaluate(
    calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float
) -> Staffing:
    """Erlang C figures for a given staffing (an unstable queue serves nobody in time)."""
    a = _check(calls, interval_s, aht_s)
    limits.AGENTS.check(agents)
    limits.THRESHOLD_S.check(threshold_s)
    if a == 0:
        return Staffing(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    if agents <= a:
        return Staffing(agents, a, 0.0, math.inf, 1.0, 1.0)
    b = erlang_b(a, agents)
    c = agents * b / (agents - a * (1 - b))
    sl = 1.0 - c * math.exp(-(agents - a) * threshold_s / aht_s)
    return Staffing(agents, a, sl, c * aht_s / (agents - a), a / agents, c)


def required_agents(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_sl: float,
    threshold_s: float,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The fewest agents meeting the service level (and the occupancy cap).

    The search starts below the offered load (or at the occupancy cap's floor, a/cap) and walks
    up one agent at a time; the service level only rises with agents once the queue is stable,
    so the first N that meets the target is the true minimum. Within the bounds it meets the
    target within a few hundred steps; it stops at `limits.AGENTS` whatever happens.
    """
    limits.TARGET_SL.check(target_sl)
    limits.MAX_OCCUPANCY.check(max_occupancy)
    limits.THRESHOLD_S.check(threshold_s)
    a = _check(calls, interval_s, aht_s)
    if a == 0:
        return Staffing(0, 0.0, 1.0, 0.0, 0.0, 0.0)
    # Below a/cap no staffing meets the cap: start there (one lower, against rounding).
    n = max(1, math.floor(a), math.floor(a / max_occupancy) - 1)
    what = (
        "the target"
        if max_occupancy == 1
        else f"the target and an occupancy of at most {max_occupancy:g}"
    )
    if n > limits.AGENTS.high:
        raise _too_many(a, what)
    b = erlang_b(a, n)
    while n <= limits.AGENTS.high:
        if n > a:
            c = n * b / (n - a * (1 - b))
            sl = 1.0 - c * math.exp(-(n - a) * threshold_s / aht_s)
            if sl >= target_sl and a / n <= max_occupancy:
                return Staffing(n, a, sl, c * aht_s / (n - a), a / n, c)
        n += 1
        b = a * b / (n + a * b)
    raise _too_many(a, what)


def required_agents_grid(
    calls: np.ndarray, interval_s: float, aht_s: np.ndarray, target_sl: float, threshold_s: float
) -> np.ndarray:
    """`required_agents` for many slots at once (same answers, vectorised with NumPy)."""
    limits.TARGET_SL.check(target_sl)
    limits.THRESHOLD_S.check(threshold_s)
    calls, aht_s = np.broadcast_arrays(
        np.asarray(calls, dtype=float), np.asarray(aht_s, dtype=float)
    )
    a = _check_grid(calls, interval_s, aht_s)
    aht = aht_s
    n = np.maximum(1, np.floor(a)).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
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
            if (n > limits.AGENTS.high).any():
                raise _too_many(float(a[n > limits.AGENTS.high].max()))
    return out
