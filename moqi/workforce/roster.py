"""A week's roster that covers the requirement per slot at least cost, solved with OR-Tools CP-SAT.

Decisions: how many agents start each shift (start × length × break position) on each day,
and how many work each weekly pattern of days on (cyclic, so the labour rules hold from one
week into the next). Each day, the agents starting shifts equal the agents whose pattern works
that day, so the counts split into individual agents. Cost: paid hours, a heavy penalty per
agent-slot short, a light one per agent-slot over. Shifts that cross midnight cover the next
day's first slots (the last day's wrap to the first). Rules come from a YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from moqi.workforce import limits
from moqi.workforce.roster_rules import Rules
from moqi.workforce.roster_shifts import Shift, day_patterns, shift_templates
from moqi.workforce.roster_solvers import SCALE, cp_sat, lp_hint

DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class Roster:
    """The solved roster: shifts started per day, agents per pattern, coverage against requirement."""

    status: str  # "optimal" or "feasible"
    objective: float
    bound: float
    interval_min: int
    required: np.ndarray  # (days, slots)
    scheduled: np.ndarray  # (days, slots) agents on duty (not on break)
    starts: dict[tuple[int, Shift], int]
    patterns: dict[tuple[int, ...], int]
    paid_hours: float
    solve_s: float

    @cached_property
    def under(self) -> np.ndarray:
        return np.maximum(self.required - self.scheduled, 0)

    @cached_property
    def over(self) -> np.ndarray:
        return np.maximum(self.scheduled - self.required, 0)

    @property
    def agents(self) -> int:
        return sum(self.patterns.values())

    def agent_lines(self) -> list[list[str]]:
        """One week per agent: the shift label per day, or '休'."""
        queues = {
            d: [
                s
                for (day, s), n in sorted(
                    self.starts.items(), key=lambda kv: (kv[0][0], kv[0][1].start_min)
                )
                if day == d
                for _ in range(n)
            ]
            for d in range(7)
        }
        lines = []
        for bits, count in sorted(self.patterns.items(), reverse=True):
            for _ in range(count):
                lines.append([queues[d].pop(0).label() if bits[d] else "休" for d in range(7)])
        return lines


def solve(
    required: np.ndarray, interval_min: int, rules: Rules, time_limit_s: float | None = None
) -> Roster:
    """The least-cost week of shifts for `required` agents per (day, slot); 7 days × slots.

    Three steps within the time limit: the LP relaxation (HiGHS), which is nearly integral for
    shift covering and bounds the cost from below; CP-SAT on the shifts the LP uses, which finds
    a good integer roster in moments; CP-SAT on every shift, started from that roster, for the
    rest of the time. "optimal" means proved: by CP-SAT, or by meeting the LP bound.
    """
    required = np.asarray(required, dtype=np.int64)
    slots = 24 * 60 // interval_min
    if required.shape != (7, slots):
        raise ValueError(f"requirement must be 7 days × {slots} slots, not {required.shape}")
    if (required < 0).any():
        raise ValueError("requirement must be ≥ 0")
    limit = limits.TIME_LIMIT_S.check(time_limit_s or rules.time_limit_s)
    shifts = shift_templates(rules, interval_min)
    patterns = day_patterns(rules)
    total = 7 * slots
    cover_index = []  # (slot, shift variable d·K + k) pairs
    for d in range(7):
        for k, shift in enumerate(shifts):
            first_slot = d * slots + shift.start_min // interval_min
            cover_index += [
                ((first_slot + off) % total, d * len(shifts) + k)
                for off in shift.covered(interval_min)
            ]
    req = required.ravel()
    lp = lp_hint(shifts, patterns, cover_index, req, rules, interval_min)
    lp_bound = float(lp[1]) if lp is not None else 0.0
    nx = 7 * len(shifts)
    support = np.flatnonzero(lp[0][:nx] > 1e-6) if lp is not None else np.arange(nx)
    paid_min = [s.paid_min for s in shifts]
    first = cp_sat(
        paid_min,
        patterns,
        cover_index,
        req,
        rules,
        support,
        None,
        max(0.3 * limit, min(limit, 1.0)),
    )
    rest = limit - first["wall_s"]
    best = first
    if rest > 0.2 and len(support) < nx:
        full = cp_sat(paid_min, patterns, cover_index, req, rules, np.arange(nx), first, rest)
        if full["objective"] is not None and (
            best["objective"] is None or full["objective"] <= best["objective"]
        ):
            best = full.copy()
        best["wall_s"] = first["wall_s"] + full["wall_s"]
    objective, xs, ys = best["objective"], best["x"], best["y"]
    if objective is None or xs is None or ys is None:  # all three are None or none is
        raise RuntimeError(f"no roster found within {limit:g} s")
    bound = max(lp_bound, best["bound"] / SCALE)
    proved = best["proved"] or objective / SCALE <= lp_bound + 0.01
    starts = {
        (d, shifts[k]): int(xs[d * len(shifts) + k])
        for d in range(7)
        for k in range(len(shifts))
        if xs[d * len(shifts) + k]
    }
    scheduled = np.zeros(total, dtype=np.int64)
    for t, i in cover_index:
        scheduled[t] += xs[i]
    paid = sum(n * s.paid_min / 60 for (_, s), n in starts.items())
    return Roster(
        "optimal" if proved else "feasible",
        objective / SCALE,
        min(bound, objective / SCALE),
        interval_min,
        required.copy(),
        scheduled.reshape(7, slots),
        starts,
        {p: int(n) for p, n in zip(patterns, ys, strict=True) if n},
        paid,
        best["wall_s"],
    )
