"""Roster: covers the requirement when it can, keeps the labour rules, says optimal or feasible."""

import dataclasses

import numpy as np
import pytest

from moqi.workforce import roster, roster_rules

RULES = roster_rules.load_rules()


def small_rules(**kw) -> roster_rules.Rules:
    # Starts every 2 hours keep the model small for tests; everything else is the shipped rules.
    return dataclasses.replace(RULES, **{"start_step_min": 120, "time_limit_s": 20, **kw})


def requirement(peak: int = 6) -> np.ndarray:
    day = np.zeros(48, dtype=int)
    day[16:44] = 2  # 08:00–22:00
    day[18:22] = peak
    day[38:42] = peak - 1
    return np.tile(day, (7, 1))


def test_requirement_is_covered_and_rules_hold():
    rules = small_rules()
    r = roster.solve(requirement(), 30, rules)
    assert r.status in ("optimal", "feasible")
    assert r.under.sum() == 0 and (r.scheduled >= r.required).all()
    for (_, shift), n in r.starts.items():
        assert rules.min_shift_h * 60 <= shift.length_min <= rules.max_shift_h * 60 and n > 0
        if shift.length_min >= 8 * 60:
            assert shift.break_min == 60 and shift.paid_min == shift.length_min - 60
            assert (
                rules.earliest_after_h * 60
                <= shift.break_at_min
                <= shift.length_min - rules.latest_before_end_h * 60 - 60
            )
    for bits, _ in r.patterns.items():
        assert rules.min_work_days <= sum(bits) <= rules.max_work_days
        assert "1" * (rules.max_consecutive_days + 1) not in "".join(map(str, bits * 2))
    # Each day, the shifts started equal the agents whose pattern works that day.
    for d in range(7):
        assert sum(n for (day, _), n in r.starts.items() if day == d) == sum(
            c for bits, c in r.patterns.items() if bits[d]
        )
    assert len(r.agent_lines()) == r.agents


def test_coverage_counts_what_the_shifts_give():
    r = roster.solve(requirement(), 30, small_rules())
    rebuilt = np.zeros(7 * 48, dtype=int)
    for (d, shift), n in r.starts.items():
        first = d * 48 + shift.start_min // 30
        for off in shift.covered(30):
            rebuilt[(first + off) % (7 * 48)] += n
    assert (rebuilt.reshape(7, 48) == r.scheduled).all()


def test_a_solution_is_optimal_when_proved():
    req = np.zeros((7, 48), dtype=int)
    req[:, 20:28] = 1  # 10:00–14:00 every day: 4-hour shifts are the cheapest cover
    r = roster.solve(req, 30, small_rules())
    # Seven shifts a week cannot be split into agents working 4–5 days each: the least is 4 + 4.
    assert r.status == "optimal" and r.paid_hours == 8 * 4 and r.agents == 2


def test_when_rules_cannot_cover_the_shortfall_is_reported():
    # Nobody may start before 10:00, so an 08:00 requirement stays uncovered, and says so.
    rules = small_rules(earliest_start_min=600, latest_start_min=600)
    req = np.zeros((7, 48), dtype=int)
    req[:, 16] = 3
    r = roster.solve(req, 30, rules)
    assert r.under.sum() == 7 * 3 and r.agents == 0


def test_bad_rules_and_shapes():
    with pytest.raises(ValueError, match="min_h"):
        roster_rules.parse_rules({**_doc(), "shift": {**_doc()["shift"], "min_h": 10}})
    with pytest.raises(ValueError, match="HH:MM"):
        roster_rules.parse_rules({**_doc(), "shift": {**_doc()["shift"], "earliest_start": "早上"}})
    with pytest.raises(ValueError, match="missing"):
        roster_rules.parse_rules({"shift": {}})
    with pytest.raises(ValueError, match="7 days"):
        roster.solve(np.zeros((6, 48)), 30, RULES)


def _doc() -> dict:
    import yaml

    return yaml.safe_load(roster_rules.RULES_FILE.read_text(encoding="utf-8"))
