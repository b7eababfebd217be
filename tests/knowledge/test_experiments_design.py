"""Script experiments, the pure parts: the split, the horizon, the variant's checks, the
outcome of a line in a call, and the report's statistics against hand-worked numbers."""

import math

import pytest

from moqi.errors import Invalid
from moqi.knowledge.experiments import design, outcomes, stats


def test_the_same_contact_is_always_in_the_same_arm_and_the_split_is_even():
    assert all(design.arm(7, c) == design.arm(7, c) for c in range(200))
    arms = [design.arm(3, c) for c in range(1, 4001)]
    variant = arms.count("variant")
    # 4000 fair coins: 2000 ± 3·√1000 ≈ ±95
    assert 1905 < variant < 2095
    # Another experiment splits the same contacts differently (not the same halves).
    other = [design.arm(4, c) for c in range(1, 4001)]
    same = sum(a == b for a, b in zip(arms, other, strict=True))
    assert 1850 < same < 2150


def test_the_horizon_against_a_hand_worked_number():
    # n = 2·(1.959964 + 0.841621)²·0.5²/0.2² = 2·7.848888·0.25/0.04 = 98.11 → 99
    assert design.per_arm(0.2, 0.5) == 99
    # Half the effect needs four times the sample: 2·7.848888·0.25/0.01 = 392.44 → 393
    assert design.per_arm(0.1, 0.5) == 393
    for bad in (0, -0.1, math.nan, math.inf):
        with pytest.raises(Invalid):
            design.per_arm(bad, 0.5)
    with pytest.raises(Invalid):
        design.per_arm(0.0001, 5)  # more contacts than can be run


@pytest.mark.parametrize(
    "text",
    ["", "   ", "好" * 301, "{客户名}您好", "您好{customer", 42, None],
)
def test_a_bad_variant_is_refused(text):
    with pytest.raises(Invalid):
        design.variant_text(text, "您好，请问有什么可以帮您？")


def test_a_variant_the_same_as_the_line_is_refused_and_a_good_one_kept():
    with pytest.raises(Invalid):
        design.variant_text(" 您好 ", "您好")
    assert design.variant_text(" {customer}您好，我马上帮您查。 ", "您好") == (
        "{customer}您好，我马上帮您查。"
    )


def _e(speaker, valence, risk=0.0, shown=(), used=()):
    return {
        "speaker": speaker,
        "emotion": {"valence": valence, "risk": risk},
        "scripts": [{"id": s} for s in shown],
        "scripts_used": list(used),
    }


def test_the_outcome_of_a_line_read_out():
    events = [
        _e("customer", -0.6, shown=("S1",)),
        _e("agent", 0.0, used=("S1",)),
        _e("customer", -0.2),
        _e("agent", 0.0),
        _e("customer", 0.0, risk=0.7),
        _e("customer", 0.9),  # past the two turns measured
    ]
    found = outcomes.outcome(events, "S1")
    # mean(-0.2, 0.0) − (−0.6) = 0.5
    assert found == outcomes.Outcome(True, 0.5, True)
    assert outcomes.outcome(events, "S2") is None
    # Shown, never read out: measured from where it was shown; nothing said after → None.
    only = [_e("agent", 0.0, shown=("S3",))]
    assert outcomes.outcome(only, "S3") == outcomes.Outcome(False, None, False)


def test_the_report_statistics_against_a_hand_worked_example():
    control, variant = [1.0, 2.0, 3.0, 4.0], [3.0, 4.0, 5.0, 6.0, 7.0]
    m = stats.mean(control)
    # mean 2.5, s² = 5/3, se = √(5/12) = 0.645497, t₀.₉₇₅,₃ = 3.182446 → ±2.054260
    assert m.value == 2.5 and m.low == pytest.approx(0.44574, abs=1e-4)
    d = stats.welch(control, variant)
    # diff 2.5; qa = (5/3)/4 = 0.416667, qb = 2.5/5 = 0.5, se = √0.916667 = 0.957427
    # df = 0.840278 / (0.173611/3 + 0.25/4) = 0.840278/0.120370 = 6.98077; t ≈ 2.36588
    assert d.value == 2.5
    assert d.low == pytest.approx(2.5 - 2.36588 * 0.957427, abs=2e-3)
    assert d.high == pytest.approx(2.5 + 2.36588 * 0.957427, abs=2e-3)
    # Wilson, 2 of 10: centre (0.2 + 0.192073)/1.384146 = 0.283260, half 0.226046
    w = stats.wilson(2, 10)
    assert w.low == pytest.approx(0.0567, abs=1e-3) and w.high == pytest.approx(0.5098, abs=1e-3)
    assert stats.wilson(0, 5).low == 0.0 and stats.wilson(5, 5).high == 1.0


def test_the_decision_waits_for_the_horizon():
    d = stats.welch([0.0, 0.1, -0.1] * 10, [0.5, 0.6, 0.4] * 10)
    assert stats.decision(d, 30, 30, 31) == "pending"
    assert stats.decision(d, 30, 30, 30) == "variant"
    assert stats.decision(stats.welch([0.5, 0.6, 0.4] * 10, [0.0, 0.1, -0.1] * 10), 30, 30, 30) == (
        "control"
    )
    same = stats.welch([0.0, 1.0] * 10, [0.0, 1.0] * 10)
    assert stats.decision(same, 20, 20, 20) == "none"
    assert stats.still_needed(30, 12, 20) == {"control": 0, "variant": 8}
