"""Issue 20, point 11: the Erlang C and Erlang A calculators and the simulation refuse inputs
out of bounds at once, naming them, from Python, the API and the CLI (see limits_helpers.py)."""

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from moqi.app import create_app
from moqi.workforce import erlang, erlang_a, simulate
from tests.conftest import add_users
from tests.workforce.limits_helpers import (
    INF,
    LEAD,
    NAN,
    finishes,
    moqi,
    one_error_line,
    refused,
)


@pytest.fixture
def client(db, db_url):
    add_users(db, team_lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c


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
