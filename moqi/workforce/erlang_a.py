"""Erlang A (M/M/N+M): staffing with customer patience, so abandonment is part of the answer.

The probabilities and the mean wait are exact, in closed form (`erlang_a_formulas.py`).
Inputs outside the bounds in `limits.py`, NaN and ±inf raise ValueError naming the input;
every loop has a cap, so no call runs unbounded. Pure functions of their inputs.

Service level with abandonment is defined three ways (`service_level.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from moqi.errors import Invalid
from moqi.workforce import erlang, erlang_a_formulas, limits
from moqi.workforce.service_level import DEFAULT_SL, SL_DEFINITIONS


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
            "agents": self.agents,
            "traffic_erlangs": round(self.traffic_erlangs, 6),
            "service_level": round(self.service_level, 6),
            "service_level_definition": SL_DEFINITIONS[self.sl_definition],
            "asa_s": round(self.asa_s, 6),
            "occupancy": round(self.occupancy, 6),
            "abandon": round(self.abandon, 6),
            "wait_probability": round(self.wait_probability, 6),
        }


def _service_level(m: dict[str, np.ndarray], definition: str) -> np.ndarray:
    if definition == "offered":
        sl = m["answered_t"]
    elif definition == "answered":
        sl = m["answered_t"] / np.maximum(1 - m["abandon"], 1e-300)
    else:
        sl = m["answered_t"] / np.maximum(1 - m["abandon_t"], 1e-300)
    return np.minimum(sl, 1.0)


def _check(
    calls: float,
    interval_s: float,
    aht_s: float,
    patience_s: float,
    threshold_s: float,
    sl_definition: str,
) -> None:
    """Every input finite and in bounds (the offered load included), or ValueError naming it."""
    limits.CALLS.check(calls)
    limits.INTERVAL_S.check(interval_s)
    limits.AHT_S.check(aht_s)
    _check_rest(threshold_s, patience_s, sl_definition)
    limits.TRAFFIC_ERLANGS.check(calls * aht_s / interval_s)


def _check_grid(
    calls: np.ndarray,
    interval_s: float,
    aht_s: np.ndarray,
    patience_s: np.ndarray,
    threshold_s: float,
    sl_definition: str,
) -> None:
    """`_check` for every slot of a grid."""
    calls = limits.CALLS.check_all(calls)
    limits.INTERVAL_S.check(interval_s)
    aht = limits.AHT_S.check_all(aht_s)
    _check_rest(threshold_s, patience_s, sl_definition)
    limits.TRAFFIC_ERLANGS.check_all(calls * aht / interval_s)


def _check_rest(threshold_s: float, patience_s: float | np.ndarray, sl_definition: str) -> None:
    limits.THRESHOLD_S.check(threshold_s)
    limits.MODEL_PATIENCE_S.check_all(patience_s)
    if sl_definition not in SL_DEFINITIONS:
        raise Invalid(
            f"unknown service-level definition {sl_definition!r}; one of {', '.join(SL_DEFINITIONS)}"
        )


def evaluate(
    calls: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    threshold_s: float,
    patience_s: float,
    sl_definition: str = DEFAULT_SL,
) -> StaffingA:
    """Erlang A figures for a given staffing."""
    _check(calls, interval_s, aht_s, patience_s, threshold_s, sl_definition)
    limits.AGENTS.check(agents)
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    if lam == 0:
        return StaffingA(agents, 0.0, 1.0, sl_definition, 0.0, 0.0, 0.0, 0.0)
    measures = erlang_a_formulas.measures(
        np.array([lam]), np.array([mu]), np.array([theta]), np.array([agents]), threshold_s
    )
    m = {k: float(v[0]) for k, v in measures.items()}
    sl = float(_service_level({k: np.array([v]) for k, v in m.items()}, sl_definition)[0])
    answered = 1 - m["abandon"]
    asa = (
        erlang_a_formulas.asa(lam, mu, theta, agents) * (m["p_wait"] - m["abandon"]) / answered
        if answered > 0
        else math.inf
    )
    occupancy = min(lam * answered / (agents * mu), 1.0)
    return StaffingA(agents, lam / mu, sl, sl_definition, asa, occupancy, m["abandon"], m["p_wait"])


def service_levels(
    calls: np.ndarray,
    interval_s: float,
    aht_s: np.ndarray,
    agents: np.ndarray,
    threshold_s: float,
    patience_s: float | np.ndarray,
    sl_definition: str = DEFAULT_SL,
) -> np.ndarray:
    """Service level of many slots at once (agents ≥ 1; slots without calls score 1)."""
    calls, aht, n = np.broadcast_arrays(
        np.asarray(calls, float), np.asarray(aht_s, float), np.asarray(agents)
    )
    pat = np.broadcast_to(np.asarray(patience_s, float), calls.shape)
    _check_grid(calls, interval_s, aht, pat, threshold_s, sl_definition)
    limits.AGENTS.check_all(n)
    out = np.ones(calls.shape)
    busy = calls > 0
    if busy.any():
        m = erlang_a_formulas.measures(
            calls[busy] / interval_s, 1 / aht[busy], 1 / pat[busy], n[busy], threshold_s
        )
        out[busy] = _service_level(m, sl_definition)
    return out


def required_agents_grid(
    calls: np.ndarray,
    interval_s: float,
    aht_s: np.ndarray,
    target_sl: float,
    threshold_s: float,
    patience_s: float | np.ndarray,
    sl_definition: str = DEFAULT_SL,
) -> np.ndarray:
    """The fewest agents meeting the target in every slot at once (0 where no calls come).

    The Erlang C answer brackets from above (widened until it meets the target); the lower
    end starts at 0 agents, below any load. A bisection over every slot together keeps
    SL(lo) < target ≤ SL(hi), so each answer is verified against the agent one fewer: the
    true minimum, since the service level rises with agents.
    """
    limits.TARGET_SL.check(target_sl)
    calls, aht = np.broadcast_arrays(np.asarray(calls, float), np.asarray(aht_s, float))
    pat = np.broadcast_to(np.asarray(patience_s, float), calls.shape)
    flat_c, flat_h, flat_p = calls.ravel(), aht.ravel(), pat.ravel()
    _check_grid(flat_c, interval_s, flat_h, flat_p, threshold_s, sl_definition)
    if not flat_c.size:
        return np.zeros(calls.shape, dtype=np.int64)
    hi = np.maximum(
        erlang.required_agents_grid(flat_c, interval_s, flat_h, target_sl, threshold_s), 1
    )
    busy = flat_c > 0

    def meets(k: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return (
            service_levels(
                flat_c[idx], interval_s, flat_h[idx], k, threshold_s, flat_p[idx], sl_definition
            )
            >= target_sl
        )

    # Widen the top until it meets the target (abandonment rarely needs more than Erlang C);
    # Erlang C's answer fits under the agent bound, and so must the widened one.
    todo = np.flatnonzero(busy)
    while todo.size:
        ok = meets(hi[todo], todo)
        todo = todo[~ok]
        if (hi[todo] >= limits.AGENTS.high).any():
            raise Invalid(f"the target needs more than {limits.AGENTS.high:,g} agents")
        hi[todo] = np.minimum(hi[todo] * 2, int(limits.AGENTS.high))
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


def required_agents(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_sl: float,
    threshold_s: float,
    patience_s: float,
    sl_definition: str = DEFAULT_SL,
) -> StaffingA:
    """The fewest agents meeting the target, bracketed from below the load and verified.

    With abandonment a queue is stable below the offered load, so the lower end of the
    search is zero agents, not the load; the answer N always has SL(N − 1) < target.
    """
    _check(calls, interval_s, aht_s, patience_s, threshold_s, sl_definition)
    n = int(
        required_agents_grid(
            np.array([calls]),
            interval_s,
            np.array([aht_s]),
            target_sl,
            threshold_s,
            patience_s,
            sl_definition,
        )[0]
    )
    return evaluate(calls, interval_s, aht_s, max(n, 1), threshold_s, patience_s, sl_definition)
