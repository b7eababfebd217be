"""Erlang A (M/M/N+M): staffing with customer patience, so abandonment is part of the answer.

Exact, in closed form. With x = Nμ/θ and y = λ/θ, a caller who finds N + j in the system
reaches an agent after V_j = Σ_{i≤j} Exp(θ(x+i)), so P(V_j ≤ t) = I_q(j+1, x) with
q = 1 − e^{−θt} (the (j+1)-th death of x+j lifetimes). Summed against the stationary
queue p_{N+j} = π_N y^j Γ(x+1)/Γ(x+j+1), the series collapse to regularised incomplete
gamma functions P(a, z):

    P(answered within T, waited) = π_N x e^y y^{−x−1} Γ(x+1) [P(x+1, y) − P(x+1, y e^{−θT})]
    P(waited, agent free for them by T)  = π_N e^y y^{−x} Γ(x+1) [P(x, y) − P(x, y e^{−θT})],

all evaluated in log space, so thousands of agents neither overflow nor underflow. Only the
mean wait of answered callers needs a (short, truncated) sum. Pure functions of their inputs.

Service level with abandonment is defined three ways in the industry; `SL_DEFINITIONS` names
them and `DEFAULT_SL` is the one shown unless asked otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln
from scipy.stats import poisson

from moqi.workforce import erlang

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


def _log_series(a: float, z: float) -> float:
    """log Σ_k z^k / ((a+1)(a+2)…(a+k)), the series behind P(a, z) in its lower tail."""
    terms, log_t, k = [0.0], 0.0, 1
    while log_t > -40 or z >= a + k:
        log_t += math.log(z / (a + k))
        terms.append(log_t)
        k += 1
    return float(np.logaddexp.reduce(terms))


def _log_p(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log P(a, z), the regularised lower incomplete gamma, without underflow."""
    p = gammainc(a, z)
    with np.errstate(divide="ignore"):
        out = np.log(p)
    # Deep in the lower tail P underflows; there its series converges fast, so sum it.
    for i in np.flatnonzero(~(p > 1e-250) & (z > 0)):
        out[i] = -z[i] + a[i] * math.log(z[i]) - gammaln(a[i] + 1) + _log_series(a[i], z[i])
    return out


