"""A staffing plan from ACD history: KPIs, forecast and its error, requirement, roster, simulation.

One pure function, `make_plan`, strings the workforce algorithms together; the CLI, the API
and the pages all show what it returns. Its options are checked against `limits.py` before any
work starts, and so is the size of the simulation, so a plan that cannot be made says so at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from moqi.workforce import (
    erlang,
    erlang_a,
    forecast,
    kpi,
    limits,
    roster,
    roster_rules,
    service_level,
)
from moqi.workforce.acd import INTERVALS_MIN, Interval
from moqi.workforce.calendar import Holidays, day_type
from moqi.workforce.plan_check import SimulationCheck, rounded, simulation_check


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What the planner asks for; the defaults are the issue's 80/20 with Erlang C."""

    target_sl: float = 0.8
    threshold_s: int | None = None  # None: the file's threshold
    patience_s: float | None = None  # None: Erlang C (nobody gives up)
    sl_definition: str = service_level.DEFAULT_SL
    shrinkage: float = 0.0
    weeks_back: int = 6
    held_back_weeks: int = 2
    time_limit_s: float | None = None  # None: the rules' limit
    simulate_days: int = 1
    seed: int = 1

    def check(self) -> None:
        """ValueError naming the first option outside its bound in `limits.py`."""
        limits.TARGET_SL.check(self.target_sl)
        if self.threshold_s is not None:
            limits.ACD_THRESHOLD_S.check(self.threshold_s)
        if self.patience_s is not None:
            limits.PATIENCE_S.check(self.patience_s)
        if self.sl_definition not in service_level.SL_DEFINITIONS:
            raise ValueError(
                f"unknown service-level definition {self.sl_definition!r}; one of {', '.join(service_level.SL_DEFINITIONS)}"
            )
        limits.SHRINKAGE.check(self.shrinkage)
        limits.WEEKS_BACK.check(self.weeks_back)
        limits.HELD_BACK_WEEKS.check(self.held_back_weeks)
        if self.time_limit_s is not None:
            limits.TIME_LIMIT_S.check(self.time_limit_s)
        limits.SIMULATE_DAYS.check(self.simulate_days)


@dataclass(frozen=True)
class Plan:
    """Everything `moqi staff plan` prints."""

    options: PlanOptions
    threshold_s: int
    interval_min: int
    model: str
    kpis: kpi.KpiReport
    accuracy: forecast.Accuracy
    days: list[forecast.DayForecast]
    aht_s: np.ndarray  # (7, slots)
    agents: np.ndarray  # (7, slots) on the phones, by Erlang
    required: np.ndarray  # (7, slots) rostered, after shrinkage
    roster: roster.Roster | None
    simulation: SimulationCheck | None


def _aht(
    intervals: list[Interval],
    days: list[date],
    holidays: Holidays,
    interval_min: int,
    weeks_back: int,
) -> np.ndarray:
    """AHT per plan day and slot: answered-weighted over the same day type's recent weeks."""
    slots = 24 * 60 // interval_min
    handle: dict[date, np.ndarray] = {}  # day: [handle seconds, answered] per slot
    for i in intervals:
        row = handle.setdefault(i.start.date(), np.zeros((2, slots)))
        s = (i.start.hour * 60 + i.start.minute) // interval_min
        row[0, s] += i.answered * i.aht_s
        row[1, s] += i.answered
    overall = np.sum([v for v in handle.values()], axis=0)
    fallback = overall[0].sum() / overall[1].sum() if overall[1].sum() else 300.0
    slot_mean = np.where(overall[1] > 0, overall[0] / np.maximum(overall[1], 1), fallback)
    out = np.zeros((len(days), slots))
    for k, d in enumerate(days):
        kind = day_type(d, holidays)
        same = sorted(
            (h for h in handle if h.weekday() == kind and not holidays.is_special(h)), reverse=True
        )[:weeks_back]
        acc = np.sum([handle[h] for h in same], axis=0) if same else np.zeros((2, slots))
        out[k] = np.where(acc[1] > 0, acc[0] / np.maximum(acc[1], 1), slot_mean)
    return out


