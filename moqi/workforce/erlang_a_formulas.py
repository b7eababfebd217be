"""Erlang A (M/M/N+M) in closed form: the probabilities of one staffing, and the mean wait.

Exact, in closed form. With x = Nμ/θ and y = λ/θ, a caller who finds N + j in the system
reaches an agent after V_j = Σ_{i≤j} Exp(θ(x+i)), so P(V_j ≤ t) = I_q(j+1, x) with
q = 1 − e^{−θt} (the (j+1)-th death of x+j lifetimes). Summed against the stationary
queue p_{N+j} = π_N y^j Γ(x+1)/Γ(x+j+1), the series collapse to regularised incomplete
gamma functions P(a, z):

    P(answered within T, waited) = π_N x e^y y^{−x−1} Γ(x+1) [P(x+1, y) − P(x+1, y e^{−θT})]
    P(waited, agent free for them by T)  = π_N e^y y^{−x} Γ(x+1) [P(x, y) − P(x, y e^{−θT})],

all evaluated in log space, so thousands of agents neither overflow nor underflow. Only the
mean wait of answered callers needs a sum, taken in log space over the queue lengths that carry
weight (found by bisection, summed in blocks), and the deep lower tail of P a series summed the
same way. Every loop has a cap, so no call runs unbounded. Pure functions of their inputs,
which `erlang_a.py` has checked against the bounds in `limits.py`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma, gammainc, gammaincc, gammaln
from scipy.stats import poisson

from moqi.errors import Invalid

# Terms more than e^-TAIL below the largest are left out of a sum: they change no digit a double keeps.
TAIL = 40.0
# The sums below run in blocks of at most BLOCK terms and refuse to go past MAX_TERMS (a
# second's work). Within the request bounds in `limits.py` the longest needs a few hundred
# thousand; only a pure caller's patience of months, with thousands of calls a minute, meets the cap.
BLOCK = 1 << 18
MAX_TERMS = 1 << 22


def _log_series(a: float, z: float) -> float:
    """log Σ_k z^k / ((a+1)(a+2)…(a+k)), the series behind P(a, z) in its lower tail.

    Summed in blocks of growing length until the terms have passed their peak (z < a + k) and
    fallen e^-TAIL below the first; past MAX_TERMS it refuses rather than run on.
    """
    total, log_t, k, block = 0.0, 0.0, 1, 64
    while log_t > -TAIL or z >= a + k:
        if k > MAX_TERMS:
            raise Invalid(
                f"the incomplete gamma series P({a:g}, {z:g}) needs more than {MAX_TERMS:,} terms: give a shorter patience"
            )
        logs = log_t + np.cumsum(np.log(z / (a + np.arange(k, k + block, dtype=float))))
        total = float(np.logaddexp(total, np.logaddexp.reduce(logs)))
        log_t, k, block = float(logs[-1]), k + block, min(2 * block, BLOCK)
    return total


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


def measures(
    lam: np.ndarray, mu: np.ndarray, theta: np.ndarray, n: np.ndarray, t: float
) -> dict[str, np.ndarray]:
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
    return {
        "p_free": p_free,
        "p_wait": p_wait,
        "answered_t": np.clip(p_free + served_t, 0.0, 1.0),
        "abandon": abandon,
        "abandon_t": abandon_t,
    }


def _harmonic(start: float, count: int) -> float:
    """Σ_{i<count} 1/(start + i): summed directly when short, else as ψ(start + count) − ψ(start)."""
    if count <= BLOCK:
        return float(np.sum(1.0 / (start + np.arange(count, dtype=float))))
    return float(digamma(start + count) - digamma(start))


def _log_weight(x: float, log_y: float, j: float) -> float:
    """log of the stationary weight of j callers queued, relative to none: log y^j Γ(x+1)/Γ(x+j+1)."""
    return j * log_y - (gammaln(x + j + 1) - gammaln(x + 1))


def _queue_window(x: float, y: float) -> tuple[int, int]:
    """The queue lengths [lo, hi] whose stationary weight is within e^-TAIL of the largest.

    The weight is log-concave in j with its peak at j* = max(0, ⌊y − x⌋), so each end is found
    by doubling the step and then bisecting: some hundred evaluations, however long the queue.
    """
    log_y = math.log(y)
    peak = max(0, math.floor(y - x))
    # A little past TAIL: at this size gammaln rounds by more than the last digit.
    floor = _log_weight(x, log_y, peak) - TAIL - 5

    def edge(direction: int) -> int:
        inside, step = peak, 1
        for _ in range(128):  # the step doubles: 2^128 states is past any float
            probe = peak + direction * step
            if probe < 0:
                return 0
            if _log_weight(x, log_y, probe) < floor:
                break
            inside, step = probe, 2 * step
        else:
            raise Invalid(f"no end to the queue's weights found (x = {x:g}, y = {y:g})")
        outside = probe
        while abs(outside - inside) > 1:
            mid = (inside + outside) // 2
            if _log_weight(x, log_y, mid) < floor:
                outside = mid
            else:
                inside = mid
        return inside

    return edge(-1), edge(1)


def asa(lam: float, mu: float, theta: float, n: int) -> float:
    """Mean wait of answered callers: Σ_j p_{N+j} x/(x+j+1) Σ_{i≤j} 1/(θ(x+1+i)) over Σ_j p_{N+j} x/(x+j+1).

    Only the queue lengths within e^-TAIL of the most likely one count, and they are summed in
    log space block by block, so a queue of millions neither overflows nor runs long.
    """
    x, y = n * mu / theta, lam / theta
    lo, hi = _queue_window(x, y)
    if hi - lo + 1 > MAX_TERMS:
        raise Invalid(
            f"averaging the wait over {hi - lo + 1:,} queue lengths (agents {n:,}, offered load {lam / mu:,.1f} Erlangs, "
            f"mean patience {1 / theta:,g} s) is more than {MAX_TERMS:,}: give a shorter patience"
        )
    log_y = math.log(y)
    # The log weight of the window's first state (relative to j = 0), and the wait through the
    # states before it, Σ_{i<lo} 1/(θ(x+1+i)).
    shift = _log_weight(x, log_y, lo)
    steps = _harmonic(x + 1, lo) / theta
    peak = -math.inf
    total = weight = 0.0
    for first in range(lo, hi + 1, BLOCK):
        j = np.arange(first, min(first + BLOCK, hi + 1), dtype=float)
        # log p_j, built term by term like the textbook recursion p_j = p_{j−1} y/(x+j).
        step = log_y - np.log(x + j)
        if first == lo:
            step[0] = 0.0
        log_p = shift + np.cumsum(step)
        shift = float(log_p[-1])
        wait = steps + np.cumsum(1.0 / (theta * (x + 1 + j)))
        steps = float(wait[-1])
        top = float(log_p.max())
        if top > peak:  # rescale what is summed so far to the new largest term
            total, weight, peak = total * math.exp(peak - top), weight * math.exp(peak - top), top
        w = np.exp(log_p - peak) * x / (x + j + 1)
        total += float(w @ wait)
        weight += float(w.sum())
    return total / weight if weight > 0 else 0.0
