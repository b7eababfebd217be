"""An ACD export's rows as cells: CSV in UTF-8 or GB18030, or the first sheet of an XLSX."""

from __future__ import annotations

import csv
import io

from moqi.nlp.decode import NotText, decode_text
from moqi.workforce.acd import AcdError


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """The file's rows as cells (CSV in UTF-8 or GB18030, or the first sheet of an XLSX)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")):
        try:
            text = decode_text(data)
        except NotText:
            raise AcdError([(0, "文件编码无法识别：请存为 UTF-8 或 GBK 编码的 CSV")]) from None
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
