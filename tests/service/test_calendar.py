"""The SLA clock on business-hours calendars: peers' published cases, lunch breaks, holidays,
调休 workdays, time zones, daylight saving, pauses, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
import yaml

from moqi.service.calendar import (
    _SCAN_DAYS as SCAN_DAYS,
)
from moqi.service.calendar import (
    DAYS,
    CalendarError,
    parse_calendar,
    parse_instant,
    parse_pause,
)

WEEKDAYS = DAYS[:5]


def cal(zone: str, periods: list[str], **extra):
    return parse_calendar({"timezone": zone, "week": {d: periods for d in WEEKDAYS}, **extra})


def at(value: str) -> datetime:
    return parse_instant(value, "time")


@pytest.mark.parametrize(
    ("zone", "periods", "start", "minutes", "due"),
    [
        # Zammad
        ("Europe/Berlin", ["08:00-18:00"], "2013-03-21T09:30Z", 60, "2013-03-21T10:30:00+00:00"),
        ("Europe/Berlin", ["08:00-18:00"], "2013-03-21T09:30Z", 180, "2013-03-21T12:30:00+00:00"),
        # Chatwoot
        ("UTC", ["09:00-17:00"], "2024-01-19T16:00Z", 120, "2024-01-22T10:00:00+00:00"),
        ("UTC", ["09:00-17:00"], "2024-01-20T10:00Z", 120, "2024-01-22T11:00:00+00:00"),
        # Frappe Helpdesk: a due time at a period's end stays there
        (
            "Asia/Kolkata",
            ["10:00-18:00"],
            "2024-01-20T15:00+05:30",
            24 * 60,
            "2024-01-24T18:00:00+05:30",
        ),
        (
            "Asia/Kolkata",
            ["10:00-18:00"],
            "2024-01-20T15:00+05:30",
            72 * 60,
            "2024-02-01T18:00:00+05:30",
        ),
    ],
)
def test_published_cases_of_peers(zone, periods, start, minutes, due):
    assert cal(zone, periods).due(at(start), minutes) == at(due)


def test_lunch_break_and_seconds_are_kept():
    office = cal("Asia/Shanghai", ["09:00-12:00", "13:30-18:00"])
    due = office.due(at("2026-03-02T11:30:30+08:00"), 45)
    assert due.isoformat() == "2026-03-02T13:45:30+08:00"


def test_the_shipped_back_office_calendar_knows_2026_holidays_and_make_up_days():
    from moqi.content.reading import DATA_DIR

    office = parse_calendar(
        yaml.safe_load((DATA_DIR / "service/calendars/back_office.yaml").read_text("utf-8"))
    )
    # 国庆: the clock stops from Oct 1 to Oct 7 and runs on Sat Oct 10 (调休)
    assert office.due(at("2026-09-30T17:00+08:00"), 120).isoformat() == "2026-10-08T10:00:00+08:00"
    assert office.due(at("2026-10-09T17:30+08:00"), 60).isoformat() == "2026-10-10T09:30:00+08:00"
    # 春节: Sat Feb 14 is worked, the nine days from Feb 15 are not
    assert office.due(at("2026-02-13T18:00+08:00"), 30).isoformat() == "2026-02-14T09:30:00+08:00"
    assert office.due(at("2026-02-14T17:30+08:00"), 60).isoformat() == "2026-02-24T09:30:00+08:00"


def test_a_24_hour_calendar_runs_through_nights_and_weekends():
    from moqi.content.reading import DATA_DIR

    hotline = parse_calendar(
        yaml.safe_load((DATA_DIR / "service/calendars/hotline_24h.yaml").read_text("utf-8"))
    )
    assert hotline.due(at("2026-10-01T23:00+08:00"), 180) == at("2026-10-02T02:00+08:00")


def test_time_zones_and_daylight_saving():
    # New York springs forward on 2026-03-08: a 00:00-24:00 Sunday has 23 hours.
    ny = parse_calendar({"timezone": "America/New_York", "week": {"sun": ["00:00-24:00"]}})
    due = ny.due(at("2026-03-08T00:00-05:00"), 23 * 60)
    assert due.isoformat() == "2026-03-09T00:00:00-04:00"
    # The same instant given in another offset is the same start.
    office = cal("Asia/Shanghai", ["09:00-18:00"])
    assert office.due(at("2026-03-02T01:00Z"), 60) == office.due(at("2026-03-02T09:00+08:00"), 60)


def test_pauses_stop_the_clock_and_overlapping_pauses_count_once():
    office = cal("UTC", ["09:00-17:00"])
    start = at("2026-03-02T09:00Z")
    pauses = [parse_pause("2026-03-02T10:00Z/2026-03-02T11:00Z")]
    assert office.due(start, 120, pauses) == at("2026-03-02T12:00Z")
    both = pauses + [parse_pause("2026-03-02T10:30Z/2026-03-02T11:30Z")]
    assert office.due(start, 120, both) == at("2026-03-02T12:30Z")
    # a pause over the start: the clock starts when it ends
    assert office.due(start, 30, [parse_pause("2026-03-02T08:00Z/2026-03-02T09:30Z")]) == at(
        "2026-03-02T10:00Z"
    )


def test_zero_minutes_due_at_the_next_opening_or_at_once():
    office = cal("UTC", ["09:00-17:00"])
    assert office.due(at("2026-03-02T10:00Z"), 0) == at("2026-03-02T10:00Z")
    assert office.due(at("2026-03-07T10:00Z"), 0) == at("2026-03-09T09:00Z")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"timezone": "Mars/Olympus", "week": {"mon": ["09:00-18:00"]}}, "IANA"),
        ({"timezone": "UTC", "week": {"monday": ["09:00-18:00"]}}, "week"),
        ({"timezone": "UTC", "week": {"mon": ["9-18"]}}, "not a period"),
        ({"timezone": "UTC", "week": {"mon": ["18:00-09:00"]}}, "run forward"),
        ({"timezone": "UTC", "week": {"mon": ["09:00-12:00", "11:00-14:00"]}}, "overlap"),
        ({"timezone": "UTC", "week": {}}, "no opening period"),
        (
            {"timezone": "UTC", "week": {"mon": ["09:00-18:00"]}, "holidays": ["2026-13-01"]},
            "not a date",
        ),
        (
            {
                "timezone": "UTC",
                "week": {"mon": ["09:00-18:00"]},
                "holidays": ["2026-10-10"],
                "workdays": {"2026-10-10": ["09:00-18:00"]},
            },
            "both a holiday and a workday",
        ),
        (
            {"timezone": "UTC", "week": {"mon": ["09:00-18:00"]}, "weekend": []},
            "unknown calendar keys",
        ),
        ("not a mapping", "mapping"),
    ],
)
def test_bad_calendars_are_refused_with_a_reason(doc, message):
    with pytest.raises(CalendarError, match=message):
        parse_calendar(doc)


def test_bad_times_and_pauses_are_refused():
    with pytest.raises(CalendarError, match="needs a UTC offset"):
        parse_instant("2026-03-02T09:00", "start")
    with pytest.raises(CalendarError, match="not an ISO 8601"):
        parse_instant("yesterday", "start")
    with pytest.raises(CalendarError, match="FROM/TO"):
        parse_pause("2026-03-02T09:00Z")
    with pytest.raises(CalendarError, match="end after it starts"):
        parse_pause("2026-03-02T10:00Z/2026-03-02T09:00Z")
    with pytest.raises(CalendarError, match="minutes must be"):
        cal("UTC", ["09:00-17:00"]).due(at("2026-03-02T09:00Z"), -1)


def test_a_calendar_whose_only_workday_is_past_says_so():
    once = parse_calendar({"timezone": "UTC", "workdays": {"2020-01-01": ["09:00-10:00"]}})
    with pytest.raises(CalendarError, match=f"within {SCAN_DAYS} days"):
        once.due(at("2026-03-02T09:00Z"), 10)


def _sla(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "moqi", "sla", "due", *args], capture_output=True, text=True
    )


def test_cli_contract(tmp_path):
    path = tmp_path / "cal.yaml"
    path.write_text(
        "timezone: Asia/Shanghai\n"
        'week: {mon: ["09:00-12:00", "13:30-18:00"], tue: ["09:00-12:00", "13:30-18:00"]}\n'
        'holidays: ["2026-03-03"]\n'
        'workdays: {"2026-03-07": ["09:00-18:00"]}\n',
        encoding="utf-8",
    )
    done = _sla(
        "--calendar",
        str(path),
        "--start",
        "2026-03-02T17:00:00+08:00",
        "--minutes",
        "120",
        "--pause",
        "2026-03-07T09:00:00+08:00/2026-03-07T09:30:00+08:00",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"due": "2026-03-07T10:30:00+08:00"}


@pytest.mark.parametrize(
    ("calendar", "args", "message"),
    [
        ("timezone: Nowhere\nweek: {mon: ['09:00-18:00']}\n", [], "IANA"),
        ("week: [", [], "not valid YAML"),
        (
            "timezone: UTC\nweek: {mon: ['09:00-18:00']}\n",
            ["--start", "tomorrow"],
            "not an ISO 8601",
        ),
        ("timezone: UTC\nweek: {mon: ['09:00-18:00']}\n", ["--pause", "x"], "FROM/TO"),
    ],
)
def test_cli_refuses_with_one_line(tmp_path, calendar, args, message):
    path = tmp_path / "cal.yaml"
    path.write_text(calendar, encoding="utf-8")
    base = {"--start": "2026-03-02T09:00:00Z", "--minutes": "60"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for kv in base.items() for x in kv]
    done = _sla("--calendar", str(path), *flat)
    assert done.returncode != 0 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "doc",
    [
        "back_office",
        "hotline_24h",
        {
            "timezone": "Europe/Berlin",
            "week": {d: ["08:00-12:00", "13:00-18:00"] for d in WEEKDAYS},
        },
        {"timezone": "America/New_York", "week": {"sat": ["00:00-24:00"], "mon": ["09:00-09:30"]}},
    ],
)
def test_the_index_answers_as_the_walk_does(doc):
    """Without pauses the due time is found by binary search over a block of days; it must be
    the walk's answer to the microsecond, at period ends, across DST and holidays."""
    import random
    from datetime import timedelta

    from moqi.service.clocks import CALENDARS

    if isinstance(doc, str):
        doc = yaml.safe_load((CALENDARS / f"{doc}.yaml").read_text("utf-8"))
    indexed, walked = parse_calendar(doc), parse_calendar(doc)
    object.__setattr__(walked, "_due_indexed", lambda *args: None)  # the walk only
    rng = random.Random(12300)
    origin = parse_instant("2026-01-01T00:00:00+08:00", "origin")
    for _ in range(400):
        start = origin + timedelta(
            seconds=rng.randrange(0, 400 * 86400), microseconds=rng.randrange(10**6)
        )
        minutes = rng.choice([0, 1, 30, 120, 450, 1440, 4320, rng.uniform(0, 20_000)])
        assert indexed.due(start, minutes) == walked.due(start, minutes), (start, minutes)
