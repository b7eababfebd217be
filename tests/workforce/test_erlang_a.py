"""Erlang A: agrees with Erlang C when nobody gives up, with a simulation when they do, and with an
independent numerical method (the birth–death chain and uniformisation); the grid finds true minima."""

import heapq
import json
import math
import random
import subprocess
import sys
from collections import deque

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp
from scipy.stats import poisson

from moqi.workforce import erlang, erlang_a, service_level


def simulate(calls_per_s, aht_s, patience_s, agents, threshold_s, n_calls=120_000, seed=1):
    """M/M/N+M by discrete events: FIFO queue, exponential patience; returns SL (offered) and abandon share."""
    rng = random.Random(seed)
    t, free, queue, busy_until = 0.0, agents, deque(), []
    in_time = abandoned = 0
    for _ in range(n_calls):
        t += rng.expovariate(calls_per_s)
        # Agents that finished before this arrival take waiting callers in order.
        while busy_until and busy_until[0] <= t:
            done = heapq.heappop(busy_until)
            while queue and queue[0][1] <= done:  # gave up before an agent came
                queue.popleft()
                abandoned += 1
            if queue:
                arrived, _ = queue.popleft()
                in_time += done - arrived <= threshold_s
                heapq.heappush(busy_until, done + rng.expovariate(1 / aht_s))
            else:
                free += 1
        if free:
            free -= 1
            in_time += 1
            heapq.heappush(busy_until, t + rng.expovariate(1 / aht_s))
        else:
            queue.append((t, t + rng.expovariate(1 / patience_s)))
    return in_time / n_calls, abandoned / n_calls


def test_without_abandonment_it_is_erlang_c():
    for agents in (11, 13, 14):
        a = erlang_a.evaluate(100, 1800, 180, agents, 20, patience_s=1e9)
        c = erlang.evaluate(100, 1800, 180, agents, 20)
        assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
        assert a.abandon < 1e-6


@pytest.mark.parametrize(
    ("calls", "agents", "patience_s"), [(100, 10, 60), (100, 12, 120), (400, 38, 90)]
)
def test_matches_simulation(calls, agents, patience_s):
    exact = erlang_a.evaluate(calls, 1800, 180, agents, 20, patience_s)
    sl, abandon = simulate(calls / 1800, 180, patience_s, agents, 20)
    assert exact.service_level == pytest.approx(sl, abs=0.015)
    assert exact.abandon == pytest.approx(abandon, abs=0.01)


def test_fewer_agents_than_the_load_can_meet_a_target():
    # With impatient callers the queue is stable below the offered load: search from 1.
    r = erlang_a.required_agents(100, 1800, 180, 0.5, 20, patience_s=30, sl_definition="answered")
    assert r.agents <= 10 and r.service_level >= 0.5
    assert erlang_a.evaluate(100, 1800, 180, r.agents - 1, 20, 30, "answered").service_level < 0.5


def test_definitions_order():
    values = {
        d: erlang_a.evaluate(100, 1800, 180, 11, 20, 60, d).service_level
        for d in service_level.SL_DEFINITIONS
    }
    assert values["offered"] < values["short_abandons_excluded"] < values["answered"]
    with pytest.raises(ValueError, match="unknown service-level definition"):
        erlang_a.evaluate(100, 1800, 180, 11, 20, 60, "whatever")


def test_cli_with_patience():
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
            "--patience-s",
            "120",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # The expected staffing from the brute-force birth–death chain below (`reference`, not moqi's
    # closed form): the fewest agents whose SL (offered, 20 s, the CLI's defaults) reaches 0.8.
    # 10 Erlangs, 120 s patience: 11 agents give 0.742, 12 give 0.826.
    expected = next(n for n in range(1, 50) if reference(100, 1800, 180, n, 20, 120)[0] >= 0.8)
    sl, abandon = reference(100, 1800, 180, expected, 20, 120)
    assert out["model"] == "erlang_a" and out["agents"] == expected == 12
    assert out["service_level"] == pytest.approx(sl, abs=1e-6)
    assert out["abandon"] == pytest.approx(abandon, abs=1e-6)
    assert "offered" in out["service_level_definition"]


