"""Offered calls per slot from history: weighted recent weeks of the same day type, per slot.

For a target day the forecast of each slot is the weighted mean of that slot on the last
`weeks_back` days of the same day type (weekday; holidays and make-up workdays are kept out
of training), the most recent week weighing most (weights decay geometrically). Its error is
measured on held-back weeks, forecast only from the days before them, next to a seasonal
naive forecast (same slot one week earlier) so the figure has a yardstick. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from moqi.workforce.acd import Interval
from moqi.workforce.calendar import Holidays, day_type

MAPE_MIN_CALLS = 10  # slots quieter than this are left out of MAPE (a few calls make wild %)


def daily_matrix(intervals: Iterable[Interval], interval_min: int) -> dict[date, np.ndarray]:
    """Offered calls per day as a vector over the day's slots (slots missing in the file = 0)."""
    slots = 24 * 60 // interval_min
    out: dict[date, np.ndarray] = {}
    for i in intervals:
        row = out.setdefault(i.start.date(), np.zeros(slots))
        row[(i.start.hour * 60 + i.start.minute) // interval_min] += i.offered
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class DayForecast:
    """Forecast offered calls per slot for one day, and how it was made."""

    day: date
    calls: np.ndarray
    day_type: int
    holiday: str | None
    basis_days: int  # history days it rests on (0 = no same-type history: overall mean)


def forecast_day(
    history: dict[date, np.ndarray],
    day: date,
    holidays: Holidays,
    weeks_back: int = 6,
    decay: float = 0.7,
) -> DayForecast:
    """Weighted mean of the same day type's recent history, only days before `day`."""
    if weeks_back < 1:
        raise ValueError("weeks_back must be ≥ 1")
    if not 0 < decay <= 1:
        raise ValueError("decay must be in (0, 1]")
    kind = day_type(day, holidays)
    ordinary = [d for d in history if d < day and not holidays.is_special(d)]
    same = sorted((d for d in ordinary if d.weekday() == kind), reverse=True)[:weeks_back]
    basis = same or sorted(ordinary, reverse=True)[: 7 * weeks_back]
    if not basis:
        raise ValueError(f"no history before {day} to forecast from")
    weights = np.array([decay**k for k in range(len(basis))]) if same else np.ones(len(basis))
    calls = np.average(np.stack([history[d] for d in basis]), axis=0, weights=weights)
    return DayForecast(day, calls, kind, holidays.name(day), len(same))


def forecast(
    history: dict[date, np.ndarray], start: date, days: int, holidays: Holidays, weeks_back: int = 6
) -> list[DayForecast]:
    """Forecasts for `days` days from `start`, each from the history before `start` only."""
    before = {d: v for d, v in history.items() if d < start}
    return [
        forecast_day(before, start + timedelta(days=k), holidays, weeks_back) for k in range(days)
    ]


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Forecast error on held-back days; the seasonal naive forecast's beside it."""

    days: int
    first_day: date | None
    last_day: date | None
    wape: float | None
    mape: float | None
    naive_wape: float | None
    naive_mape: float | None
    excluded_holidays: int

    def as_dict(self) -> dict:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 4)

        return {
            "held_back_days": self.days,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "wape": r(self.wape),
            "mape": r(self.mape),
            "naive_wape": r(self.naive_wape),
            "naive_mape": r(self.naive_mape),
            "excluded_holidays": self.excluded_holidays,
            "mape_min_calls": MAPE_MIN_CALLS,
        }


def _errors(pred: np.ndarray, actual: np.ndarray) -> tuple[float | None, float | None]:
    total = actual.sum()
    wape = float(np.abs(pred - actual).sum() / total) if total > 0 else None
    mask = actual >= MAPE_MIN_CALLS
    mape = float(np.mean(np.abs(pred[mask] - actual[mask]) / actual[mask])) if mask.any() else None
    return wape, mape


def backtest(
    history: dict[date, np.ndarray],
    holidays: Holidays,
    held_back_weeks: int = 2,
    weeks_back: int = 6,
) -> Accuracy:
    """Hold back the last weeks, forecast them from the days before, and score (holidays excluded)."""
    if held_back_weeks < 1:
        raise ValueError("held_back_weeks must be ≥ 1")
    if not history:
        return Accuracy(0, None, None, None, None, None, None, 0)
    last = max(history)
    split = last - timedelta(days=7 * held_back_weeks - 1)
    train = {d: v for d, v in history.items() if d < split}
    test = [d for d in history if d >= split]
    scored = [d for d in test if not holidays.is_special(d)]
    if not train or not scored:
        return Accuracy(0, None, None, None, None, None, None, len(test) - len(scored))
    preds, naives, actuals = [], [], []
    for d in scored:
        try:
            preds.append(forecast_day(train, d, holidays, weeks_back).calls)
        except ValueError:
            continue
        # Seasonal naive: the same weekday's last ordinary day before the split.
        prior = [p for p in train if p.weekday() == d.weekday() and not holidays.is_special(p)]
        naives.append(train[max(prior)] if prior else preds[-1])
        actuals.append(history[d])
    if not actuals:
        return Accuracy(0, None, None, None, None, None, None, len(test) - len(scored))
    pred, naive, actual = np.concatenate(preds), np.concatenate(naives), np.concatenate(actuals)
    wape, mape = _errors(pred, actual)
    nwape, nmape = _errors(naive, actual)
    return Accuracy(
        len(actuals), min(scored), max(scored), wape, mape, nwape, nmape, len(test) - len(scored)
    )
