"""An ACD interval export's data once read: the intervals, the file's interval length and SL
threshold, and the error that lists the rows at fault (`acd_parse.py` reads the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from moqi.errors import Invalid
from moqi.workforce.limits import Bound

INTERVALS_MIN = (15, 30)


@dataclass(frozen=True, slots=True)
class Interval:
    """One ACD interval: what was offered, what happened to it, and who was there."""

    start: datetime
    offered: int
    answered: int
    abandoned: int
    answered_in_threshold: int
    aht_s: float
    agents: float
    asa_s: float | None = None
    abandoned_in_threshold: int | None = None


@dataclass(frozen=True, slots=True)
class AcdData:
    """A whole file's intervals, sorted by start, with the interval length and SL threshold."""

    intervals: tuple[Interval, ...]
    interval_min: int
    threshold_s: int


class AcdError(Invalid):
    """The file cannot be imported; `problems` lists (row, message), row 0 meaning the file.
    The API answers them all as the problem's `errors` (the page lists them by row)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        shown = "；".join(f"第 {r} 行：{m}" if r else m for r, m in problems[:5])
        more = f"（另有 {len(problems) - 5} 处错误）" if len(problems) > 5 else ""
        super().__init__(f"{shown}{more}", errors=[{"row": r, "message": m} for r, m in problems])

    @property
    def detail(self) -> str:
        return f"文件未导入：{self}"


def range_text(bound: Bound) -> str:
    """A bound in the file's language: '0–100,000' or '1–3,600 秒'."""
    unit = {"s": " 秒"}.get(bound.unit, "")
    return f"{bound.low:,g}–{bound.high:,g}{unit}"
