"""A word-of-mouth survey and the operators' subscriber bases, read from the tables a research
firm hands over (CSV or XLSX, English or Chinese headers)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from moqi.errors import Invalid
from moqi.insight.operators import canonical
from moqi.nlp.normalize import normalize

# Each column under the names a research firm's table may give it.
SURVEY_COLUMNS = {
    "operator": ("operator", "current", "current_operator", "当前运营商", "运营商", "现用运营商"),
    "choice": ("choice", "next", "next_operator", "下次选择", "再次选择", "选择", "会选择"),
    "weight": ("weight", "权重", "加权"),
    "region": ("region", "地区", "区域", "地市"),
    "wave": ("wave", "波次", "期次", "轮次"),
}
BASE_COLUMNS = {
    "operator": ("operator", "运营商"),
    "subscribers": ("subscribers", "base", "users", "用户数", "用户规模", "用户基数"),
}


class SurveyError(Invalid):
    """The table cannot be read as a survey or as bases; `problems` lists (row, message)."""

    def __init__(self, what: str, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        shown = "；".join(f"第 {r} 行：{m}" if r else m for r, m in problems[:5])
        more = f"（另有 {len(problems) - 5} 处错误）" if len(problems) > 5 else ""
        super().__init__(
            f"{what}：{shown}{more}", errors=[{"row": r, "message": m} for r, m in problems]
        )


@dataclass(frozen=True)
class Response:
    """One respondent: the operator they use now and the one they would choose next."""

    operator: str
    choice: str
    weight: float = 1.0
    region: str = ""
    wave: str = ""


def read_survey(rows: list[list[object]]) -> list[Response]:
    """Respondents from a table with at least `operator` and `choice` columns."""
    what = "调查问卷未读入"
    columns = find_columns(rows, SURVEY_COLUMNS, ("operator", "choice"), what)
    problems: list[tuple[int, str]] = []
    out: list[Response] = []
    for number, row in data_rows(rows):
        operator, choice = cell(row, columns["operator"]), cell(row, columns["choice"])
        if not operator:
            problems.append((number, "缺少当前运营商"))
            continue
        raw = cell(row, columns.get("weight"))
        weight = _number(raw) if raw else 1.0
        if weight is None or weight < 0:
            problems.append((number, f"权重“{raw}”不是非负数"))
            continue
        out.append(
            Response(
                operator=canonical(operator),
                choice=canonical(choice) if choice else "",
                weight=weight,
                region=normalize(cell(row, columns.get("region"))),
                wave=normalize(cell(row, columns.get("wave"))),
            )
        )
    if problems:
        raise SurveyError(what, problems)
    if not out:
        raise SurveyError(what, [(0, "文件里没有受访者")])
    return out


def read_bases(rows: list[list[object]]) -> dict[str, float]:
    """Each operator's subscriber base from a table of `operator,subscribers`."""
    what = "用户规模表未读入"
    columns = find_columns(rows, BASE_COLUMNS, ("operator", "subscribers"), what)
    problems: list[tuple[int, str]] = []
    bases: dict[str, float] = {}
    for number, row in data_rows(rows):
        name, raw = cell(row, columns["operator"]), cell(row, columns["subscribers"])
        value = _number(raw)
        if not name:
            problems.append((number, "缺少运营商名称"))
        elif value is None or value <= 0:
            problems.append((number, f"{name} 的用户数“{raw}”不是正数"))
        elif canonical(name) in bases:
            problems.append((number, f"{name} 出现了两次"))
        else:
            bases[canonical(name)] = value
    if problems:
        raise SurveyError(what, problems)
    if not bases:
        raise SurveyError(what, [(0, "文件里没有运营商")])
    return bases


def find_columns(
    rows: list[list[object]], names: dict[str, tuple[str, ...]], needed: tuple[str, ...], what: str
) -> dict[str, int]:
    if not rows:
        raise SurveyError(what, [(0, "文件是空的")])
    found: dict[str, int] = {}
    for index, cell in enumerate(rows[0]):
        label = normalize(str(cell or "")).replace(" ", "").casefold()
        for column, spellings in names.items():
            if label in spellings and column not in found:
                found[column] = index
    missing = [c for c in needed if c not in found]
    if missing:
        wanted = "、".join(f"{c}（{_chinese(names[c])}）" for c in missing)
        raise SurveyError(what, [(1, f"表头缺少列 {wanted}")])
    return found


def data_rows(rows: list[list[object]]):
    for number, row in enumerate(rows[1:], start=2):
        if any(str(c or "").strip() for c in row):  # blank lines at the end of an export
            yield number, row


def cell(row: list[object], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    return str(row[index]).strip()


def _number(text: str) -> float | None:
    cleaned = normalize(text).replace(",", "").replace(" ", "")
    scale = 1.0
    if cleaned.endswith("万"):
        cleaned, scale = cleaned[:-1], 1e4
    elif cleaned.endswith("亿"):
        cleaned, scale = cleaned[:-1], 1e8
    try:
        value = float(cleaned) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _chinese(spellings: tuple[str, ...]) -> str:
    return next(s for s in spellings if not s.isascii())
