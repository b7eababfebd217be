"""Issue 20, point 11: every workforce input is bounded (`moqi/workforce/limits.py`).

Out-of-range values, NaN and ±inf answer at once, naming the input: ValueError from the
algorithms, 422 problem+json from the API, one plain line and exit code 2 from the CLI, a row
number from the ACD import. Nothing hangs, overflows or prints a traceback. Calls that hung
before run in a daemon thread with a timeout, so a regression fails the test instead of
hanging the suite.
"""

import math
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from moqi.app import create_app
from moqi.db import session_scope
from moqi.workforce import acd, erlang, erlang_a, limits, roster, simulate
from moqi.workforce.acd import Interval
from moqi.workforce.calendar import Holidays
from moqi.workforce.models import IntervalRow
from moqi.workforce.plan import PlanOptions, make_plan
from moqi.workforce.schemas import ErlangRequest
from tests.conftest import PASSWORD, add_users

LEAD = ("team_lead", PASSWORD)
HEAD = "时段,呼入量,接通量,放弃量,20秒内接通,平均处理时长(秒),在线坐席,平均应答时长\n"
GOOD_ROW = "2026-03-02 09:00-09:30,10,8,2,7,180,3,12\n"
NAN, INF = math.nan, math.inf


def finishes(fn, *args, timeout: float = 20, **kwargs) -> dict:
    """fn(*args) in a daemon thread: {'value': …} or {'error': …}; fails the test after `timeout` s."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # the test inspects whatever came out
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{getattr(fn, '__name__', fn)} still running after {timeout} s"
    return box


def refused(fn, *args, field: str, **kwargs) -> str:
    """The ValueError message fn(*args) answers with, at once; it must name `field`."""
    box = finishes(fn, *args, **kwargs)
    assert isinstance(box.get("error"), ValueError), box
    message = str(box["error"])
    assert field in message, message
    return message


@pytest.fixture
def client(db, db_url):
    add_users(db, team_lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c


def moqi(*args: str) -> subprocess.CompletedProcess:
    # A generous timeout for the interpreter's start; a hang still fails instead of blocking.
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, timeout=120
    )


def one_error_line(done: subprocess.CompletedProcess) -> str:
    """The command's one 'moqi: error:' line, after checking it exited 2 without a traceback."""
    errors = [line for line in done.stderr.splitlines() if line.startswith("moqi: error:")]
    assert done.returncode == 2 and len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    return errors[0]


# The bounds themselves.


@pytest.mark.parametrize(
    "bound",
    [
        limits.CALLS,
        limits.INTERVAL_S,
        limits.AHT_S,
        limits.PATIENCE_S,
        limits.THRESHOLD_S,
        limits.TARGET_SL,
        limits.AGENTS,
    ],
)
def test_no_bound_holds_nan_or_infinity(bound):
    for value in (NAN, INF, -INF, "x", None):
        assert value not in bound
        with pytest.raises(ValueError, match=bound.name):
            bound.check(value)
    with pytest.raises(ValueError, match=bound.name):
        bound.check_all(np.array([bound.high, NAN]))


def test_bounds_are_open_or_closed_as_documented():
    assert 0 in limits.CALLS and 100_000 in limits.CALLS and 100_000.5 not in limits.CALLS
    assert 0 not in limits.TARGET_SL and 1 not in limits.TARGET_SL and 0.999 in limits.TARGET_SL
    assert 0 in limits.SHRINKAGE and 1 not in limits.SHRINKAGE
    assert (
        limits.INTERVAL_S.message(1e-9)
        == "interval_s (interval length) must be between 60 and 86,400 s, not 1e-09"
    )


# The algorithms, called directly.


