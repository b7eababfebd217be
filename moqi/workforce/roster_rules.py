"""Roster rules: labour rules and costs, read from a YAML file and held to their bounds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from moqi.workforce import limits

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "workforce" / "roster_rules.yaml"


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
