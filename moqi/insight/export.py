"""A satisfaction report as a file a manager opens in Excel: CSV (UTF-8 with a BOM, which
Excel needs to read Chinese) or XLSX."""

from __future__ import annotations

import csv
import io

HEADER = [
    "分组",
    "评价数",
    "满意度",
    "满意度下限",
    "满意度上限",
    "满意率%",
    "满意率下限",
    "满意率上限",
    "NPS",
    "NPS下限",
    "NPS上限",
    "NPS样本",
    "样本少",
]


def rows(report: dict) -> list[list[object]]:
    """The header, everyone's line, then each group's (as group_json shapes them)."""
    out: list[list[object]] = [list[object](HEADER)]
    for group in [report["all"], *report["groups"]]:
        line: list[object] = [group["group"] or "（未填）", group["n"]]
        for key in ("satisfaction", "satisfied_pct", "nps"):
            figure = group[key]
            line += [figure["value"], *figure["ci"]]
        line += [group["nps"]["n"], "是" if group["n"] < 30 else ""]
        out.append(["" if v is None else v for v in line])
    return out


def to_csv(table: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: list[list[object]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in table:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
