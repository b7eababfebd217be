"""KPIs are ratios of summed counts; the SL definition is the one asked for; balance is best − worst."""

from datetime import datetime

import pytest

from moqi.workforce import kpi
from moqi.workforce.acd import Interval


def iv(day, hour, offered, answered, abandoned, in_t, aht=300.0, agents=100.0, asa=None, ab_t=None):
    return Interval(
        datetime(2026, 3, day, hour), offered, answered, abandoned, in_t, aht, agents, asa, ab_t
    )


def test_slot_kpis_sum_counts_before_dividing():
    items = [iv(2, 9, 100, 80, 20, 60, asa=30, ab_t=5), iv(3, 9, 300, 290, 10, 270, asa=10, ab_t=4)]
    r = kpi.report(items, 30, 20, "offered")
    k = r.by_slot[9 * 60]
    assert k.answer_rate == pytest.approx(370 / 400)
    assert k.service_level("offered") == pytest.approx(330 / 400)
    assert k.service_level("answered") == pytest.approx(330 / 370)
    assert k.service_level("short_abandons_excluded") == pytest.approx(330 / 391)
    assert k.asa_s == pytest.approx((30 * 80 + 10 * 290) / 370)
    assert k.abandon_rate == pytest.approx(30 / 400)
    # Occupancy: handled seconds over staffed seconds (2 intervals × 100 agents × 1800 s).
    assert k.occupancy == pytest.approx(370 * 300 / (2 * 100 * 1800))
    assert r.heat(0, 9 * 60) == pytest.approx(0.8) and r.heat(1, 9 * 60) == pytest.approx(290 / 300)


def test_missing_columns_make_unknown_not_zero():
    k = kpi.report([iv(2, 9, 10, 10, 0, 10)], 30, 20, "offered").total
    assert k.asa_s is None and k.service_level("short_abandons_excluded") is None
    assert kpi.Kpi().answer_rate is None


def test_balance_ignores_quiet_slots():
    items = [iv(2, 9, 1000, 700, 300, 500), iv(2, 12, 800, 790, 10, 780), iv(2, 3, 4, 1, 3, 1)]
    b = kpi.report(items, 30, 20, "offered").balance
    # The 03:00 slot has under 20% of the mean slot's calls: 4 calls say nothing about staffing.
    assert b.slots_considered == 2 and b.worst_slot == 9 * 60 and b.best_slot == 12 * 60
    assert b.spread == pytest.approx(790 / 800 - 0.7)


def test_unknown_definition_is_refused():
    with pytest.raises(ValueError, match="unknown service-level definition"):
        kpi.report([], 30, 20, "whatever")


def test_slot_label_wraps_midnight():
    assert (
        kpi.slot_label(23 * 60 + 30, 30) == "23:30-00:00"
        and kpi.slot_label(9 * 60 + 45, 15) == "09:45-10:00"
    )
