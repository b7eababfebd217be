"""Contact-centre KPIs from ACD intervals: per slot, per day, a weekday × slot heat map, balance.

Ratios are taken over summed counts (never averaged rates), so a quiet night slot weighs what
its calls weigh. Pure functions of the intervals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from moqi.workforce.acd import Interval
from moqi.workforce.service_level import SL_DEFINITIONS

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# Slots quieter than this share of the average slot are left out of the balance measure:
# a handful of night calls makes a rate that says nothing about staffing.
BALANCE_MIN_SHARE = 0.2


@dataclass(slots=True)
class Kpi:
    """Summed counts of some intervals, and the rates they give."""

    intervals: int = 0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_in_threshold: int = 0
    abandoned_in_threshold: int | None = 0
    handle_s: float = 0.0
    staffed_s: float = 0.0
    wait_s: float | None = 0.0

    def add(self, i: Interval, interval_s: int) -> None:
        self.intervals += 1
        self.offered += i.offered
        self.answered += i.answered
        self.abandoned += i.abandoned
        self.answered_in_threshold += i.answered_in_threshold
        self.abandoned_in_threshold = (
            None
            if self.abandoned_in_threshold is None or i.abandoned_in_threshold is None
            else self.abandoned_in_threshold + i.abandoned_in_threshold
        )
        self.handle_s += i.answered * i.aht_s
        self.staffed_s += i.agents * interval_s
        self.wait_s = (
            None if self.wait_s is None or i.asa_s is None else self.wait_s + i.asa_s * i.answered
        )

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    def service_level(self, definition: str) -> float | None:
        """Share answered within the threshold, by the named definition (None when it cannot be known)."""
        base: int | None
        if definition == "offered":
            base = self.offered
        elif definition == "answered":
            base = self.offered - self.abandoned
        elif definition == "short_abandons_excluded":
            base = (
                None
                if self.abandoned_in_threshold is None
                else self.offered - self.abandoned_in_threshold
            )
        else:
            raise ValueError(
                f"unknown service-level definition {definition!r}; one of {', '.join(SL_DEFINITIONS)}"
            )
        return self.answered_in_threshold / base if base else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_s / self.answered if self.wait_s is not None and self.answered else None

    @property
    def aht_s(self) -> float | None:
        return self.handle_s / self.answered if self.answered else None

    @property
    def occupancy(self) -> float | None:
        return min(self.handle_s / self.staffed_s, 1.0) if self.staffed_s else None

    def as_dict(self, definition: str) -> dict:
        def r(v: float | None, d: int = 4) -> float | None:
            return None if v is None else round(v, d)

        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "answer_rate": r(self.answer_rate),
            "service_level": r(self.service_level(definition)),
            "asa_s": r(self.asa_s, 1),
            "abandon_rate": r(self.abandon_rate),
            "occupancy": r(self.occupancy),
            "aht_s": r(self.aht_s, 1),
        }


def slot_label(minute: int, interval_min: int) -> str:
    """'09:00-09:30' for the slot opening at minute 540 of a 30-minute grid."""
    end = minute + interval_min
    return f"{minute // 60:02d}:{minute % 60:02d}-{end // 60 % 24:02d}:{end % 60:02d}"


def group(
    intervals: Iterable[Interval], key: Callable[[Interval], Hashable], interval_min: int
) -> dict:
    """Kpi per key, keys in sorted order."""
    out: dict = defaultdict(Kpi)
    for i in intervals:
        out[key(i)].add(i, interval_min * 60)
    return dict(sorted(out.items()))


def minute_of_day(i: Interval) -> int:
    return i.start.hour * 60 + i.start.minute


@dataclass(frozen=True, slots=True)
class Balance:
    """How even the answer rate is across the day: the spread between best and worst slots."""

    spread: float | None
    best_slot: int | None
    worst_slot: int | None
    best_rate: float | None
    worst_rate: float | None
    slots_considered: int
    weighted_std: float | None


def balance(by_slot: dict[int, Kpi]) -> Balance:
    """Best minus worst answer rate over the slots that carry real traffic."""
    if not by_slot:
        return Balance(None, None, None, None, None, 0, None)
    mean = sum(k.offered for k in by_slot.values()) / len(by_slot)
    busy = {s: k for s, k in by_slot.items() if k.offered and k.offered >= BALANCE_MIN_SHARE * mean}
    if not busy:
        return Balance(None, None, None, None, None, 0, None)
    # Each busy slot has calls offered, so its answer rate (Kpi.answer_rate) is known.
    rate = {s: k.answered / k.offered for s, k in busy.items()}
    best = max(rate, key=lambda s: rate[s])
    worst = min(rate, key=lambda s: rate[s])
    total = sum(k.offered for k in busy.values())
    avg = sum(k.answered for k in busy.values()) / total
    var = sum(k.offered * (rate[s] - avg) ** 2 for s, k in busy.items()) / total
    return Balance(
        rate[best] - rate[worst],
        best,
        worst,
        rate[best],
        rate[worst],
        len(busy),
        var**0.5,
    )


@dataclass(frozen=True, slots=True)
class KpiReport:
    """Everything the KPI page and `moqi staff plan` show about the past."""

    interval_min: int
    threshold_s: int
    sl_definition: str
    total: Kpi
    by_slot: dict[int, Kpi]
    by_day: dict
    heatmap: dict[tuple[int, int], Kpi] = field(repr=False)
    balance: Balance

    def heat(self, weekday: int, minute: int) -> float | None:
        k = self.heatmap.get((weekday, minute))
        return k.answer_rate if k else None


def report(
    intervals: Iterable[Interval], interval_min: int, threshold_s: int, sl_definition: str
) -> KpiReport:
    """KPIs per slot (time of day), per day and per weekday × slot, with the balance measure."""
    if sl_definition not in SL_DEFINITIONS:
        raise ValueError(
            f"unknown service-level definition {sl_definition!r}; one of {', '.join(SL_DEFINITIONS)}"
        )
    items = list(intervals)
    total = Kpi()
    for i in items:
        total.add(i, interval_min * 60)
    by_slot = group(items, minute_of_day, interval_min)
    return KpiReport(
        interval_min,
        threshold_s,
        sl_definition,
        total,
        by_slot,
        group(items, lambda i: i.start.date(), interval_min),
        group(items, lambda i: (i.start.weekday(), minute_of_day(i)), interval_min),
        balance(by_slot),
    )