def reference(calls, interval_s, aht_s, n, t, patience_s):
    """SL (offered), abandonment and answered-within-T by brute force: the truncated stationary
    distribution of the birth–death chain, and per queue position the chance of reaching an agent
    within t by uniformisation of the position chain (the method moqi used before closed forms)."""
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    a = lam / mu
    k = np.arange(n + 1)
    log_low = k * math.log(a) - gammaln(k + 1)
    logs, total, j = [], 0.0, 1
    while not (total < -35 and lam < n * mu + j * theta):
        total += math.log(lam / (n * mu + j * theta))
        logs.append(total)
        j += 1
    log_high = log_low[-1] + np.concatenate(([0.0], np.array(logs)))
    norm = logsumexp(np.concatenate((log_low[:-1], log_high)))
    p_free, high = float(np.exp(logsumexp(log_low[:-1]) - norm)), np.exp(log_high - norm)
    depth = len(high)
    rates = n * mu + np.arange(depth) * theta
    lam_u = float(rates[-1] + theta)
    stay, move = 1 - (rates + theta) / lam_u, rates / lam_u
    steps = int(lam_u * t + 12 * math.sqrt(lam_u * t + 1) + 20)
    weights = poisson.pmf(np.arange(steps + 1), lam_u * t)
    v = np.zeros(depth)
    within = weights[0] * v
    for m in range(1, steps + 1):
        v = stay * v + move * np.concatenate(([1.0], v[:-1]))
        within = within + weights[m] * v
    jj = np.arange(depth)
    served_ever = np.exp(np.cumsum(np.log((n * mu + jj * theta) / (n * mu + (jj + 1) * theta))))
    return p_free + float(high @ within), float(high @ (1 - served_ever))


@pytest.mark.parametrize(
    ("calls", "aht", "agents", "patience"),
    [
        (100, 180, 10, 60),
        (100, 180, 1, 60),
        (400, 180, 38, 90),
        (3000, 300, 480, 120),
        (3000, 300, 560, 30),
        (6, 600, 2, 400),
    ],
)
def test_closed_form_matches_the_birth_death_chain(calls, aht, agents, patience):
    sl, abandon = reference(calls, 1800, aht, agents, 20, patience)
    r = erlang_a.evaluate(calls, 1800, aht, agents, 20, patience)
    assert r.service_level == pytest.approx(sl, abs=1e-9) and r.abandon == pytest.approx(
        abandon, abs=1e-9
    )


def test_grid_finds_the_true_minimum_for_every_definition():
    rng = np.random.default_rng(11)
    calls = rng.uniform(0, 4000, 60).round()
    aht = rng.uniform(90, 600, 60).round()
    for definition in service_level.SL_DEFINITIONS:
        grid = erlang_a.required_agents_grid(calls, 1800, aht, 0.8, 20, 120, definition)
        for c, h, n in zip(calls, aht, grid, strict=True):
            if c == 0:
                assert n == 0
                continue
            assert erlang_a.evaluate(c, 1800, h, int(n), 20, 120, definition).service_level >= 0.8
            if n > 1:
                assert (
                    erlang_a.evaluate(c, 1800, h, int(n) - 1, 20, 120, definition).service_level
                    < 0.8
                )


def test_service_level_rises_with_agents():
    sl = erlang_a.service_levels(np.full(400, 2000.0), 1800, 300, np.arange(1, 401), 20, 90)
    assert (np.diff(sl) >= -1e-12).all() and sl[0] < 0.01 and sl[-1] > 0.999


def test_thousands_of_agents_stay_finite_and_exact():
    # 20,000 Erlangs: far beyond what factorials or powers survive in floating point.
    r = erlang_a.required_agents(
        calls=60_000, interval_s=900, aht_s=300, target_sl=0.9, threshold_s=15, patience_s=120
    )
    assert (
        r.agents > 5_000
        and 0.9 <= r.service_level < 1
        and math.isfinite(r.asa_s)
        and r.occupancy <= 1
    )
    # So large a queue runs below its load: the excess gives up (the fluid limit 1 − N/a), and
    # the rest wait about (λ − Nμ)/θ callers' worth, under the 15 s threshold.
    assert r.agents < r.traffic_erlangs and r.abandon == pytest.approx(
        1 - r.agents / r.traffic_erlangs, abs=0.003
    )
    assert erlang_a.evaluate(60_000, 900, 300, r.agents - 1, 15, 120).service_level < 0.9
    # Patient callers: it becomes Erlang C, at scale too.
    c = erlang.evaluate(60_000, 900, 300, 20_100, 15)
    a = erlang_a.evaluate(60_000, 900, 300, 20_100, 15, 1e9)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
