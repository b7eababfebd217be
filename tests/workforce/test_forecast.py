"""Forecast: same weekday, recent weeks weigh most, holidays kept out; error on held-back weeks."""

from datetime import date, timedelta

import numpy as np
import pytest

from moqi.workforce import forecast
from moqi.workforce.calendar import Holidays, day_type, load_holidays, parse_holidays

MON = date(2026, 3, 2)


def weekly(weeks: int, slots: int = 4, holidays: Holidays | None = None) -> dict[date, np.ndarray]:
    """A history that repeats exactly every week: weekday w has calls 10·(w+1) per slot."""
    out = {}
    for k in range(weeks * 7):
        d = MON + timedelta(days=k)
        out[d] = np.full(
            slots, 500.0 if holidays and d in holidays.off else 10.0 * (d.weekday() + 1)
        )
    return out


def test_weekly_pattern_is_forecast_exactly_and_scores_zero_error():
    history = weekly(6)
    days = forecast.forecast(history, MON + timedelta(weeks=6), 7, Holidays())
    assert [float(d.calls[0]) for d in days] == pytest.approx([10.0 * (w + 1) for w in range(7)])
    acc = forecast.backtest(history, Holidays(), held_back_weeks=2)
    assert (
        acc.days == 14
        and acc.wape == pytest.approx(0)
        and acc.mape == pytest.approx(0)
        and acc.naive_wape == 0
    )


def test_recent_weeks_weigh_most():
    history = {MON: np.array([100.0]), MON + timedelta(weeks=1): np.array([200.0])}
    f = forecast.forecast_day(history, MON + timedelta(weeks=2), Holidays(), decay=0.5)
    assert f.calls[0] == pytest.approx((200 + 0.5 * 100) / 1.5) and f.basis_days == 2


def test_holidays_are_kept_out_of_training_and_marked():
    hol = Holidays(off={MON + timedelta(weeks=2): "测试节"})
    history = weekly(4, holidays=hol)
    monday = forecast.forecast_day(history, MON + timedelta(weeks=4), hol)
    assert (
        monday.calls[0] == 10.0 and monday.holiday is None
    )  # the 500-call holiday did not leak in
    holiday = forecast.forecast_day(history, MON + timedelta(weeks=2), hol)
    assert holiday.holiday == "测试节" and holiday.day_type == 6
    acc = forecast.backtest(history, hol, held_back_weeks=2)
    assert acc.excluded_holidays == 1 and acc.wape == pytest.approx(0)


def test_shipped_holiday_list():
    hol = load_holidays()
    assert hol.name(date(2026, 10, 1)) == "国庆节" and hol.name(date(2026, 2, 17)) == "春节"
    assert day_type(date(2026, 2, 28), hol) == 2 and "调休" in hol.name(date(2026, 2, 28))
    with pytest.raises(ValueError, match="not a date"):
        parse_holidays([{"name": "坏", "days_off": ["明天"]}])


def test_no_history_is_a_clear_error():
    with pytest.raises(ValueError, match="no history"):
        forecast.forecast_day({}, MON, Holidays())
