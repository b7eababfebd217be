"""A synthetic, seeded ACD export of a 10086-like hotline, for demos and tests (no real data in it).

How it is made, slot by slot:
- calls: a 24-hour day profile with a morning peak at 9:00–10:00, a lunch dip, an afternoon
  shoulder and an evening peak at 20:00–21:00 over a night trough; Monday busiest, the weekend
  quieter; public holidays at 70% of a Sunday; a day-level gamma noise (CV 6%) and Poisson
  arrivals per slot;
- handling: AHT around 300 s (longer at night), patience 90 s on average;
- staffing: the historical plan staffs a two-hour rolling average of the load, so the peaks
  are understaffed — the answer rate sags at 9:00 and 20:00, which is what a planner must see;
- outcomes: per slot, Erlang A (M/M/N+M) probabilities for that staffing, drawn binomially.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import numpy as np

from moqi.workforce import erlang_a, limits
from moqi.workforce.calendar import Holidays, load_holidays

HEADERS = [
    "时段",
    "呼入量",
    "接通量",
    "放弃量",
    "20秒内接通",
    "平均处理时长(秒)",
    "在线坐席",
    "平均应答时长(秒)",
]
WEEKDAY_FACTOR = (1.12, 1.04, 1.0, 0.99, 1.02, 0.86, 0.8)
PATIENCE_S, THRESHOLD_S = 90.0, 20


def day_profile(slots: int) -> np.ndarray:
    """Relative call volume over the day (peak = 1), sampled at slot midpoints."""
    h = (np.arange(slots) + 0.5) * 24 / slots
    shape = (
        0.07
        + np.exp(-((h - 9.5) ** 2) / 3.5)
        + 0.7 * np.exp(-((h - 15.0) ** 2) / 6.0)
        + 0.85 * np.exp(-((h - 20.5) ** 2) / 1.8)
        - 0.12 * np.exp(-((h - 12.5) ** 2) / 0.5)
    )
    shape *= 0.25 + 0.75 / (1 + np.exp(-(h - 7.0) * 2.0))  # the night trough
    return shape / shape.max()


def generate(
    start: date,
    weeks: int,
    interval_min: int = 30,
    peak_calls: float = 1200,
    seed: int = 10086,
    holidays: Holidays | None = None,
) -> list[dict]:
    """Rows of a synthetic ACD export (one dict per slot, keys = HEADERS)."""
    if interval_min not in (15, 30):
        raise ValueError("interval must be 15 or 30 minutes")
    limits.CALLS.check(peak_calls, "peak_calls")
    holidays = holidays or load_holidays()
    rng = np.random.default_rng(seed)
    slots = 24 * 60 // interval_min
    interval_s = interval_min * 60
    profile = day_profile(slots)
    hours = (np.arange(slots) + 0.5) * 24 / slots
    aht_base = 290 + 40 * np.exp(-((hours - 3) ** 2) / 8)
    scale = peak_calls * interval_min / 30
    # The historical plan: a rolling two-hour mean of the expected load, staffed at Erlang A.
    window = max(1, 120 // interval_min)
    rows = []
    for k in range(weeks * 7):
        day = start + timedelta(days=k)
        factor = (
            0.7 * WEEKDAY_FACTOR[6]
            if day in holidays.off
            else WEEKDAY_FACTOR[day.weekday() if day not in holidays.workdays else 2]
        )
        level = factor * rng.gamma(1 / 0.06**2, 0.06**2)
        expected = scale * profile * factor
        smooth = np.convolve(
            np.concatenate([expected[-window:], expected, expected[:window]]),
            np.ones(window) / window,
            "same",
        )[window:-window]
        planned = erlang_a.required_agents_grid(
            np.round(smooth), interval_s, aht_base, 0.8, THRESHOLD_S, PATIENCE_S
        )
        for s in range(slots):
            offered = int(rng.poisson(scale * profile[s] * level))
            aht = float(aht_base[s] * rng.uniform(0.95, 1.05))
            agents = max(1, int(planned[s] * rng.uniform(0.93, 1.02)))
            if offered:
                r = erlang_a.evaluate(offered, interval_s, aht, agents, THRESHOLD_S, PATIENCE_S)
                abandoned = int(rng.binomial(offered, r.abandon))
                answered = offered - abandoned
                in_t = int(min(answered, rng.binomial(offered, r.service_level)))
                asa = r.asa_s * rng.uniform(0.9, 1.1)
            else:
                abandoned = answered = in_t = 0
                asa = 0.0
            minute = s * interval_min
            begin = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
            end = begin + timedelta(minutes=interval_min)
            rows.append(
                dict(
                    zip(
                        HEADERS,
                        [
                            f"{begin:%Y-%m-%d %H:%M}-{end:%H:%M}",
                            offered,
                            answered,
                            abandoned,
                            in_t,
                            round(aht, 1),
                            agents,
                            round(asa, 1),
                        ],
                        strict=True,
                    )
                )
            )
    return rows


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV text with the Chinese headers an ACD report would have."""
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADERS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_xlsx(rows: list[dict]) -> bytes:
    """The rows as an XLSX workbook (one sheet), as ACD report tools export them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "时段报表"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def default_start(weeks: int, today: date) -> date:
    """The Monday `weeks` weeks before the Monday of `today`'s week."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks)
