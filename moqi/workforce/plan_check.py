"""A plan's simulation check: the roster's staffing run through a SimPy day, slot by slot,
against what Erlang promised, with the band chance alone allows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from moqi.workforce import erlang, erlang_a, simulate

if TYPE_CHECKING:
    from moqi.workforce.plan import PlanOptions


@dataclass(frozen=True)
class SimulationCheck:
    """Simulated vs Erlang figures per slot of the simulated days, and their gap."""

    days: list[date]
    rows: list[dict] = field(repr=False)
    mean_abs_sl_gap: float | None
    mean_abs_answer_gap: float | None
    simulated_calls: int


def on_phones(scheduled: np.ndarray, shrinkage: float) -> np.ndarray:
    """Agents actually taking calls out of those rostered (shrinkage takes its share)."""
    return np.floor(np.asarray(scheduled) * (1 - shrinkage) + 1e-9).astype(np.int64)


def simulation_check(
    calls: np.ndarray,
    aht: np.ndarray,
    scheduled: np.ndarray,
    dates: list[date],
    interval_s: int,
    threshold: int,
    options: PlanOptions,
    model: str,
) -> SimulationCheck:
    days = range(options.simulate_days)
    rows, sl_gaps, ans_gaps, total = [], [], [], 0
    for d in days:
        staff = on_phones(scheduled[d], options.shrinkage)
        results = simulate.simulate(
            calls[d],
            staff,
            interval_s,
            aht[d],
            options.patience_s,
            threshold,
            seed=options.seed + d,
        )
        for s, r in enumerate(results):
            expected = _erlang_at(
                calls[d, s], interval_s, aht[d, s], int(staff[s]), threshold, options, model
            )
            rows.append(
                {
                    "day": dates[d].isoformat(),
                    "slot": s,
                    "calls": round(float(calls[d, s]), 1),
                    "agents": int(staff[s]),
                    "simulated_offered": r.offered,
                    "simulated_answer_rate": rounded(r.answer_rate),
                    "erlang_answer_rate": rounded(expected[1]),
                    "simulated_service_level": rounded(r.service_level(options.sl_definition)),
                    "erlang_service_level": rounded(expected[0]),
                    **_noise(r.service_level(options.sl_definition), expected[0], r.offered),
                }
            )
            total += r.offered
            if r.offered and expected[0] is not None:
                sl = r.service_level(options.sl_definition)
                if sl is not None:
                    sl_gaps.append((abs(sl - expected[0]), r.offered))
                rate = r.answer_rate  # known: r.offered > 0
                if expected[1] is not None and rate is not None:
                    ans_gaps.append((abs(rate - expected[1]), r.offered))
    mean_sl = _weighted(sl_gaps)
    mean_ans = _weighted(ans_gaps)
    return SimulationCheck([dates[d] for d in days], rows, mean_sl, mean_ans, total)


def _noise(simulated: float | None, erlang: float | None, offered: int) -> dict:
    """How far a service level measured on `offered` simulated calls may stray from Erlang's
    by chance alone (95%: 1.96 standard errors of a proportion, with a floor so that an
    expected 100% allows a missed call), and whether it stays within. A slot of 40 calls at
    80% may read anywhere from 68% to 92% with nothing wrong."""
    if simulated is None or erlang is None or not offered:
        return {"sl_noise": None, "within_noise": None}
    band = 1.96 * math.sqrt(max(erlang * (1 - erlang), 0.25 / offered) / offered)
    return {"sl_noise": rounded(band), "within_noise": abs(simulated - erlang) <= band}


def _weighted(pairs: list[tuple[float, int]]) -> float | None:
    weight = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / weight if weight else None


def _erlang_at(
    calls: float,
    interval_s: int,
    aht: float,
    agents: int,
    threshold: int,
    options: PlanOptions,
    model: str,
) -> tuple[float | None, float | None]:
    """(service level, answer rate) the formulas give for this staffing."""
    if calls <= 0:
        return None, None
    if agents < 1:
        return 0.0, 0.0 if model == "erlang_a" else None
    if model == "erlang_a":
        if options.patience_s is None:  # plan() picks Erlang A only when a patience is given
            raise ValueError("the Erlang A model needs a patience (patience_s)")
        with_patience = erlang_a.evaluate(
            calls, interval_s, aht, agents, threshold, options.patience_s, options.sl_definition
        )
        return with_patience.service_level, 1 - with_patience.abandon
    r = erlang.evaluate(calls, interval_s, aht, agents, threshold)
    return r.service_level, 1.0 if math.isfinite(r.asa_s) else None


def rounded(v: float | None) -> float | None:
    """A figure as the plan shows it (four decimals)."""
    return None if v is None else round(v, 4)