def make_plan(
    intervals: list[Interval],
    interval_min: int,
    threshold_s: int,
    holidays: Holidays,
    rules: roster_rules.Rules,
    options: PlanOptions,
    *,
    with_roster: bool = True,
) -> Plan:
    """KPIs of the history, the next week's forecast, requirement, roster and a simulation check."""
    options.check()
    if not intervals:
        raise ValueError("no intervals to plan from")
    if interval_min not in INTERVALS_MIN:
        raise ValueError(
            f"interval_min must be one of {', '.join(map(str, INTERVALS_MIN))} minutes, not {interval_min!r}"
        )
    limits.ACD_THRESHOLD_S.check(threshold_s)
    threshold = options.threshold_s if options.threshold_s is not None else threshold_s
    interval_s = interval_min * 60
    report = kpi.report(intervals, interval_min, threshold_s, options.sl_definition)
    history = forecast.daily_matrix(intervals, interval_min)
    accuracy = forecast.backtest(history, holidays, options.held_back_weeks, options.weeks_back)
    start = max(history) + timedelta(days=1)
    days = forecast.forecast(history, start, 7, holidays, options.weeks_back)
    dates = [d.day for d in days]
    calls = np.stack([d.calls for d in days])
    aht = _aht(intervals, dates, holidays, interval_min, options.weeks_back)
    # The simulation is the slow part (every call a SimPy process): refuse one too big to run
    # before the requirement and the roster are worked out, not after.
    simulated = range(options.simulate_days if with_roster else 0)
    for d in simulated:
        if float(calls[d].sum()) not in limits.SIMULATED_CALLS:
            raise ValueError(
                f"simulating {dates[d]} means about {calls[d].sum():,.0f} calls, more than the {limits.SIMULATED_CALLS.high:,g} "
                "one simulated day may hold: plan with simulate_days 0 (--simulate-days 0)"
            )
    if options.patience_s is None:
        model = "erlang_c"
        agents = erlang.required_agents_grid(calls, interval_s, aht, options.target_sl, threshold)
    else:
        model = "erlang_a"
        agents = erlang_a.required_agents_grid(
            calls,
            interval_s,
            aht,
            options.target_sl,
            threshold,
            options.patience_s,
            options.sl_definition,
        )
    required = np.ceil(agents / (1 - options.shrinkage) - 1e-9).astype(np.int64)
    for d in simulated:
        agent_slots = float(agents[d].max(initial=0)) * agents.shape[1]
        if agent_slots not in limits.SIMULATED_AGENT_SLOTS:
            raise ValueError(
                f"simulating {dates[d]} means about {agent_slots:,.0f} agent-slots (agents × slots), more than the "
                f"{limits.SIMULATED_AGENT_SLOTS.high:,g} one simulated day may hold: plan with simulate_days 0 (--simulate-days 0)"
            )
    solved = (
        roster.solve(required, interval_min, rules, options.time_limit_s) if with_roster else None
    )
    check = None
    if solved is not None and options.simulate_days:
        check = simulation_check(
            calls, aht, solved.scheduled, dates, interval_s, threshold, options, model
        )
    return Plan(
        options,
        threshold,
        interval_min,
        model,
        report,
        accuracy,
        days,
        aht,
        agents,
        required,
        solved,
        check,
    )


