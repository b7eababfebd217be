"""Business-hours calendars and the SLA clock: when a target of N working minutes falls due.

The rule, in full:
- Work time runs only inside the calendar's opening periods (several a day: 09:00-12:00 and
  13:30-18:00), in its IANA time zone, and outside pauses (the ticket waiting on the
  customer). A day listed in `holidays` is closed; a day in `workdays` (调休) is open with its
  own periods whatever the week says.
- A deadline that lands exactly at a period's end stays there (it is not carried to the next
  opening), as Frappe Helpdesk does; a clock started outside opening hours starts at the next
  opening. Seconds are kept, not truncated.
- Pure: the calendar, the start, the minutes and the pauses in, a time with its offset out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_MINUTES = 10 * 366 * 24 * 60  # ten years of round-the-clock work: more is a typo
_PERIOD = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_SCAN_DAYS = 3700  # how far ahead a due time is looked for (ten years and a little)


class CalendarError(ValueError):
    """A calendar, time or pause that cannot be used; the message says which and why."""


Period = tuple[int, int]  # seconds from local midnight: [start, end)


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    week: tuple[tuple[Period, ...], ...]  # Monday first
    holidays: frozenset[date]
    workdays: dict[date, tuple[Period, ...]]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def periods(self, day: date) -> tuple[Period, ...]:
        """The opening periods of a local date."""
        if day in self.workdays:
            return self.workdays[day]
        if day in self.holidays:
            return ()
        return self.week[day.weekday()]

    def due(
        self,
        start: datetime,
        minutes: float,
        pauses: list[tuple[datetime, datetime]] | tuple = (),
    ) -> datetime:
        """When `minutes` of work time from `start` have run, in the calendar's zone."""
        if start.tzinfo is None:
            raise CalendarError("the start needs a UTC offset (e.g. 2026-10-09T09:30:00+08:00)")
        if not 0 <= minutes <= MAX_MINUTES:
            raise CalendarError(f"minutes must be 0–{MAX_MINUTES}, not {minutes}")
        # Counted in whole microseconds since the epoch (UTC): exact, and across a
        # daylight-saving change wall-clock differences would be wrong.
        left = round(minutes * 60_000_000)
        cursor = _us(start)
        stops = _merged(pauses)
        day = start.astimezone(self.zone).date()
        if not stops and left:
            found = self._due_indexed(day, cursor, left)
            if found is not None:
                return (_EPOCH + timedelta(microseconds=found)).astimezone(self.zone)
        for _ in range(_SCAN_DAYS):
            for open_at, close_at in self._spans(day):
                if close_at <= cursor:
                    continue
                for a, b in _open_parts(max(open_at, cursor), close_at, stops):
                    if b - a >= left:
                        return (_EPOCH + timedelta(microseconds=a + left)).astimezone(self.zone)
                    left -= b - a
            day += _DAY
        raise CalendarError(
            f"the calendar has not {minutes} minutes of working time within {_SCAN_DAYS} days"
        )

    def _due_indexed(self, day: date, cursor: int, left: int) -> int | None:
        """The due time without pauses by two binary searches over a block of days' opening
        periods and the working time before each (None when the block ends first: the walk
        above takes over). The same answer as the walk, which the tests hold it to."""
        starts, ends, before, upto = self._block(day.toordinal() // _BLOCK)
        i = bisect_right(ends, cursor)  # the first period still open at the cursor
        if i == len(starts):
            return None
        target = before[i] + max(0, cursor - starts[i]) + left
        if target > upto[-1]:
            return None
        j = bisect_left(upto, target)  # the period in which the work is done (its end counts)
        return starts[j] + target - before[j]

    def _block(self, block: int) -> tuple[list[int], list[int], list[int], list[int]]:
        """Opening periods of the days from block × _BLOCK on, for 3 × _BLOCK days: starts,
        ends, working time before each and working time up to each end (kept per block)."""
        key = ("block", block)
        found = self._cache.get(key)
        if found is None:
            starts: list[int] = []
            ends: list[int] = []
            before: list[int] = []
            upto: list[int] = []
            total = 0
            day = date.fromordinal(max(1, block * _BLOCK))
            for _ in range(3 * _BLOCK):
                for a, b in self._spans(day):
                    starts.append(a)
                    ends.append(b)
                    before.append(total)
                    total += b - a
                    upto.append(total)
                day += _DAY
            found = self._cache[key] = (starts, ends, before, upto)
        return found

    def _spans(self, day: date) -> tuple[tuple[int, int], ...]:
        """The day's opening periods as [start, end) microseconds since the epoch (kept: the
        tickets of a desk fall due within the same few weeks, so the same days recur)."""
        spans = self._cache.get(day)
        if spans is None:
            if len(self._cache) > _CACHED_DAYS:
                self._cache.clear()
            spans = tuple(
                (_us(_local(day, a, self.zone)), _us(_local(day, b, self.zone)))
                for a, b in self.periods(day)
            )
            self._cache[day] = spans
        return spans


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY = timedelta(days=1)
_CACHED_DAYS = 20_000
_BLOCK = 200  # days: a due time is found by index within the block of its start and the next two


def _us(at: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (at - _EPOCH) // timedelta(microseconds=1)


def _local(day: date, seconds: int, zone: ZoneInfo) -> datetime:
    """A local time of day (24:00 is the next midnight) as an aware datetime."""
    if seconds >= 24 * 3600:
        return datetime.combine(day + _DAY, time(), zone)
    return datetime.combine(day, time(seconds // 3600, seconds % 3600 // 60), zone)


def _merged(pauses) -> list[tuple[int, int]]:
    """The pauses as sorted, non-overlapping [start, end) microseconds since the epoch."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(pauses):
        if a.tzinfo is None or b.tzinfo is None:
            raise CalendarError("a pause needs UTC offsets on both ends")
        if b <= a:
            raise CalendarError(
                f"a pause must end after it starts: {a.isoformat()}/{b.isoformat()}"
            )
        p, q = _us(a), _us(b)
        if out and p <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], q))
        else:
            out.append((p, q))
    return out


def _open_parts(a: int, b: int, stops: list[tuple[int, int]]):
    """[a, b) less the pauses, as consecutive intervals."""
    if not stops:
        return ((a, b),) if a < b else ()
    parts = []
    for p, q in stops:
        if q <= a or p >= b:
            continue
        if p > a:
            parts.append((a, p))
        a = max(a, q)
        if a >= b:
            return parts
    if a < b:
        parts.append((a, b))
    return parts


def _periods(value, where: str) -> tuple[Period, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CalendarError(f'{where}: expected a list of "HH:MM-HH:MM" periods')
    out: list[Period] = []
    for item in value:
        m = _PERIOD.match(str(item).strip())
        if not m:
            raise CalendarError(f'{where}: {item!r} is not a period like "09:00-12:00"')
        h1, m1, h2, m2 = map(int, m.groups())
        begin, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 3600 or end <= begin:
            raise CalendarError(f"{where}: {item!r} must run forward within one day (00:00-24:00)")
        out.append((begin, end))
    out.sort()
    if any(a[1] > b[0] for a, b in zip(out, out[1:], strict=False)):
        raise CalendarError(f"{where}: periods overlap")
    return tuple(out)


def _date(value, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: {value!r} is not a date like 2026-10-01") from None


def parse_calendar(doc) -> Calendar:
    """A calendar from its YAML form: {timezone, week: {mon: [periods]…}, holidays: [dates],
    workdays: {date: [periods]}}; CalendarError names what is wrong."""
    if not isinstance(doc, dict):
        raise CalendarError("a calendar is a mapping with timezone, week, holidays, workdays")
    unknown = set(doc) - {"timezone", "week", "holidays", "workdays", "name"}
    if unknown:
        raise CalendarError(f"unknown calendar keys: {', '.join(sorted(map(str, unknown)))}")
    try:
        zone = ZoneInfo(str(doc.get("timezone", "")))
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(
            f"timezone {doc.get('timezone')!r} is not an IANA zone like Asia/Shanghai"
        ) from None
    week_doc = doc.get("week") or {}
    if not isinstance(week_doc, dict) or set(week_doc) - set(DAYS):
        raise CalendarError(f"week: expected days among {', '.join(DAYS)}")
    week = tuple(_periods(week_doc.get(d), f"week.{d}") for d in DAYS)
    holidays = frozenset(_date(d, "holidays") for d in doc.get("holidays") or ())
    work_doc = doc.get("workdays") or {}
    if not isinstance(work_doc, dict):
        raise CalendarError("workdays: expected a mapping of date → periods")
    workdays = {_date(d, "workdays"): _periods(p, f"workdays.{d}") for d, p in work_doc.items()}
    clash = holidays & set(workdays)
    if clash:
        raise CalendarError(f"{min(clash)} is both a holiday and a workday")
    if not any(week) and not any(workdays.values()):
        raise CalendarError("the calendar has no opening period at all")
    return Calendar(zone, week, holidays, workdays)


def parse_instant(value: str, what: str) -> datetime:
    """An ISO 8601 time with an offset (Z allowed)."""
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CalendarError(f"{what} {value!r} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise CalendarError(f"{what} {value!r} needs a UTC offset (e.g. +08:00 or Z)")
    return at


def parse_pause(value: str) -> tuple[datetime, datetime]:
    """FROM/TO, both ISO 8601 with offsets."""
    parts = value.split("/")
    if len(parts) != 2:
        raise CalendarError(f"pause {value!r} must be FROM/TO")
    a, b = parse_instant(parts[0], "pause start"), parse_instant(parts[1], "pause end")
    if b <= a:
        raise CalendarError(f"pause {value!r} must end after it starts")
    return a, b
