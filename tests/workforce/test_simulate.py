"""The SimPy simulation agrees with Erlang A (and with Erlang C when nobody gives up), seeded."""

import numpy as np
import pytest

from moqi.workforce import erlang, erlang_a, simulate


@pytest.mark.parametrize(
    ("calls", "agents", "patience_s"), [(400, 38, 90), (1000, 92, 60), (100, 11, 180)]
)
def test_stationary_simulation_matches_erlang_a(calls, agents, patience_s):
    # About 80,000 simulated calls. Near saturation consecutive callers share the queue, so a
    # run's service level wanders more than a binomial share would (about ±1.5 points between
    # seeds here); 3 points is outside that noise, and far from what a wrong model gives.
    sim = simulate.stationary(
        calls, 1800, 180, agents, patience_s, 20, n_slots=80_000 // calls, seed=7
    )
    exact = erlang_a.evaluate(calls, 1800, 180, agents, 20, patience_s)
    assert sim.offered > 75_000
    assert sim.service_level("offered") == pytest.approx(exact.service_level, abs=0.03)
    assert sim.abandon_rate == pytest.approx(exact.abandon, abs=0.02)
    assert sim.asa_s == pytest.approx(exact.asa_s, rel=0.15, abs=0.5)


def test_without_patience_it_is_erlang_c():
    sim = simulate.stationary(100, 1800, 180, 14, None, 20, n_slots=400, seed=3)
    assert sim.abandoned == 0
    assert sim.service_level("offered") == pytest.approx(
        erlang.evaluate(100, 1800, 180, 14, 20).service_level, abs=0.02
    )


def test_staffing_changes_by_slot_and_the_seed_repeats():
    calls = np.array([200.0, 200.0, 200.0])
    thin = simulate.simulate(calls, np.array([25, 14, 25]), 1800, 180, 90, 20, seed=5)
    assert thin[1].service_level("offered") < thin[0].service_level("offered") - 0.2
    assert thin == simulate.simulate(calls, np.array([25, 14, 25]), 1800, 180, 90, 20, seed=5)
    off = simulate.simulate(np.array([50.0]), np.array([0]), 1800, 180, 60, 20, seed=1)[0]
    assert off.answered == 0 and off.abandoned == off.offered > 0


def test_bad_input():
    with pytest.raises(ValueError, match="one value per slot"):
        simulate.simulate(np.array([1.0, 2.0]), np.array([1]), 1800, 180, 60, 20)
    with pytest.raises(ValueError, match="calls .* not -1"):
        simulate.simulate(np.array([-1.0]), np.array([1]), 1800, 180, 60, 20)
