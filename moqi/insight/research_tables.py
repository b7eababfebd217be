"""Answers from a file: a panel wave's call-back answers (one customer a row, one column a
question) and a journey survey (one respondent a row, two columns a need point). Every row is
checked before any is kept: a bad file names its bad rows and keeps nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from moqi.insight.journey import Answer
from moqi.insight.ratings_table import _whole
from moqi.insight.survey_table import SurveyError, cell, data_rows, find_columns
from moqi.nlp.normalize import normalize

MAX_ROWS = 20_000
CHANGE_WORDS = {
    "yes": ("yes", "y", "是", "有", "有改善", "改善", "好转", "变好"),
    "same": ("same", "差不多", "一样", "没变化", "无变化", "持平"),
    "no": ("no", "n", "否", "没有", "没有改善", "无改善", "变差", "变差了"),
}
PANEL_ID = ("customer", "customer_id", "客户编号", "客户", "客户id")
JOURNEY_COLUMNS = {
    "respondent": ("respondent", "id", "受访者编号", "受访者", "问卷编号", "样本编号"),
    "region": ("region", "地区", "区域", "地市"),
    "brand": ("brand", "品牌"),
}
IMPORTANCE = ("importance", "imp", "重要度", "重要性")
PERFORMANCE = ("performance", "perf", "表现", "满意度")
NEED_HEADER = re.compile(r"^([a-z]+\d+)[_\-]?(.+)$")


def _label(value: object) -> str:
    return normalize(str(value or "")).replace(" ", "").casefold()


def _check_size(rows: Sequence[Sequence[object]], what: str) -> None:
    if len(rows) > MAX_ROWS + 1:
        raise SurveyError(what, [(0, f"文件超过 {MAX_ROWS} 行，请分批导入")])


@dataclass(frozen=True)
class PanelRow:
    row: int
    customer: str
    answers: dict[str, object]


def read_panel_answers(rows: list[list[object]], questions: Sequence[Mapping]) -> list[PanelRow]:
    """One customer a row; a question's column is headed by its key or its topic."""
    what = "回访答案未导入"
    _check_size(rows, what)
    spellings: dict[str, tuple[str, ...]] = {"customer": PANEL_ID} | {
        q["key"]: (q["key"].casefold(), _label(q["topic"])) for q in questions
    }
    columns = find_columns(rows, spellings, ("customer",), what)
    if len(columns) == 1:
        names = "、".join(q["topic"] for q in questions)
        raise SurveyError(what, [(1, f"表头没有任何题目列（{names}）")])
    problems: list[tuple[int, str]] = []
    out: list[PanelRow] = []
    seen: set[str] = set()
    for number, row in data_rows(rows):
        customer = normalize(cell(row, columns["customer"]))
        if not customer:
            problems.append((number, "缺少客户编号"))
            continue
        if customer in seen:
            problems.append((number, f"客户 {customer} 出现了两次"))
            continue
        seen.add(customer)
        try:
            answers = {
                q["key"]: value
                for q in questions
                if q["key"] in columns
                and (value := answer(q, cell(row, columns[q["key"]]))) is not None
            }
        except ValueError as exc:
            problems.append((number, str(exc)))
            continue
        if not answers:
            problems.append((number, "没有任何答案"))
            continue
        out.append(PanelRow(number, customer, answers))
    if problems:
        raise SurveyError(what, problems)
    if not out:
        raise SurveyError(what, [(0, "文件里没有答案")])
    return out


def answer(question: Mapping, text: str) -> object:
    """One answer read from its text: a whole 1–5, or yes/same/no; None when blank."""
    text = normalize(str(text)).strip()
    if question["kind"] == "scale":
        return _whole(text, f"{question['topic']}须为 1–5 的整数，不是“{text}”", 1, 5)
    if not text:
        return None
    word = text.casefold()
    for value, words in CHANGE_WORDS.items():
        if word in words or word == _label(question.get("options", {}).get(value, "")):
            return value
    raise ValueError(f"{question['topic']}须为 有改善/差不多/没有改善，不是“{text}”")


def read_journey_answers(
    rows: list[list[object]], active: Sequence[str], known: Sequence[str]
) -> list[Answer]:
    """One respondent a row: respondent id, region, brand, then `J01_重要度`, `J01_表现`…

    A column naming a need point that is not in the questionnaire (or retired) is refused, so a
    file made for another questionnaire is not read half."""
    what = "旅程调研答案未导入"
    _check_size(rows, what)
    columns = find_columns(rows, JOURNEY_COLUMNS, ("respondent",), what)
    codes = {c.casefold(): c for c in active}
    retired = {c.casefold() for c in known} - set(codes)
    needs: dict[str, dict[str, int]] = {}
    problems: list[tuple[int, str]] = []
    for index, header in enumerate(rows[0]):
        label = _label(header)
        if index in columns.values() or not label:
            continue
        match = NEED_HEADER.match(label)
        kind = match and (
            "importance"
            if match[2] in IMPORTANCE
            else "performance"
            if match[2] in PERFORMANCE
            else None
        )
        if not match or not kind:
            problems.append(
                (1, f"无法识别的列“{header}”（应为 需求点编号_重要度 或 需求点编号_表现）")
            )
        elif match[1] in retired:
            problems.append((1, f"需求点 {match[1].upper()} 已停用"))
        elif match[1] not in codes:
            problems.append((1, f"问卷中没有需求点 {match[1].upper()}"))
        else:
            needs.setdefault(codes[match[1]], {})[kind] = index
    for code, pair in needs.items():
        if len(pair) < 2:
            problems.append((1, f"需求点 {code} 缺少重要度或表现列"))
    if not needs and not problems:
        problems.append((1, "表头没有任何需求点列（如 J01_重要度、J01_表现）"))
    if problems:
        raise SurveyError(what, list(dict.fromkeys(problems)))  # a code named once, not twice
    out: list[Answer] = []
    seen: set[str] = set()
    for number, row in data_rows(rows):
        respondent = normalize(cell(row, columns["respondent"]))
        if not respondent or respondent in seen:
            problems.append((number, f"受访者编号“{respondent}”为空或重复"))
            continue
        seen.add(respondent)
        region = normalize(cell(row, columns.get("region")))[:32]
        brand = normalize(cell(row, columns.get("brand")))[:32]
        mine: list[Answer] = []
        try:
            for code, pair in needs.items():
                i = _whole(cell(row, pair["importance"]), f"{code} 重要度须为 1–5 的整数", 1, 5)
                p = _whole(cell(row, pair["performance"]), f"{code} 表现须为 1–5 的整数", 1, 5)
                if (i is None) != (p is None):
                    raise ValueError(f"{code} 只填了重要度或表现中的一个")
                if i is not None and p is not None:
                    mine.append(Answer(respondent[:40], region, brand, code, i, p))
        except ValueError as exc:
            problems.append((number, str(exc)))
            continue
        out += mine
    if problems:
        raise SurveyError(what, problems)
    if not out:
        raise SurveyError(what, [(0, "文件里没有答案")])
    return out
