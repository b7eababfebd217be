"""Erlang A: agrees with Erlang C when nobody gives up, and with a simulation when they do."""

import heapq
import json
import random
import subprocess
import sys
from collections import deque

import pytest

from moqi.workforce import erlang, erlang_a


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


@pytest.mark.parametrize(("calls", "agents", "patience_s"), [(100, 10, 60), (100, 12, 120), (400, 38, 90)])
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
    values = {d: erlang_a.evaluate(100, 1800, 180, 11, 20, 60, d).service_level for d in erlang_a.SL_DEFINITIONS}
    assert values["offered"] < values["short_abandons_excluded"] < values["answered"]
    with pytest.raises(ValueError, match="unknown service-level definition"):
        erlang_a.evaluate(100, 1800, 180, 11, 20, 60, "whatever")


def test_cli_with_patience():
    done = subprocess.run([sys.executable, "-m", "moqi", "staff", "erlang", "--calls", "100", "--interval-s", "1800", "--aht-s", "180", "--patience-s", "120", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["model"] == "erlang_a" and out["agents"] == 12 and 0 < out["abandon"] < 0.1
    assert "offered" in out["service_level_definition"]