def plan_as_dict(plan: Plan) -> dict:
    """The plan as plain JSON values (the CLI's --json and the API answer with this)."""
    im = plan.interval_min
    definition = plan.options.sl_definition
    rep = plan.kpis
    b = rep.balance
    slots = 24 * 60 // im
    out: dict[str, Any] = {
        "model": plan.model,
        "interval_min": im,
        "threshold_s": plan.threshold_s,
        "target_sl": plan.options.target_sl,
        "patience_s": plan.options.patience_s,
        "shrinkage": plan.options.shrinkage,
        "service_level_definition": service_level.SL_DEFINITIONS[definition],
        "sl_definition": definition,
        "kpis": {
            "total": rep.total.as_dict(definition),
            "by_slot": [
                {"slot": kpi.slot_label(m, im), **k.as_dict(definition)}
                for m, k in rep.by_slot.items()
            ],
            "by_day": [
                {
                    "day": d.isoformat(),
                    "weekday": kpi.WEEKDAYS[d.weekday()],
                    **k.as_dict(definition),
                }
                for d, k in rep.by_day.items()
            ],
            "heatmap": [
                {
                    "weekday": kpi.WEEKDAYS[w],
                    "slot": kpi.slot_label(m, im),
                    "answer_rate": rounded(k.answer_rate),
                    "offered": k.offered,
                }
                for (w, m), k in rep.heatmap.items()
            ],
            "balance": {
                "spread": rounded(b.spread),
                "best_slot": kpi.slot_label(b.best_slot, im) if b.best_slot is not None else None,
                "best_answer_rate": rounded(b.best_rate),
                "worst_slot": kpi.slot_label(b.worst_slot, im)
                if b.worst_slot is not None
                else None,
                "worst_answer_rate": rounded(b.worst_rate),
                "weighted_std": rounded(b.weighted_std),
                "slots_considered": b.slots_considered,
                "min_share_of_mean_slot": kpi.BALANCE_MIN_SHARE,
            },
        },
        "forecast_accuracy": plan.accuracy.as_dict(),
        "days": [
            {
                "day": d.day.isoformat(),
                "weekday": kpi.WEEKDAYS[d.day.weekday()],
                "holiday": d.holiday,
                "basis_days": d.basis_days,
                "calls": round(float(d.calls.sum()), 1),
            }
            for d in plan.days
        ],
        "slots": [],
    }
    for k, d in enumerate(plan.days):
        for s in range(slots):
            row = {
                "day": d.day.isoformat(),
                "slot": kpi.slot_label(s * im, im),
                "calls": round(float(d.calls[s]), 2),
                "aht_s": round(float(plan.aht_s[k, s]), 1),
                "agents": int(plan.agents[k, s]),
                "required": int(plan.required[k, s]),
            }
            if plan.roster is not None:
                row |= {
                    "rostered": int(plan.roster.scheduled[k, s]),
                    "under": int(plan.roster.under[k, s]),
                    "over": int(plan.roster.over[k, s]),
                }
            out["slots"].append(row)
    if plan.roster is not None:
        r = plan.roster
        out["roster"] = {
            "status": r.status,
            "objective": round(r.objective, 2),
            "bound": round(r.bound, 2),
            "agents": r.agents,
            "paid_hours": round(r.paid_hours, 1),
            "under_agent_slots": int(r.under.sum()),
            "over_agent_slots": int(r.over.sum()),
            "solve_s": round(r.solve_s, 2),
            "shifts": [
                {"day": plan.days[d].day.isoformat(), "shift": s.label(), "agents": n}
                for (d, s), n in sorted(
                    r.starts.items(),
                    key=lambda kv: (kv[0][0], kv[0][1].start_min, kv[0][1].length_min),
                )
            ],
        }
    if plan.simulation is not None:
        c = plan.simulation
        out["simulation"] = {
            "days": [d.isoformat() for d in c.days],
            "simulated_calls": c.simulated_calls,
            "mean_abs_sl_gap": rounded(c.mean_abs_sl_gap),
            "mean_abs_answer_rate_gap": rounded(c.mean_abs_answer_gap),
            "slots_beyond_noise": sum(row["within_noise"] is False for row in c.rows),
            "slots_compared": sum(row["within_noise"] is not None for row in c.rows),
            "slots": [{**row, "slot": kpi.slot_label(row["slot"] * im, im)} for row in c.rows],
        }
    return out
