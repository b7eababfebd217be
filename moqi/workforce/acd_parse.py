"""Read an ACD interval export (CSV or XLSX) into validated intervals, or say which row is wrong.

Pure: takes the file's bytes and name, returns `AcdData` or raises `AcdError` listing the rows
at fault (file row numbers as a spreadsheet shows them, the header being row 1). Header
names come from `moqi/data/workforce/acd_columns.yaml`, so a new ACD's export needs no code.
Every number is held to its bound in `limits.py` (calls per interval, agents, AHT, ASA, the
threshold), so nothing a database column or a calculation cannot hold gets past the import.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from moqi.workforce import limits
from moqi.workforce.acd import INTERVALS_MIN, AcdData, AcdError, Interval, range_text
from moqi.workforce.acd_headers import match_headers
from moqi.workforce.acd_table import read_table
from moqi.workforce.limits import Bound

MAX_ROWS = 200_000
MAX_ERRORS = 20


def parse(
    data: bytes,
    filename: str,
    *,
    threshold_s: int | None = None,
    interval_min: int | None = None,
    columns: dict | None = None,
) -> AcdData:
    """Validate the whole file first; return its intervals or raise `AcdError` with the rows at fault."""
    rows = read_table(data, filename)
    rows = [r for r in rows if any(c not in (None, "") and str(c).strip() for c in r)]
    if not rows:
        raise AcdError([(0, "文件是空的")])
    if len(rows) - 1 > MAX_ROWS:
        raise AcdError([(0, f"行数超过上限 {MAX_ROWS}")])
    headers = [str(c or "").strip() for c in rows[0]]
    if threshold_s is not None and threshold_s not in limits.ACD_THRESHOLD_S:
        raise AcdError(
            [(0, f"指定的门限 {threshold_s} 秒超出范围（{range_text(limits.ACD_THRESHOLD_S)}）")]
        )
    cols, header_threshold = match_headers(headers, columns)
    if threshold_s is not None and header_threshold is not None and threshold_s != header_threshold:
        raise AcdError(
            [(1, f"表头写的是 {header_threshold} 秒内接通，与指定的门限 {threshold_s} 秒不符")]
        )
    threshold = header_threshold if header_threshold is not None else threshold_s
    if threshold is None:
        raise AcdError([(1, "无法确定服务水平门限：表头写成“20秒内接通”，或另行指定门限秒数")])
    problems: list[tuple[int, str]] = []
    parsed: list[tuple[int, Interval]] = []
    lengths: set[int] = set()
    for number, row in enumerate(rows[1:], start=2):
        if len(problems) >= MAX_ERRORS:
            break
        row = list(row) + [None] * (len(headers) - len(row))
        item = _row(number, row, cols, headers, problems, lengths)
        if item is not None:
            parsed.append((number, item))
    if not parsed and not problems:
        problems.append((0, "文件只有表头，没有数据行"))
    length = _interval_length(parsed, lengths, interval_min, problems)
    seen: dict[datetime, int] = {}
    for number, item in parsed:
        if item.start in seen:
            problems.append(
                (number, f"时段 {item.start:%Y-%m-%d %H:%M} 与第 {seen[item.start]} 行重复")
            )
        seen.setdefault(item.start, number)
        if length and (item.start.hour * 60 + item.start.minute) % length:
            problems.append((number, f"时段 {item.start:%H:%M} 不在 {length} 分钟的整点时段上"))
    if problems:
        raise AcdError(sorted(problems, key=lambda p: p[0])[:MAX_ERRORS])
    return AcdData(tuple(sorted((i for _, i in parsed), key=lambda i: i.start)), length, threshold)


def _row(
    number: int,
    row: list,
    cols: dict[str, int],
    headers: list[str],
    problems: list,
    lengths: set[int],
) -> Interval | None:
    before = len(problems)

    def get(field: str, convert, what: str, bound: Bound | None = None):
        i = cols.get(field)
        if i is None:
            return None
        value = row[i]
        if value is None or str(value).strip() == "":
            problems.append((number, f"“{headers[i]}”为空"))
            return None
        try:
            converted = convert(value)
        except (ValueError, TypeError, OverflowError):
            problems.append((number, f"“{headers[i]}”的值“{value}”不是{what}"))
            return None
        if bound is not None and converted not in bound:
            problems.append((number, f"“{headers[i]}”的值“{value}”超出范围（{range_text(bound)}）"))
            return None
        return converted

    try:
        start, length = _when(row[cols["start"]], row[cols["date"]] if "date" in cols else None)
        if length is not None:
            lengths.add(length)
    except ValueError as exc:
        problems.append((number, f"“{headers[cols['start']]}”：{exc}"))
        start = None
    offered = get("offered", _count, "非负整数", limits.CALLS)
    answered = get("answered", _count, "非负整数", limits.CALLS)
    abandoned = get("abandoned", _count, "非负整数", limits.CALLS)
    in_t = get("answered_in_threshold", _count, "非负整数", limits.CALLS)
    aht = get("aht_s", _seconds, "时长（秒数，或 分:秒）")
    agents = get(
        "agents", lambda v: _nonneg(float(str(v).replace(",", ""))), "非负数", limits.ACD_AGENTS
    )
    asa = (
        get("asa_s", _seconds, "时长（秒数，或 分:秒）", limits.ACD_ASA_S)
        if "asa_s" in cols
        else None
    )
    ab_t = (
        get("abandoned_in_threshold", _count, "非负整数", limits.CALLS)
        if "abandoned_in_threshold" in cols
        else None
    )
    if len(problems) > before:
        return None
    if answered + abandoned > offered:
        problems.append((number, f"接通量 {answered} 加放弃量 {abandoned} 超过呼入量 {offered}"))
    if in_t > answered:
        problems.append((number, f"门限内接通量 {in_t} 超过接通量 {answered}"))
    if ab_t is not None and ab_t > abandoned:
        problems.append((number, f"门限内放弃量 {ab_t} 超过放弃量 {abandoned}"))
    if answered > 0 and aht <= 0:
        problems.append((number, "有接通但平均处理时长为 0"))
    if aht > limits.ACD_AHT_S.high:
        problems.append(
            (
                number,
                f"平均处理时长 {aht:g} 秒超过 {limits.ACD_AHT_S.high / 3600:g} 小时，请确认单位是秒",
            )
        )
    if start is None or len(problems) > before:  # start is None only with a problem noted
        return None
    return Interval(start, offered, answered, abandoned, in_t, aht, agents, asa, ab_t)


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")


def _when(value: object, day: object) -> tuple[datetime, int | None]:
    """The interval start, and its length in minutes when written as a range (09:00-09:30)."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0), None
    if isinstance(value, time) and day is not None:
        return datetime.combine(_day(day), value), None
    text = str(value or "").strip()
    d = _DATE.search(text)
    base = (
        date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
        if d
        else (_day(day) if day not in (None, "") else None)
    )
    if base is None:
        raise ValueError(f"“{text}”不含日期（需要如 2026-03-02 09:00，或另有日期列）")
    rest = text[d.end() :] if d else text
    times = _TIME.findall(rest)
    if not times:
        raise ValueError(f"“{text}”不含时刻（需要如 09:00 或 09:00-09:30）")
    h, m, _ = times[0]
    start = datetime.combine(base, time(int(h), int(m)))
    length = None
    if len(times) > 1:
        h2, m2, _ = times[1]
        length = (int(h2) * 60 + int(m2) - int(h) * 60 - int(m)) % (24 * 60)
    return start, length


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    d = _DATE.search(str(value))
    if not d:
        raise ValueError(f"“{value}”不是日期")
    return date(int(d.group(1)), int(d.group(2)), int(d.group(3)))


