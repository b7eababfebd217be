"""Rows of an uploaded table as offices save them: CSV (UTF-8 or GBK, comma or tab) or the
first sheet of an XLSX workbook."""

from __future__ import annotations

import csv
import io
from zipfile import BadZipFile

from moqi.errors import Invalid
from moqi.nlp.decode import NotText, decode_text


class TableError(Invalid):
    """The file is not a table moqi reads; the message says why, in Chinese."""


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """The file's rows as cells (strings from CSV; strings, numbers or dates from XLSX)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt", ".tsv")):
        try:
            text = decode_text(data)
        except NotText:
            raise TableError("文件编码无法识别：请存为 UTF-8 或 GBK 编码的 CSV") from None
        first = text.split("\n", 1)[0]
        dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
        return [list[object](row) for row in csv.reader(io.StringIO(text), dialect)]
    raise TableError(f"不支持的文件类型“{filename}”：请上传 .csv 或 .xlsx")


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(f"不是有效的 XLSX 文件（{exc}）") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