def test_erlang_a_request_that_hung_is_refused_at_once(client):
    # Reproduced: interval 1e-9 s and patience 1e308 s never returned and burnt a CPU (NaN in,
    # widening forever). The algorithm goes first, in a thread: were it to hang again, the test
    # fails there instead of hanging the server, and the suite, in the request below.
    refused(erlang_a.required_agents, 100, 1e-9, 180, 0.8, 20, 1e308, field="interval_s")
    refused(erlang_a.required_agents, 100, 1800, 180, 0.8, 20, 1e308, field="patience_s")
    r = client.post(
        "/api/workforce/erlang",
        json={"calls": 100, "interval_s": 1e-9, "aht_s": 180, "patience_s": 1e308},
        auth=LEAD,
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert "interval_s" in r.json()["detail"] and "patience_s" in r.json()["detail"]


def test_erlang_c_threshold_nan_is_refused_not_looped_on():
    # Reproduced through the CLI: a NaN threshold made every service level NaN, never ≥ the target.
    refused(erlang.required_agents, 100, 1800, 180, 0.8, NAN, field="threshold_s")
    refused(
        erlang.required_agents_grid,
        np.array([100.0]),
        1800,
        np.array([180.0]),
        0.8,
        NAN,
        field="threshold_s",
    )


def test_ten_million_calls_are_refused_not_an_overflow():
    # Reproduced: 1e7 calls with patience 60 s raised OverflowError (a 500 from the API).
    refused(erlang_a.required_agents, 1e7, 1800, 180, 0.8, 20, 60, field="calls")
    refused(erlang.required_agents, INF, 1800, 180, 0.8, 20, field="calls")


def test_an_understaffed_queue_has_a_finite_wait():
    # 6,000 agents under 20,000 Erlangs: the mean wait of the answered once overflowed (exp of
    # a queue weight past 1e308). The fluid limit says answered callers wait about
    # patience × ln(load / agents), and 70% give up.
    r = finishes(erlang_a.evaluate, 60_000, 900, 300, 6_000, 15, 120)["value"]
    assert r.asa_s == pytest.approx(120 * math.log(20_000 / 6_000), rel=1e-3)
    assert r.abandon == pytest.approx(0.7, abs=1e-3) and r.service_level < 1e-6


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ((erlang.evaluate, 100, 1800, 180, 0, 20), "agents"),
        ((erlang.evaluate, 100, 1800, 180, 14, -1), "threshold_s"),
        ((erlang.required_agents, 100, 1800, NAN, 0.8, 20), "aht_s"),
        ((erlang.required_agents, 100, 1800, 180, NAN, 20), "target_sl"),
        ((erlang.required_agents, 100, 1800, 180, 0.8, 20, 0), "max_occupancy"),
        ((erlang.required_agents, 100_000, 60, 14_400, 0.8, 20), "offered load"),
        ((erlang_a.evaluate, 100, 1800, 180, 12, 20, 0), "patience_s"),
        ((erlang_a.evaluate, 100, 1800, 180, 10**6, 20, 60), "agents"),
        ((erlang_a.evaluate, 100, 1800, 180, 12, INF, 60), "threshold_s"),
        ((erlang_a.required_agents, 100, -INF, 180, 0.8, 20, 60), "interval_s"),
        (
            (
                erlang_a.service_levels,
                np.array([100.0, NAN]),
                1800,
                180,
                np.array([12, 12]),
                20,
                60,
            ),
            "calls",
        ),
        (
            (erlang_a.required_agents_grid, np.array([100.0]), 1800, np.array([0.0]), 0.8, 20, 60),
            "aht_s",
        ),
        ((simulate.simulate, np.array([10.0]), np.array([2]), 1800, 180, NAN, 20), "patience_s"),
        ((simulate.simulate, np.array([10.0]), np.array([-1]), 1800, 180, 60, 20), "agents"),
    ],
)
def test_algorithms_name_the_input_out_of_bounds(call, field):
    refused(*call, field=field)


def test_searches_stop_at_their_caps():
    # An occupancy cap of 1e-9 wanted ten billion agents; the walk went one agent at a time.
    message = refused(erlang.required_agents, 100, 1800, 180, 0.8, 20, 1e-9, field="agents")
    assert "needs more than 100,000 agents" in message
    # Erlang A's sums refuse a queue of millions of states rather than take seconds over it.
    message = refused(erlang_a.evaluate, 100_000, 60, 1, 1, 20, 1e9, field="patience")
    assert "shorter patience" in message
    # Within the request bounds the same extreme is answered.
    assert finishes(erlang_a.evaluate, 100_000, 60, 1, 1, 20, 86_400)["value"].abandon > 0.99


def test_simulation_size_is_capped():
    refused(
        simulate.simulate,
        np.full(3, 100_000.0),
        np.full(3, 10),
        1800,
        180,
        60,
        20,
        field="expected calls",
    )
    refused(
        simulate.simulate,
        np.full(48, 1.0),
        np.full(48, 20_000),
        1800,
        180,
        60,
        20,
        field="agent-slots",
    )


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
    doc = yaml.safe_load(roster.RULES_FILE.read_text(encoding="utf-8"))
    for section, key, value in [
        ("shift", "step_h", 1e-9),
        ("shift", "start_step_min", 0),
        ("solver", "time_limit_s", INF),
        ("cost", "per_paid_hour", NAN),
    ]:
        refused(roster.parse_rules, {**doc, section: {**doc[section], key: value}}, field=key)


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
        roster.load_rules(),
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
        roster.load_rules(),
        PlanOptions(simulate_days=0),
        with_roster=False,
    )["value"]
    assert plan.agents.max() > 50


# The ACD import.


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "2026-03-02 09:00-09:30,1e308,8,2,7,180,3,12",
            "第 2 行：“呼入量”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,1e308,2,7,180,3,12",
            "第 2 行：“接通量”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,180,1e308,12",
            "第 2 行：“在线坐席”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,180,3,1e308",
            "第 2 行：“平均应答时长”的值“1e308”超出范围（0–86,400 秒）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,1e308,3,12",
            "第 2 行：平均处理时长 1e+308 秒超过 4 小时",
        ),
    ],
)
def test_acd_numbers_past_their_bounds_name_the_row(row, message):
    with pytest.raises(acd.AcdError, match=re.escape(message)):
        acd.parse((HEAD + row + "\n").encode(), "acd.csv")