def _count(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(str(value).strip().replace(",", "").replace("，", ""))
    if number < 0 or number != int(number):
        raise ValueError
    return int(number)


def _seconds(value: object) -> float:
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, timedelta):
        return value.total_seconds()
    text = str(value).strip()
    if re.fullmatch(r"\d+(?::\d{1,2}){1,2}", text):
        parts = [int(p) for p in text.split(":")]
        seconds = 0
        for p in parts:
            seconds = seconds * 60 + p
        return float(seconds)
    number = float(text.replace(",", ""))
    if number < 0 or number != number or number == float("inf"):
        raise ValueError
    return number


def _nonneg(value: float) -> float:
    if not value >= 0 or value == float("inf"):
        raise ValueError
    return value


def _interval_length(
    parsed: list[tuple[int, Interval]], lengths: set[int], given: int | None, problems: list
) -> int:
    """The interval length: given, written as ranges, or the smallest gap between starts."""
    if given is not None and given not in INTERVALS_MIN:
        problems.append((0, f"时段长度须为 15 或 30 分钟，而不是 {given}"))
        return 0
    if len(lengths) > 1:
        problems.append((0, f"时段长度不一致：{'、'.join(str(x) for x in sorted(lengths))} 分钟"))
        return 0
    if given is not None and lengths and given not in lengths:
        problems.append((0, f"文件里的时段是 {min(lengths)} 分钟，与指定的 {given} 分钟不符"))
        return 0
    length = given or (min(lengths) if lengths else None)
    if length is None:
        starts = sorted({i.start for _, i in parsed})
        gaps = [
            int((b - a).total_seconds() // 60)
            for a, b in zip(starts, starts[1:], strict=False)
            if a.date() == b.date()
        ]
        length = min(gaps) if gaps else 30
    if length not in INTERVALS_MIN:
        problems.append((0, f"时段长度须为 15 或 30 分钟，文件里是 {length} 分钟"))
        return 0
    return length