def _log_gamma_diff(a: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """log(P(a, hi) − P(a, lo)) for hi ≥ lo, taking the difference on the side that keeps digits."""
    upper = lo > a  # both in the upper tail: Q differences are the small, exact ones
    with np.errstate(divide="ignore", invalid="ignore"):
        from_q = np.log(np.maximum(gammaincc(a, lo) - gammaincc(a, hi), 0.0))
        log_hi, log_lo = _log_p(a, hi), _log_p(a, lo)
        from_p = log_hi + np.log1p(-np.exp(np.minimum(log_lo - log_hi, 0.0)))
    return np.where(upper, from_q, from_p)


def _log_queue_mass(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log Σ_j y^j Γ(x+1)/Γ(x+j+1) (queue states relative to N in system), stable for any x, y."""
    return gammaln(x + 1) + y - x * np.log(y) + _log_p(x, y)


def _measures(lam: np.ndarray, mu: np.ndarray, theta: np.ndarray, n: np.ndarray, t: float) -> dict[str, np.ndarray]:
    """Closed-form Erlang A probabilities per element (n ≥ 1, λ > 0), log-space throughout."""
    n = n.astype(float)
    a, x, y = lam / mu, n * mu / theta, lam / theta
    log_low = poisson.logcdf(n - 1, a) - poisson.logpmf(n, a)  # P(< N in system) / π_N
    log_queue = _log_queue_mass(x, y)
    log_z = np.logaddexp(log_low, log_queue)
    base = -log_z + y + gammaln(x + 1) - np.log(y) * x  # log π_N e^y y^{−x} Γ(x+1)
    z_t = y * np.exp(-theta * t)
    scale = base + np.log(x) - np.log(y)  # log π_N x e^y y^{−x−1} Γ(x+1)
    served_t = np.exp(scale + _log_gamma_diff(x + 1, y, z_t))  # answered within T, after a wait
    served = np.exp(scale + _log_p(x + 1, y))  # answered at all, after a wait
    reached_t = np.exp(base + _log_gamma_diff(x, y, z_t))  # Σ p_j P(V_j ≤ T)
    p_wait = np.exp(log_queue - log_z)
    p_free = np.exp(log_low - log_z)
    abandon = np.clip(p_wait - served, 0.0, 1.0)
    # Abandoned within T: waited, and patience ran out before min(V, T).
    abandon_t = np.clip(p_wait - served_t - np.exp(-theta * t) * (p_wait - reached_t), 0.0, 1.0)
    return {"p_free": p_free, "p_wait": p_wait, "answered_t": np.clip(p_free + served_t, 0.0, 1.0), "abandon": abandon, "abandon_t": abandon_t}


def _service_level(m: dict[str, np.ndarray], definition: str) -> np.ndarray:
    if definition == "offered":
        sl = m["answered_t"]
    elif definition == "answered":
        sl = m["answered_t"] / np.maximum(1 - m["abandon"], 1e-300)
    else:
        sl = m["answered_t"] / np.maximum(1 - m["abandon_t"], 1e-300)
    return np.minimum(sl, 1.0)


def _check(calls: float, interval_s: float, aht_s: float, patience_s: float, threshold_s: float, sl_definition: str) -> None:
    if not (calls >= 0 and interval_s > 0 and aht_s > 0 and patience_s > 0 and threshold_s >= 0):
        raise ValueError("calls ≥ 0; interval, AHT, patience > 0; threshold ≥ 0")
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(f"unknown service-level definition {sl_definition!r}; one of {', '.join(SL_DEFINITIONS)}")


def _asa(lam: float, mu: float, theta: float, n: int) -> float:
    """Mean wait of answered callers: Σ_j p_{N+j} x/(x+j+1) Σ_{i≤j} 1/(θ(x+1+i)), truncated at 1e-17."""
    x, y = n * mu / theta, lam / theta
    total = weight = 0.0
    log_p, j, steps = 0.0, 0, 0.0
    while True:
        steps += 1 / (theta * (x + 1 + j))
        w = math.exp(log_p) * x / (x + j + 1)
        total += w * steps
        weight += w
        j += 1
        log_p += math.log(y / (x + j))
        if log_p < -40 and y < x + j:
            break
    return total / weight if weight > 0 else 0.0


def evaluate(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float, patience_s: float, sl_definition: str = DEFAULT_SL) -> StaffingA:
    """Erlang A figures for a given staffing."""
    _check(calls, interval_s, aht_s, patience_s, threshold_s, sl_definition)
    if agents < 1:
        raise ValueError("agents must be ≥ 1")
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    if lam == 0:
        return StaffingA(agents, 0.0, 1.0, sl_definition, 0.0, 0.0, 0.0, 0.0)
    m = _measures(np.array([lam]), np.array([mu]), np.array([theta]), np.array([agents]), threshold_s)
    m = {k: float(v[0]) for k, v in m.items()}
    sl = float(_service_level({k: np.array([v]) for k, v in m.items()}, sl_definition)[0])
    answered = 1 - m["abandon"]
    asa = _asa(lam, mu, theta, agents) * (m["p_wait"] - m["abandon"]) / answered if answered > 0 else math.inf
    occupancy = min(lam * answered / (agents * mu), 1.0)
    return StaffingA(agents, lam / mu, sl, sl_definition, asa, occupancy, m["abandon"], m["p_wait"])


def service_levels(calls: np.ndarray, interval_s: float, aht_s: np.ndarray, agents: np.ndarray, threshold_s: float, patience_s: float | np.ndarray, sl_definition: str = DEFAULT_SL) -> np.ndarray:
    """Service level of many slots at once (agents ≥ 1; slots without calls score 1)."""
    calls, aht, n = np.broadcast_arrays(np.asarray(calls, float), np.asarray(aht_s, float), np.asarray(agents))
    pat = np.broadcast_to(np.asarray(patience_s, float), calls.shape)
    out = np.ones(calls.shape)
    busy = calls > 0
    if busy.any():
        m = _measures(calls[busy] / interval_s, 1 / aht[busy], 1 / pat[busy], n[busy], threshold_s)
        out[busy] = _service_level(m, sl_definition)
    return out


def required_agents_grid(calls: np.ndarray, interval_s: float, aht_s: np.ndarray, target_sl: float, threshold_s: float, patience_s: float | np.ndarray, sl_definition: str = DEFAULT_SL) -> np.ndarray:
    """The fewest agents meeting the target in every slot at once (0 where no calls come).

    The Erlang C answer brackets from above (widened until it meets the target); the lower
    end starts at 0 agents, below any load. A bisection over every slot together keeps
    SL(lo) < target ≤ SL(hi), so each answer is verified against the agent one fewer: the
    true minimum, since the service level rises with agents.
    """
    if not 0 < target_sl < 1:
        raise ValueError("target service level must be between 0 and 1 (exclusive)")
    calls, aht = np.broadcast_arrays(np.asarray(calls, float), np.asarray(aht_s, float))
    pat = np.broadcast_to(np.asarray(patience_s, float), calls.shape)
    flat_c, flat_h, flat_p = calls.ravel(), aht.ravel(), pat.ravel()
    if not flat_c.size:
        return np.zeros(calls.shape, dtype=np.int64)
    _check(float(flat_c.min()), interval_s, float(flat_h.min()), float(flat_p.min()), threshold_s, sl_definition)
    hi = np.maximum(erlang.required_agents_grid(flat_c, interval_s, flat_h, target_sl, threshold_s), 1)
    busy = flat_c > 0

    def meets(k: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return service_levels(flat_c[idx], interval_s, flat_h[idx], k, threshold_s, flat_p[idx], sl_definition) >= target_sl

    # Widen the top until it meets the target (abandonment rarely needs more than Erlang C).
    todo = np.flatnonzero(busy)
    while todo.size:
        ok = meets(hi[todo], todo)
        todo = todo[~ok]
        hi[todo] = hi[todo] * 2
    # A close lower bracket saves bisection steps; it is checked, never trusted.
    lo = np.zeros_like(hi)
    guess = np.floor(hi - 3 * np.sqrt(hi) - 3).astype(np.int64)
    idx = np.flatnonzero(busy & (guess >= 1))
    if idx.size:
        below = ~meets(guess[idx], idx)
        lo[idx[below]] = guess[idx[below]]
    while True:
        idx = np.flatnonzero(busy & (hi - lo > 1))
        if not idx.size:
            break
        mid = (lo[idx] + hi[idx]) // 2
        ok = meets(mid, idx)
        hi[idx[ok]] = mid[ok]
        lo[idx[~ok]] = mid[~ok]
    return np.where(busy, hi, 0).reshape(calls.shape)


def required_agents(calls: float, interval_s: float, aht_s: float, target_sl: float, threshold_s: float, patience_s: float, sl_definition: str = DEFAULT_SL) -> StaffingA:
    """The fewest agents meeting the target, bracketed from below the load and verified.

    With abandonment a queue is stable below the offered load, so the lower end of the
    search is zero agents, not the load; the answer N always has SL(N − 1) < target.
    """
    _check(calls, interval_s, aht_s, patience_s, threshold_s, sl_definition)
    n = int(required_agents_grid(np.array([calls]), interval_s, np.array([aht_s]), target_sl, threshold_s, patience_s, sl_definition)[0])
    return evaluate(calls, interval_s, aht_s, max(n, 1), threshold_s, patience_s, sl_definition)
