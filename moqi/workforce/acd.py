"""Read an ACD interval export (CSV or XLSX) into validated intervals, or say which row is wrong.

Pure: takes the file's bytes and name, returns `AcdData` or raises `AcdError` listing the rows
at fault (file row numbers as a spreadsheet shows them, the header being row 1). Header
names come from `moqi/data/workforce/acd_columns.yaml`, so a new ACD's export needs no code.
Every number is held to its bound in `limits.py` (calls per interval, agents, AHT, ASA, the
threshold), so nothing a database column or a calculation cannot hold gets past the import.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import yaml

from moqi.errors import Invalid
from moqi.workforce import limits
from moqi.workforce.limits import Bound

COLUMNS_FILE = Path(__file__).resolve().parent.parent / "data" / "workforce" / "acd_columns.yaml"
MAX_ROWS = 200_000
MAX_ERRORS = 20
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


@cache
def _spec() -> dict:
    return yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8"))


def _norm(header: str, keep_brackets: bool) -> str:
    text = str(header or "").strip().lower()
    if not keep_brackets:
        text = re.sub(r"[（(\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s_\-/（）()\[\]【】:：.]", "", text)


def match_headers(headers: list[str]) -> tuple[dict[str, int], int | None]:
    """Column index per field, and the SL threshold (seconds) read from a header, if any."""
    spec = _spec()
    found: dict[str, int] = {}
    threshold: int | None = None
    problems: list[tuple[int, str]] = []
    for i, raw in enumerate(headers):
        field = None
        loose = _norm(raw, keep_brackets=True)
        for name, patterns in spec["threshold_patterns"].items():
            for pattern in patterns:
                m = re.match(pattern, loose)
                if m:
                    field, digits = name, m.group(1)
                    # Python refuses int() of thousands of digits, and no threshold needs more than four.
                    seconds = int(digits) if len(digits) <= 9 else None
                    if seconds not in limits.ACD_THRESHOLD_S:
                        problems.append(
                            (
                                1,
                                f"表头“{raw[:40]}”的门限超出范围（{_range(limits.ACD_THRESHOLD_S)}）",
                            )
                        )
                        break
                    if name == "answered_in_threshold":
                        if threshold is not None and threshold != seconds:
                            problems.append((1, f"两列门限不同：{threshold} 秒与 {seconds} 秒"))
                        threshold = seconds
                    break
            if field:
                break
        if field is None:
            key = _norm(raw, keep_brackets=False)
            field = next(
                (
                    f
                    for f, d in spec["fields"].items()
                    if key in {_norm(n, False) for n in d["names"]}
                ),
                None,
            )
        if field is None:
            continue
        if field in found:
            problems.append(
                (
                    1,
                    f"列“{headers[found[field]]}”与“{raw}”都是{spec['fields'][field]['label']}，无法确定用哪一列",
                )
            )
        found[field] = i
    missing = [d["label"] for f, d in spec["fields"].items() if d["required"] and f not in found]
    if missing:
        problems.append(
            (
                1,
                f"缺少列：{'、'.join(missing)}（可接受的表头见 moqi/data/workforce/acd_columns.yaml）",
            )
        )
    if problems:
        raise AcdError(problems)
    return found, threshold


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """The file's rows as cells (CSV in UTF-8 or GB18030, or the first sheet of an XLSX)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AcdError([(0, "文件编码无法识别：请存为 UTF-8 或 GBK 编码的 CSV")])
        dialect = (
            csv.excel_tab
            if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",")
            else csv.excel
        )
        return [list[object](row) for row in csv.reader(io.StringIO(text), dialect)]
    raise AcdError([(0, f"不支持的文件类型“{filename}”：请上传 .csv 或 .xlsx")])


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise AcdError([(0, f"不是有效的 XLSX 文件（{exc}）")]) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


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


def parse(
    data: bytes, filename: str, *, threshold_s: int | None = None, interval_min: int | None = None
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
            [(0, f"指定的门限 {threshold_s} 秒超出范围（{_range(limits.ACD_THRESHOLD_S)}）")]
        )
    cols, header_threshold = match_headers(headers)
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
            problems.append((number, f"“{headers[i]}”的值“{value}”超出范围（{_range(bound)}）"))
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


def _range(bound: Bound) -> str:
    """A bound in the file's language: '0–100,000' or '1–3,600 秒'."""
    unit = {"s": " 秒"}.get(bound.unit, "")
    return f"{bound.low:,g}–{bound.high:,g}{unit}"


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
