"""The two models `roster.solve` runs: the LP relaxation (HiGHS) and the integer model (CP-SAT)."""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from moqi.workforce.roster_rules import Rules
from moqi.workforce.roster_shifts import Shift

SCALE = 100  # CP-SAT needs integer costs: hundredths


class CpResult(TypedDict):
    """One CP-SAT run: `objective` (hundredths) and `x`/`y` are None when it found no roster."""

    objective: int | None
    bound: float
    proved: bool
    x: np.ndarray | None  # agents starting each shift variable
    y: np.ndarray | None  # agents working each weekly pattern
    wall_s: float


def cp_sat(
    paid_min: list[int],
    patterns: list[tuple[int, ...]],
    cover_index: list[tuple[int, int]],
    req: np.ndarray,
    rules: Rules,
    allowed: np.ndarray,
    start: CpResult | None,
    time_limit_s: float,
) -> CpResult:
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


def lp_hint(
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
