"""Issue 20, point 11: plan options and roster rules are bounded, and a plan too big to simulate
says so before solving (see limits_helpers.py)."""

from datetime import datetime, timedelta

import pytest
import yaml

from moqi.workforce import roster_rules
from moqi.workforce.acd import Interval
from moqi.workforce.calendar import Holidays
from moqi.workforce.plan import PlanOptions, make_plan
from tests.workforce.limits_helpers import INF, NAN, finishes, moqi, one_error_line, refused


def test_plan_options_are_bounded():
    for options, field in [
        (PlanOptions(held_back_weeks=10**6), "held_back_weeks"),
        (PlanOptions(patience_s=NAN), "patience_s"),
        (PlanOptions(time_limit_s=INF), "time_limit_s"),
        (PlanOptions(threshold_s=0), "threshold_s"),
        (PlanOptions(weeks_back=0), "weeks_back"),
        (PlanOptions(simulate_days=8), "simulate_days"),
    ]:
        refused(options.check, field=field)


def test_roster_rules_are_bounded():
    # A step of 1e-9 h between shift lengths meant billions of shift templates to build.
    doc = yaml.safe_load(roster_rules.RULES_FILE.read_text(encoding="utf-8"))
    for section, key, value in [
        ("shift", "step_h", 1e-9),
        ("shift", "start_step_min", 0),
        ("solver", "time_limit_s", INF),
        ("cost", "per_paid_hour", NAN),
    ]:
        refused(roster_rules.parse_rules, {**doc, section: {**doc[section], key: value}}, field=key)


def test_a_plan_too_big_to_simulate_says_so_before_solving():
    # Three weeks of 10,000 calls per half hour: 480,000 calls in the simulated day.
    start = datetime(2026, 3, 2)
    intervals = [
        Interval(start + timedelta(minutes=30 * k), 10_000, 9_000, 1_000, 8_000, 10.0, 60.0)
        for k in range(21 * 48)
    ]
    message = refused(
        make_plan,
        intervals,
        30,
        20,
        Holidays(),
        roster_rules.load_rules(),
        PlanOptions(),
        field="simulate_days",
    )
    assert "480,000 calls" in message
    # Without the simulation it plans.
    plan = finishes(
        make_plan,
        intervals,
        30,
        20,
        Holidays(),
        roster_rules.load_rules(),
        PlanOptions(simulate_days=0),
        with_roster=False,
    )["value"]
    assert plan.agents.max() > 50


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--patience-s", "nan"], "--patience-s"),
        (["--held-back-weeks", "1000000"], "--held-back-weeks"),
        (["--time-limit-s", "inf"], "--time-limit-s"),
    ],
)
def test_cli_plan_options_out_of_bounds_are_one_line_exit_2(args, option):
    assert option in one_error_line(moqi("staff", "plan", "x.csv", *args))
