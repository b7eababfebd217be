"""What the workforce pages draw: heat-map cells with colours, and the requirement-vs-roster SVG.

Pure geometry and colour from plain values; the templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moqi.workforce import kpi
from moqi.workforce.plan import Plan

# The colour scale: red at or below LOW answer rate, amber in between, green at HIGH.
LOW, HIGH = 0.6, 1.0


def colour(rate: float | None) -> str:
    """HSL colour of an answer rate on the red → amber → green scale (grey when unknown)."""
    if rate is None:
        return "#e5e8eb"
    share = min(max((rate - LOW) / (HIGH - LOW), 0.0), 1.0)
    return f"hsl({share * 120:.0f}, 70%, {78 - 18 * share:.0f}%)"


@dataclass(frozen=True, slots=True)
class HeatCell:
    rate: float | None
    offered: int
    colour: str


def heatmap(report: kpi.KpiReport) -> dict:
    """Rows per slot, columns per weekday, with the legend's stops."""
    minutes = sorted({m for _, m in report.heatmap})
    rows = []
    for m in minutes:
        cells = []
        for w in range(7):
            k = report.heatmap.get((w, m))
            rate = k.answer_rate if k else None
            cells.append(HeatCell(rate, k.offered if k else 0, colour(rate)))
        rows.append((kpi.slot_label(m, report.interval_min), cells))
    legend = [(f"{v:.0%}", colour(v)) for v in (0.6, 0.7, 0.8, 0.9, 1.0)]
    return {"weekdays": kpi.WEEKDAYS, "rows": rows, "legend": legend}


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart of one day: requirement (line), rostered (area), shortfalls (red bars)."""

    width: int
    height: int
    required_path: str
    rostered_path: str
    under_rects: list[tuple[float, float, float, float]]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    peak: int


def _steps(values: np.ndarray, x0: float, dx: float, y) -> list[tuple[float, float]]:
    points = []
    for i, v in enumerate(values):
        points += [(x0 + i * dx, y(v)), (x0 + (i + 1) * dx, y(v))]
    return points


def chart(plan: Plan, day: int, width: int = 960, height: int = 280) -> Chart:
    """Requirement vs roster for plan day `day` (0–6)."""
    req = plan.required[day]
    got = plan.roster.scheduled[day] if plan.roster is not None else np.zeros_like(req)
    peak = int(max(req.max(initial=0), got.max(initial=0), 1))
    left, bottom, top = 44, height - 24, 10
    dx = (width - left - 8) / len(req)

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / peak

    req_pts = _steps(req, left, dx, y)
    got_pts = _steps(got, left, dx, y)
    required_path = "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in req_pts)
    rostered_path = (
        f"M{left},{bottom} L"
        + " L".join(f"{a:.1f},{b:.1f}" for a, b in got_pts)
        + f" L{left + len(req) * dx:.1f},{bottom} Z"
    )
    under = [
        (left + i * dx, y(r), dx, y(g) - y(r))
        for i, (r, g) in enumerate(zip(req, got, strict=True))
        if g < r
    ]
    step = max(1, round(peak / 5 / 10) * 10) if peak > 20 else max(1, peak // 5 or 1)
    y_ticks = [(y(v), v) for v in range(0, peak + 1, step)]
    per_hour = 60 // plan.interval_min
    x_ticks = [(left + h * per_hour * dx, f"{h:02d}") for h in range(0, 24, 2)]
    return Chart(width, height, required_path, rostered_path, under, y_ticks, x_ticks, peak)
