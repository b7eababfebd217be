"""Erlang A (M/M/N+M): staffing with customer patience, so abandonment is part of the answer.

Exact up to a truncation of the queue at negligible probability (< 1e-13): the stationary
distribution of the birth–death chain in log space, then, for a caller who finds j callers
ahead, the chance of reaching an agent within T seconds. At each step the wait ends at rate
Nμ + iθ (an agent frees up or someone ahead gives up) and the caller's own patience runs out at
rate θ; the time spent at a step does not depend on which happens, so the probability is a
product of branch probabilities times a phase-type tail, computed by uniformisation.

Service level with abandonment is defined three ways in the industry; `SL_DEFINITIONS` names
them and `DEFAULT_SL` is the one shown unless asked otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp
from scipy.stats import poisson

SL_DEFINITIONS = {
    "offered": "answered within threshold / offered (abandons count against)",
    "answered": "answered within threshold / (offered − abandoned) (abandons ignored)",
    "short_abandons_excluded": "answered within threshold / (offered − abandoned within threshold)",
}
DEFAULT_SL = "offered"


@dataclass(frozen=True, slots=True)
class StaffingA:
    """What N agents achieve when callers give up after a mean patience."""

    agents: int
    traffic_erlangs: float
    service_level: float
    sl_definition: str
    asa_s: float  # mean wait of the callers who are answered
    occupancy: float
    abandon: float
    wait_probability: float

    def as_dict(self) -> dict:
        return {
            "agents": self.agents, "traffic_erlangs": round(self.traffic_erlangs, 6),
            "service_level": round(self.service_level, 6), "service_level_definition": SL_DEFINITIONS[self.sl_definition],
            "asa_s": round(self.asa_s, 6), "occupancy": round(self.occupancy, 6),
            "abandon": round(self.abandon, 6), "wait_probability": round(self.wait_probability, 6),
        }


def _queue_distribution(lam: float, mu: float, theta: float, n: int) -> tuple[float, np.ndarray]:
    """P(fewer than n in system) and P(exactly n + j in system) for j = 0, 1, … (truncated)."""
    a = lam / mu
    k = np.arange(n + 1)
    log_low = k * math.log(a) - gammaln(k + 1)
    # Beyond n, each extra caller multiplies by λ / (nμ + jθ); stop when it is negligible.
    logs, total, j = [], 0.0, 1
    while True:
        total += math.log(lam / (n * mu + j * theta))
        logs.append(total)
        if (total < -35 and lam < n * mu + j * theta) or j > 200_000:
            break
        j += 1
    log_high = log_low[-1] + np.concatenate(([0.0], np.array(logs)))
    norm = logsumexp(np.concatenate((log_low[:-1], log_high)))
    return float(np.exp(logsumexp(log_low[:-1]) - norm)), np.exp(log_high - norm)


def _uniformised(n: int, mu: float, theta: float, t: float, depth: int, start: float) -> np.ndarray:
    """For a caller with j = 0…depth−1 ahead, the chance at time t of having reached an agent
    (start=0) or of not having given up yet (start=1), by uniformisation of the position chain."""
    rates = n * mu + np.arange(depth) * theta  # leave step i (i ahead) towards the agent
    lam_u = float(rates[-1] + theta)
    stay, move = 1 - (rates + theta) / lam_u, rates / lam_u
    steps = int(lam_u * t + 12 * math.sqrt(lam_u * t + 1) + 20)
    weights = poisson.pmf(np.arange(steps + 1), lam_u * t)
    v = np.full(depth, start)
    out = weights[0] * v
    for m in range(1, steps + 1):
        # One jump forward from i ahead reaches i−1; from 0 ahead it reaches the agent (1).
        v = stay * v + move * np.concatenate(([1.0], v[:-1]))
        out = out + weights[m] * v
    return out


def evaluate(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float, patience_s: float, sl_definition: str = DEFAULT_SL) -> StaffingA:
    """Erlang A figures for a given staffing."""
    if not (calls >= 0 and interval_s > 0 and aht_s > 0 and patience_s > 0 and agents >= 1 and threshold_s >= 0):
        raise ValueError("calls ≥ 0; interval, AHT, patience > 0; agents ≥ 1")
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(f"unknown service-level definition {sl_definition!r}; one of {', '.join(SL_DEFINITIONS)}")
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    if lam == 0:
        return StaffingA(agents, 0.0, 1.0, sl_definition, 0.0, 0.0, 0.0, 0.0)
    p_free, high = _queue_distribution(lam, mu, theta, agents)
    j = np.arange(len(high))
    served_ever = np.exp(np.cumsum(np.log((agents * mu + j * theta) / (agents * mu + (j + 1) * theta))))
    within = _uniformised(agents, mu, theta, threshold_s, len(high), start=0.0)
    answered_in_t = p_free + float(high @ within)
    abandon = float(high @ (1 - served_ever))
    p_wait = float(high.sum())
    # Mean wait of answered callers: each step takes 1/(nμ+(i+1)θ) on average.
    step_means = np.cumsum(1 / (agents * mu + (j + 1) * theta))
    answered = 1 - abandon
    asa = float(high @ (served_ever * step_means)) / answered if answered > 0 else math.inf
    if sl_definition == "offered":
        sl = answered_in_t
    elif sl_definition == "answered":
        sl = answered_in_t / answered if answered > 0 else 0.0
    else:
        abandoned_in_t = float(high @ (1 - _uniformised(agents, mu, theta, threshold_s, len(high), start=1.0)))
        sl = answered_in_t / (1 - abandoned_in_t)
    occupancy = lam * answered / (agents * mu)
    return StaffingA(agents, lam / mu, min(sl, 1.0), sl_definition, asa, occupancy, abandon, p_wait)


def required_agents(calls: float, interval_s: float, aht_s: float, target_sl: float, threshold_s: float, patience_s: float, sl_definition: str = DEFAULT_SL) -> StaffingA:
    """The fewest agents meeting the target, searched upward from one agent.

    With abandonment a queue is stable below the offered load, so the search starts at 1,
    not at the load; the service level rises with agents, so the first hit is the minimum.
    """
    if not 0 < target_sl < 1:
        raise ValueError("target service level must be between 0 and 1 (exclusive)")
    a = calls * aht_s / interval_s
    # Jump close to the answer without passing it: well below the load it cannot be met.
    n = max(1, int(a - 4 * math.sqrt(a) - 5))
    if n > 1 and evaluate(calls, interval_s, aht_s, n, threshold_s, patience_s, sl_definition).service_level >= target_sl:
        n = 1
    while True:
        r = evaluate(calls, interval_s, aht_s, n, threshold_s, patience_s, sl_definition)
        if r.service_level >= target_sl:
            return r
        n += 1
