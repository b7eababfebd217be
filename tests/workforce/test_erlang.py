"""Erlang C against published figures, at scale without overflow, and the true minimum."""

import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from moqi.workforce import erlang


def test_call_centre_helper_worked_example():
    # Call Centre Helper, "Erlang C formula – made simple": 100 calls in 30 min, AHT 180 s,
    # 80% in 20 s → 14 agents at 88.84% (13 agents reach only 79.56%).
    r = erlang.required_agents(calls=100, interval_s=1800, aht_s=180, target_sl=0.8, threshold_s=20)
    assert r.agents == 14 and r.service_level == pytest.approx(0.8884, abs=5e-5)
    assert r.traffic_erlangs == pytest.approx(10.0)
    assert erlang.evaluate(100, 1800, 180, 13, 20).service_level == pytest.approx(0.7956, abs=5e-5)
    assert erlang.evaluate(100, 1800, 180, 14, 20).wait_probability == pytest.approx(
        0.1741, abs=5e-5
    )


@pytest.mark.parametrize(("traffic", "agents", "blocking"), [(10, 10, 0.21458), (2, 3, 0.21053)])
def test_erlang_b_table_values(traffic, agents, blocking):
    assert erlang.erlang_b(traffic, agents) == pytest.approx(blocking, abs=5e-5)


@pytest.mark.parametrize(("traffic", "agents"), [(50, 60), (333, 340), (1500, 1550), (7, 3)])
def test_erlang_b_matches_exact_rational_arithmetic(traffic, agents):
    # The textbook recursion in exact fractions: slow, but free of rounding.
    b = Fraction(1)
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    assert erlang.erlang_b(traffic, agents) == pytest.approx(float(b), rel=1e-9)


@pytest.mark.parametrize("calls", [1, 37, 480, 5_000, 60_000])
def test_the_answer_is_the_true_minimum(calls):
    r = erlang.required_agents(calls, 1800, 240, 0.8, 20)
    assert r.service_level >= 0.8
    if calls == 1:
        # 240/1800 = 0.133 Erlang: with one agent (there is no fewer) a call waits with probability
        # C = A, so SL = 1 - A·exp(-(1 - A)·20/240) = 0.876 ≥ 0.8.
        a = 240 / 1800
        assert r.agents == 1
        assert r.service_level == pytest.approx(1 - a * math.exp(-(1 - a) * 20 / 240), rel=1e-9)
    else:
        assert r.agents > 1
        assert erlang.evaluate(calls, 1800, 240, r.agents - 1, 20).service_level < 0.8


def test_thousands_of_agents_do_not_overflow():
    r = erlang.required_agents(
        calls=40_000, interval_s=900, aht_s=300, target_sl=0.9, threshold_s=15
    )
    assert r.agents > 13_000 and 0.9 <= r.service_level < 1 and np.isfinite(r.asa_s)


def test_grid_gives_the_same_answers():
    rng = np.random.default_rng(7)
    calls = rng.uniform(0, 3000, 300).round()
    aht = rng.uniform(60, 600, 300).round()
    grid = erlang.required_agents_grid(calls, 1800, aht, 0.8, 20)
    assert list(grid) == [
        erlang.required_agents(c, 1800, h, 0.8, 20).agents for c, h in zip(calls, aht, strict=True)
    ]


def test_unstable_and_bad_inputs():
    assert erlang.evaluate(100, 1800, 180, 10, 20).service_level == 0.0
    for bad, message in (
        (dict(calls=-1, interval_s=1800, aht_s=180), "calls .* not -1"),
        (dict(calls=10, interval_s=0, aht_s=180), "interval_s .* not 0"),
        (dict(calls=10, interval_s=1800, aht_s=-5), "aht_s .* not -5"),
    ):
        with pytest.raises(ValueError, match=message):
            erlang.required_agents(**bad, target_sl=0.8, threshold_s=20)
    with pytest.raises(ValueError, match="target_sl .* not 1.5"):
        erlang.required_agents(10, 1800, 180, 1.5, 20)


def test_cli_json_contract():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "moqi",
            "staff",
            "erlang",
            "--calls",
            "100",
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
            "--target-sl",
            "0.8",
            "--threshold-s",
            "20",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["agents"] == 14 and set(out) >= {
        "agents",
        "service_level",
        "asa_s",
        "occupancy",
        "abandon",
    }
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "moqi",
            "staff",
            "erlang",
            "--calls",
            "-3",
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        bad.returncode != 0 and "calls" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    )
