"""Ratings from a file: the IVR's post-call survey export or an SMS survey's replies, one
answer a row (contact id, satisfaction 1–5 and/or recommendation 0–10, optional time and
comment), English or Chinese headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from moqi.insight.survey_table import SurveyError, cell, data_rows, find_columns

COLUMNS = {
    "contact": ("contact", "contact_id", "联系编号", "接触编号", "联系id"),
    "satisfaction": ("satisfaction", "score", "满意度", "评分"),
    "recommend": ("recommend", "nps", "推荐", "推荐意愿"),
    "answered_at": ("answered_at", "time", "时间", "评价时间"),
    "comment": ("comment", "意见", "留言", "备注"),
}


CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class RatingRow:
    row: int
    contact_id: int
    satisfaction: int | None
    recommend: int | None
    answered_at: datetime | None
    comment: str


def read_ratings(rows: list[list[object]]) -> list[RatingRow]:
    """Every row checked before any is kept: a bad file names each bad row and keeps nothing."""
    what = "评价文件未导入"
    columns = find_columns(rows, COLUMNS, ("contact",), what)
    if "satisfaction" not in columns and "recommend" not in columns:
        raise SurveyError(what, [(1, "表头缺少列 satisfaction（满意度）或 recommend（推荐意愿）")])
    problems: list[tuple[int, str]] = []
    out: list[RatingRow] = []
    for number, row in data_rows(rows):
        try:
            out.append(_rating(number, row, columns))
        except ValueError as exc:
            problems.append((number, str(exc)))
    if problems:
        raise SurveyError(what, problems)
    if not out:
        raise SurveyError(what, [(0, "文件里没有评价")])
    return out


def _rating(number: int, row: list[object], columns: dict[str, int]) -> RatingRow:
    contact = cell(row, columns["contact"])
    if not contact.isdigit():
        raise ValueError(f"联系编号“{contact}”不是数字")
    score = _whole(cell(row, columns.get("satisfaction")), "满意度须为 1–5 的整数", 1, 5)
    likely = _whole(cell(row, columns.get("recommend")), "推荐意愿须为 0–10 的整数", 0, 10)
    if score is None and likely is None:
        raise ValueError("没有评分")
    return RatingRow(
        number,
        int(contact),
        score,
        likely,
        _moment(row, columns.get("answered_at")),
        cell(row, columns.get("comment")),
    )


def _whole(text: str, message: str, low: int, high: int) -> int | None:
    """The whole number in [low, high], None when blank; ValueError(message) otherwise."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(message) from None
    if not value.is_integer() or not low <= value <= high:
        raise ValueError(message)
    return int(value)


def _moment(row: list[object], index: int | None) -> datetime | None:
    """The time (naive ones read as China time, UTC+8), None when blank."""
    if index is None or index >= len(row) or row[index] in (None, ""):
        return None
    value = row[index]
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            raise ValueError("时间无法识别（例：2026-12-07 14:30）") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    return value.astimezone(UTC)
