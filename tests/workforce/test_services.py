"""Import into the database: one transaction, nothing stored on any error, conflicts refused."""

from datetime import date

import pytest
from sqlalchemy import func, select

from moqi.db import session_scope
from moqi.workforce import demo, services
from moqi.workforce.acd import AcdError
from moqi.workforce.calendar import load_holidays
from moqi.workforce.models import ImportRow, IntervalRow, QueueRow
from moqi.workforce.plan import PlanOptions
from moqi.workforce.roster_rules import load_rules

ROWS = demo.generate(date(2026, 3, 2), 3, peak_calls=120, seed=5)
CSV = demo.to_csv(ROWS).encode()


def counts(db) -> tuple[int, int, int]:
    with session_scope(db) as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t))
            for t in (QueueRow, ImportRow, IntervalRow)
        )


def test_import_then_read_back_and_plan(db):
    with session_scope(db) as s:
        summary = services.import_acd(s, CSV, "acd.csv", "10086人工", "tester")
    assert summary.rows == 21 * 48 and summary.threshold_s == 20 and summary.interval_min == 30
    assert counts(db) == (1, 1, 21 * 48)
    with session_scope(db) as s:
        assert services.list_queues(s)[0]["intervals"] == 21 * 48
        data = services.queue_data(s, "10086人工")
        plan = services.plan_queue(
            s, "10086人工", load_holidays(), load_rules(), PlanOptions(), with_roster=False
        )
    assert data.intervals[0].offered == ROWS[0]["呼入量"] and plan.required.shape == (7, 48)


def test_a_bad_row_stores_nothing(db):
    lines = demo.to_csv(ROWS).splitlines()
    lines[500] = lines[500].replace(",", ",x", 1)
    with pytest.raises(AcdError, match="第 501 行"), session_scope(db) as s:
        services.import_acd(s, "\n".join(lines).encode(), "acd.csv", "q", "tester")
    assert counts(db) == (0, 0, 0)


def test_overlapping_and_mismatched_imports_are_refused(db):
    with session_scope(db) as s:
        services.import_acd(s, CSV, "acd.csv", "q", "tester")
    with pytest.raises(AcdError, match="已有 1008 个相同时段"), session_scope(db) as s:
        services.import_acd(s, CSV, "again.csv", "q", "tester")
    later = demo.to_csv(
        demo.generate(date(2026, 3, 23), 1, interval_min=15, peak_calls=60, seed=6)
    ).encode()
    with pytest.raises(AcdError, match="已按 30 分钟时段"), session_scope(db) as s:
        services.import_acd(s, later, "later.csv", "q", "tester")
    assert counts(db) == (1, 1, 21 * 48)
    next_week = demo.to_csv(demo.generate(date(2026, 3, 23), 1, peak_calls=60, seed=6)).encode()
    with session_scope(db) as s:
        services.import_acd(s, next_week, "next.csv", "q", "tester")
    assert counts(db) == (1, 2, 28 * 48)


def test_unknown_queue(db):
    with pytest.raises(LookupError, match="没有名为"), session_scope(db) as s:
        services.queue_data(s, "nope")
    with pytest.raises(AcdError, match="队列名"), session_scope(db) as s:
        services.import_acd(s, CSV, "acd.csv", "  ", "tester")


def test_the_same_data_and_options_give_the_same_plan_until_an_import(db):
    # The plan page switching days must show one roster, not a fresh solve per click.
    holidays, rules = load_holidays(), load_rules()
    with session_scope(db) as s:
        services.import_acd(s, CSV, "acd.csv", "q", "tester")
    with session_scope(db) as s:
        first = services.plan_queue(s, "q", holidays, rules, PlanOptions(), with_roster=False)
        assert (
            services.plan_queue(s, "q", holidays, rules, PlanOptions(), with_roster=False) is first
        )
        other = services.plan_queue(
            s, "q", holidays, rules, PlanOptions(target_sl=0.9), with_roster=False
        )
        assert other is not first and other.required.sum() >= first.required.sum()
    next_week = demo.to_csv(demo.generate(date(2026, 3, 23), 1, peak_calls=60, seed=6)).encode()
    with session_scope(db) as s:
        services.import_acd(s, next_week, "next.csv", "q", "tester")
    with session_scope(db) as s:
        assert (
            services.plan_queue(s, "q", holidays, rules, PlanOptions(), with_roster=False)
            is not first
        )


def test_a_queue_without_data_has_no_plan(db):
    with session_scope(db) as s:
        s.add(QueueRow(name="empty", interval_min=30, threshold_s=20))
    with pytest.raises(ValueError, match="还没有数据"), session_scope(db) as s:
        services.plan_queue(
            s, "empty", load_holidays(), load_rules(), PlanOptions(), with_roster=False
        )
    with pytest.raises(LookupError, match="没有名为"), session_scope(db) as s:
        services.plan_queue(
            s, "nope", load_holidays(), load_rules(), PlanOptions(), with_roster=False
        )
