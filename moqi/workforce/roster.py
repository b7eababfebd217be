"""A week's roster that covers the requirement per slot at least cost, solved with OR-Tools CP-SAT.

Decisions: how many agents start each shift (start × length × break position) on each day,
and how many work each weekly pattern of days on (cyclic, so the labour rules hold from one
week into the next). Each day, the agents starting shifts equal the agents whose pattern works
that day, so the counts split into individual agents. Cost: paid hours, a heavy penalty per
agent-slot short, a light one per agent-slot over. Shifts that cross midnight cover the next
day's first slots (the last day's wrap to the first). Rules come from a YAML file.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypedDict

import numpy as np
import yaml

from moqi.workforce import limits

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "workforce" / "roster_rules.yaml"
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True, slots=True)
class Rules:
    """Labour rules and costs (hours, minutes of day)."""

    min_shift_h: float
    max_shift_h: float
    step_h: float
    start_step_min: int
    earliest_start_min: int
    latest_start_min: int
    breaks: tuple[tuple[float, int, bool], ...]  # (from shift hours, minutes, paid)
    earliest_after_h: float
    latest_before_end_h: float
    min_work_days: int
    max_work_days: int
    max_consecutive_days: int
    per_paid_hour: float
    under_penalty: float
    over_penalty: float
    time_limit_s: float
    workers: int

    def break_for(self, length_h: float) -> tuple[int, bool] | None:
        fitting = [b for b in self.breaks if length_h >= b[0]]
        return max(fitting)[1:] if fitting else None


def _hhmm(value: str, key: str) -> int:
    try:
        h, m = str(value).split(":")
        minutes = int(h) * 60 + int(m)
    except ValueError:
        raise ValueError(f"roster rules: {key} must be HH:MM, not {value!r}") from None
    if not 0 <= minutes < 24 * 60:
        raise ValueError(f"roster rules: {key} {value!r} is not a time of day")
    return minutes


def parse_rules(doc: dict) -> Rules:
    """Rules from the YAML form; a clear error for anything missing or out of range."""
    try:
        shift, week, cost, solver = doc["shift"], doc["week"], doc["cost"], doc["solver"]
        rules = Rules(
            float(shift["min_h"]),
            float(shift["max_h"]),
            float(shift["step_h"]),
            int(shift["start_step_min"]),
            _hhmm(shift["earliest_start"], "earliest_start"),
            _hhmm(shift["latest_start"], "latest_start"),
            tuple(
                sorted(
                    (float(b["min_shift_h"]), int(b["minutes"]), bool(b.get("paid", False)))
                    for b in doc.get("breaks") or []
                )
            ),
            float(doc["earliest_after_h"]),
            float(doc["latest_before_end_h"]),
            int(week["min_work_days"]),
            int(week["max_work_days"]),
            int(week["max_consecutive_days"]),
            float(cost["per_paid_hour"]),
            float(cost["under_penalty_per_slot"]),
            float(cost.get("over_penalty_per_slot", 0.0)),
            float(solver["time_limit_s"]),
            int(solver.get("workers", 2)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"roster rules: missing or bad value ({exc})") from None
    if not 0 < rules.min_shift_h <= rules.max_shift_h <= 16 or rules.step_h <= 0:
        raise ValueError("roster rules: need 0 < min_h ≤ max_h ≤ 16 and step_h > 0")
    if (
        not 1 <= rules.min_work_days <= rules.max_work_days <= 7
        or not 1 <= rules.max_consecutive_days <= 7
    ):
        raise ValueError(
            "roster rules: need 1 ≤ min_work_days ≤ max_work_days ≤ 7 and 1 ≤ max_consecutive_days ≤ 7"
        )
    if rules.time_limit_s <= 0:
        raise ValueError("roster rules: time_limit_s must be > 0")
    # Every other number bounded too: a step of 1e-9 h would make billions of shift lengths to
    # try, an infinite time limit a solver that never stops, a NaN cost no objective at all.
    checks = [
        (rules.step_h, limits.ROSTER_STEP_H, "step_h"),
        (rules.start_step_min, limits.ROSTER_START_STEP_MIN, "start_step_min"),
        (rules.time_limit_s, limits.TIME_LIMIT_S, "time_limit_s"),
        (rules.workers, limits.ROSTER_WORKERS, "workers"),
        (rules.per_paid_hour, limits.ROSTER_COST, "per_paid_hour"),
        (rules.under_penalty, limits.ROSTER_COST, "under_penalty_per_slot"),
        (rules.over_penalty, limits.ROSTER_COST, "over_penalty_per_slot"),
        (rules.earliest_after_h, limits.ROSTER_HOURS, "earliest_after_h"),
        (rules.latest_before_end_h, limits.ROSTER_HOURS, "latest_before_end_h"),
    ]
    checks += [
        c
        for b in rules.breaks
        for c in (
            (b[0], limits.ROSTER_HOURS, "breaks.min_shift_h"),
            (b[1], limits.ROSTER_BREAK_MIN, "breaks.minutes"),
        )
    ]
    for value, bound, key in checks:
        if value not in bound:
            raise ValueError(f"roster rules: {bound.message(value, key)}")
    return rules


def load_rules(path: Path = RULES_FILE) -> Rules:
    """The rules shipped in moqi/data/workforce/roster_rules.yaml (or another file of that form)."""
    return parse_rules(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Shift:
    """A shift template: start minute, length, and the break inside it (minutes from start)."""

    start_min: int
    length_min: int
    break_at_min: int | None
    break_min: int
    paid_min: int

    def label(self) -> str:
        end = self.start_min + self.length_min
        text = f"{self.start_min // 60:02d}:{self.start_min % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}"
        if self.break_at_min is not None:
            b = self.start_min + self.break_at_min
            text += f"（休 {b // 60 % 24:02d}:{b % 60:02d} 起 {self.break_min} 分）"
        return text

    def covered(self, interval_min: int) -> list[int]:
        """Slot offsets from the shift's first slot during which the agent is on duty."""
        off = set()
        if self.break_at_min is not None:
            off = set(
                range(
                    self.break_at_min // interval_min,
                    (self.break_at_min + self.break_min) // interval_min,
                )
            )
        return [k for k in range(self.length_min // interval_min) if k not in off]


def shift_templates(rules: Rules, interval_min: int) -> list[Shift]:
    """Every shift the rules allow, on the slot grid."""
    step = max(rules.start_step_min, interval_min)
    lengths = []
    h = rules.min_shift_h
    while h <= rules.max_shift_h + 1e-9:
        lengths.append(round(h * 60))
        h += rules.step_h
    out = []
    for start in range(rules.earliest_start_min, rules.latest_start_min + 1, step):
        if start % interval_min:
            continue
        for length in lengths:
            if length % interval_min:
                continue
            brk = rules.break_for(length / 60)
            if brk is None:
                out.append(Shift(start, length, None, 0, length))
                continue
            minutes, paid = brk
            first, last = (
                round(rules.earliest_after_h * 60),
                length - round(rules.latest_before_end_h * 60) - minutes,
            )
            positions = range(
                first - first % interval_min + (interval_min if first % interval_min else 0),
                last + 1,
                step,
            )
            for at in positions:
                out.append(Shift(start, length, at, minutes, length if paid else length - minutes))
    if not out:
        raise ValueError("roster rules allow no shift on this interval grid")
    return out


def day_patterns(rules: Rules) -> list[tuple[int, ...]]:
    """Weekly on/off patterns (1 = works) meeting the day counts and, cyclically, the consecutive-day cap."""
    out = []
    for bits in itertools.product((0, 1), repeat=7):
        if not rules.min_work_days <= sum(bits) <= rules.max_work_days:
            continue
        run = longest = 0
        for b in bits + bits:  # twice round: the rule holds across the week boundary
            run = run + 1 if b else 0
            longest = max(longest, run)
        if longest <= rules.max_consecutive_days:
            out.append(bits)
    if not out:
        raise ValueError("roster rules allow no weekly pattern of work days")
    return out


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


SCALE = 100  # CP-SAT needs integer costs: hundredths


class _CpResult(TypedDict):
    """One CP-SAT run: `objective` (hundredths) and `x`/`y` are None when it found no roster."""

    objective: int | None
    bound: float
    proved: bool
    x: np.ndarray | None  # agents starting each shift variable
    y: np.ndarray | None  # agents working each weekly pattern
    wall_s: float


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
    lp = _lp_hint(shifts, patterns, cover_index, req, rules, interval_min)
    lp_bound = float(lp[1]) if lp is not None else 0.0
    nx = 7 * len(shifts)
    support = np.flatnonzero(lp[0][:nx] > 1e-6) if lp is not None else np.arange(nx)
    paid_min = [s.paid_min for s in shifts]
    first = _cp(
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
        full = _cp(paid_min, patterns, cover_index, req, rules, np.arange(nx), first, rest)
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


def _cp(
    paid_min: list[int],
    patterns: list[tuple[int, ...]],
    cover_index: list[tuple[int, int]],
    req: np.ndarray,
    rules: Rules,
    allowed: np.ndarray,
    start: _CpResult | None,
    time_limit_s: float,
) -> _CpResult:
    """CP-SAT over the allowed shift variables (others fixed at 0), optionally from a known roster."""
    from ortools.sat.python import cp_model

    n_shifts = len(paid_min)
    total, nx = len(req), 7 * n_shifts
    cap = int(req.max(initial=0)) + 1
    model = cp_model.CpModel()
    x = {int(i): model.new_int_var(0, cap, f"x{i}") for i in allowed}
    y = [model.new_int_var(0, 7 * cap, f"y{j}") for j in range(len(patterns))]
    cover: list[list] = [[] for _ in range(total)]
    for t, i in cover_index:
        if i in x:
            cover[t].append(x[i])
    under = [model.new_int_var(0, int(req[t]), f"u{t}") for t in range(total)]
    over = [model.new_int_var(0, 7 * cap, f"o{t}") for t in range(total)]
    for t in range(total):
        model.add(sum(cover[t]) + under[t] - over[t] == int(req[t]))
    for d in range(7):
        model.add(
            sum(x[i] for i in range(d * n_shifts, (d + 1) * n_shifts) if i in x)
            == sum(y[j] for j, p in enumerate(patterns) if p[d])
        )
    terms = [
        round(SCALE * rules.per_paid_hour * paid_min[i % n_shifts] / 60) * v for i, v in x.items()
    ]
    terms += [round(SCALE * rules.under_penalty) * u for u in under]
    if rules.over_penalty > 0:
        terms += [max(1, round(SCALE * rules.over_penalty)) * o for o in over]
    model.minimize(sum(terms))
    if start is not None and start["x"] is not None and start["y"] is not None:
        start_x, start_y = start["x"], start["y"]
        for i, v in x.items():
            model.add_hint(v, int(start_x[i]))
        for j, v in enumerate(y):
            model.add_hint(v, int(start_y[j]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = max(1, rules.workers)
    solver.parameters.random_seed = 1
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {
            "objective": None,
            "bound": 0.0,
            "proved": False,
            "x": None,
            "y": None,
            "wall_s": solver.WallTime(),
        }
    xs = np.zeros(nx, dtype=np.int64)
    for i, v in x.items():
        xs[i] = solver.Value(v)
    # Proofs and bounds hold only for the full model (the restricted one leaves shifts out).
    full = len(x) == nx
    return {
        "objective": round(solver.ObjectiveValue()),
        "bound": solver.BestObjectiveBound() if full else 0.0,
        "proved": status == cp_model.OPTIMAL and full,
        "x": xs,
        "y": np.array([solver.Value(v) for v in y], dtype=np.int64),
        "wall_s": solver.WallTime(),
    }


def _lp_hint(
    shifts: list[Shift],
    patterns: list[tuple[int, ...]],
    cover_index: list[tuple[int, int]],
    req: np.ndarray,
    rules: Rules,
    interval_min: int,
) -> tuple[np.ndarray, float] | None:
    """The LP relaxation's solution and cost, a lower bound (None if HiGHS does not solve it)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    total, nx, ny = len(req), 7 * len(shifts), len(patterns)
    n = nx + ny + 2 * total
    rows = [t for t, _ in cover_index] + list(range(total)) * 2
    cols = (
        [i for _, i in cover_index]
        + [nx + ny + t for t in range(total)]
        + [nx + ny + total + t for t in range(total)]
    )
    vals = [1.0] * len(cover_index) + [1.0] * total + [-1.0] * total
    cover = coo_matrix((vals, (rows, cols)), shape=(total, n))
    r2, c2, v2 = [], [], []
    for d in range(7):
        r2 += [d] * len(shifts)
        c2 += [d * len(shifts) + k for k in range(len(shifts))]
        v2 += [1.0] * len(shifts)
        for i, bits in enumerate(patterns):
            if bits[d]:
                r2.append(d)
                c2.append(nx + i)
                v2.append(-1.0)
    days = coo_matrix((v2, (r2, c2)), shape=(7, n))
    cost = np.concatenate(
        [
            np.tile([rules.per_paid_hour * s.paid_min / 60 for s in shifts], 7),
            np.zeros(ny),
            np.full(total, rules.under_penalty),
            np.full(total, rules.over_penalty),
        ]
    )
    res = linprog(
        cost,
        A_eq=vstack([cover, days]).tocsr(),
        b_eq=np.concatenate([req, np.zeros(7)]),
        bounds=(0, None),
        method="highs",
    )
    return (res.x, res.fun) if res.status == 0 else None
