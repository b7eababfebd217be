"""Public holidays and make-up workdays (调休), and the day type a forecast uses for a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "workforce" / "holidays.yaml"
# A make-up workday behaves like an ordinary mid-week day; a holiday like a Sunday.
WORKDAY_TYPE, HOLIDAY_TYPE = 2, 6


@dataclass(frozen=True, slots=True)
class Holidays:
    """Dates off (name per date) and make-up workdays (name of the holiday they make up for)."""

    off: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)

    def name(self, day: date) -> str | None:
        """The holiday's name on a day off, '调休上班（…）' on a make-up workday, else None."""
        if day in self.off:
            return self.off[day]
        if day in self.workdays:
            return f"调休上班（{self.workdays[day]}）"
        return None

    def is_special(self, day: date) -> bool:
        return day in self.off or day in self.workdays


def parse_holidays(items: list) -> Holidays:
    """Holidays from the YAML list form: [{name, days_off: [dates], workdays: [dates]}]."""
    if not isinstance(items, list):
        raise ValueError("holiday file must be a list of {name, days_off, workdays}")
    off: dict[date, str] = {}
    work: dict[date, str] = {}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ValueError(f"holiday entry {n}: needs a name")
        for key, target in (("days_off", off), ("workdays", work)):
            for d in item.get(key) or []:
                if not isinstance(d, date):
                    raise ValueError(
                        f"holiday entry {n} ({item['name']}): {d!r} is not a date (YYYY-MM-DD)"
                    )
                target[d] = item["name"]
    return Holidays(off, work)


def load_holidays(path: Path = HOLIDAYS_FILE) -> Holidays:
    """The holiday list shipped in moqi/data/workforce (or another file of the same form)."""
    return parse_holidays(yaml.safe_load(path.read_text(encoding="utf-8")))


def day_type(day: date, holidays: Holidays) -> int:
    """Weekday 0–6 whose pattern the day follows (holidays like Sunday, make-up days mid-week)."""
    if day in holidays.off:
        return HOLIDAY_TYPE
    if day in holidays.workdays:
        return WORKDAY_TYPE
    return day.weekday()