def test_acd_thresholds_are_bounded():
    with pytest.raises(acd.AcdError, match="第 1 行：表头“99999秒内接通”的门限超出范围"):
        acd.parse((HEAD.replace("20秒", "99999秒") + GOOD_ROW).encode(), "acd.csv")
    # A header of thousands of digits is past Python's own int() limit: still a row error.
    with pytest.raises(acd.AcdError, match="的门限超出范围"):
        acd.parse((HEAD.replace("20秒", "9" * 5000 + "秒") + GOOD_ROW).encode(), "acd.csv")
    with pytest.raises(acd.AcdError, match="指定的门限 1000000000000 秒超出范围"):
        acd.parse(
            (HEAD.replace("20秒内接通", "及时接通量") + GOOD_ROW).encode(),
            "acd.csv",
            threshold_s=10**12,
        )


def test_api_import_of_huge_counts_is_422_naming_the_row(client, db):
    # Reproduced: a count of 1e308 reached the database and came back as a 500.
    r = client.post(
        "/api/workforce/queues/q/imports",
        files={
            "file": (
                "acd.csv",
                (HEAD + GOOD_ROW.replace(",10,", ",1e308,", 1)).encode(),
                "text/csv",
            )
        },
        auth=LEAD,
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert r.json()["errors"][0]["row"] == 2 and "呼入量" in r.json()["errors"][0]["message"]
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(IntervalRow)) == 0


def test_cli_import_of_huge_counts_is_one_line_naming_the_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD + GOOD_ROW.replace(",10,", ",1e308,", 1), encoding="utf-8")
    line = one_error_line(moqi("staff", "import", str(bad), "--queue", "q"))
    assert "bad.csv 未导入" in line and "第 2 行" in line and "呼入量" in line


# The API.


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"calls": 1e7, "interval_s": 1800, "aht_s": 180, "patience_s": 60}', "calls"),
        # JSON has no NaN or Infinity: the body is refused before the schema sees it.
        (b'{"calls": NaN, "interval_s": 1800, "aht_s": 180}', "NaN"),
        (b'{"calls": 100, "interval_s": 1800, "aht_s": 180, "threshold_s": Infinity}', "Infinity"),
        (b'{"calls": 100, "interval_s": 1800, "aht_s": 1e6}', "aht_s"),
        (b'{"calls": 100, "interval_s": 1800, "aht_s": 180, "patience_s": 0.5}', "patience_s"),
        (b'{"calls": 100, "interval_s": 1800, "aht_s": 180, "agents": 1000000}', "agents"),
        (b'{"calls": 100, "interval_s": 1800, "aht_s": 180, "target_sl": 1}', "target_sl"),
        (b'{"calls": 100000, "interval_s": 60, "aht_s": 14400}', "aht_s / interval_s"),
    ],
)
def test_api_erlang_out_of_bounds_is_422_naming_the_field(client, body, field):
    # The first case answered 500 (an OverflowError): now the schema refuses it.
    r = client.post(
        "/api/workforce/erlang",
        content=body,
        headers={"content-type": "application/json"},
        auth=LEAD,
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert field in r.json()["detail"]


@pytest.mark.parametrize(
    "field", ["calls", "interval_s", "aht_s", "threshold_s", "patience_s", "target_sl", "shrinkage"]
)
def test_the_schema_refuses_non_finite_numbers(field):
    # Python callers of the schema can hand it NaN and ±inf, which JSON cannot carry.
    for value in (NAN, INF, -INF):
        with pytest.raises(ValidationError, match=field):
            ErlangRequest.model_validate(
                {"calls": 100, "interval_s": 1800, "aht_s": 180, field: value}
            )


def test_api_erlang_answers_the_understaffed_slot_that_overflowed(client):
    body = {
        "calls": 60_000,
        "interval_s": 900,
        "aht_s": 300,
        "agents": 6_000,
        "threshold_s": 15,
        "patience_s": 120,
    }
    r = client.post("/api/workforce/erlang", json=body, auth=LEAD)
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "erlang_a" and r.json()["asa_s"] == pytest.approx(144.47, abs=0.05)


# The CLI.


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (
            ["--calls", "100", "--interval-s", "1800", "--aht-s", "180", "--threshold-s", "nan"],
            "--threshold-s",
        ),  # hung
        (
            ["--calls", "inf", "--interval-s", "1800", "--aht-s", "180"],
            "--calls",
        ),  # printed a traceback
        (
            ["--calls", "100", "--interval-s", "1e-9", "--aht-s", "180", "--patience-s", "1e308"],
            "--interval-s",
        ),  # hung
        (
            ["--calls", "100", "--interval-s", "1800", "--aht-s", "180", "--max-occupancy", "1e-9"],
            "100,000 agents",
        ),  # looped 1e10 times
        (
            ["--calls", "100000", "--interval-s", "60", "--aht-s", "14400"],
            "--calls × --aht-s / --interval-s",
        ),
    ],
)
def test_cli_erlang_out_of_bounds_is_one_line_exit_2(args, option):
    assert option in one_error_line(moqi("staff", "erlang", *args))


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
