"""Import and export of versioned items: Markdown folders (zip), CSV, XLSX and DOCX.

Pure: bytes in, (key, raw body) rows out, and back. Every parse error names the file and the
row or line at fault; the service checks and publishes all rows or none.

Spreadsheet cells that start like a formula (= + - @, tab, carriage return) are written with a
leading single quote, as OWASP advises against CSV injection, so that Excel or LibreOffice shows
them as text instead of running them; import takes that quote off again. A plain number such
as -3 is not a formula and is written as it is.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from moqi.errors import Invalid
from moqi.knowledge import items

FORMATS = ("md", "csv", "xlsx", "docx")
KEY_COLUMN = {"article": "id", "script": "id", "business": "code", "lexicon": "word"}
MEDIA = {
    "md": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_ROWS = 50_000
# Lines of steps and key points are kept one per line in a cell; other lists are joined with 、.
_LINES = {"steps", "key_points"}
_DOCX_META = {
    "编号": "id",
    "客户问题": "question",
    "适用业务": "businesses",
    "来电原因": "reasons",
    "适用品牌": "brands",
    "适用地区": "regions",
    "生效日期": "valid_from",
    "失效日期": "valid_to",
    "标签": "tags",
}


class TransferError(Invalid):
    """A file cannot be imported; the message names the file and the row or line at fault."""


def columns(kind: str) -> tuple[str, ...]:
    """The header of a CSV/XLSX file of this kind."""
    return (KEY_COLUMN[kind], *items.FIELDS[kind])


def _cell(name: str, value) -> str:
    if isinstance(value, list):
        return ("\n" if name in _LINES else "、").join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _needs_quote(value: str) -> bool:
    """Whether a cell would be read as a formula, or is text that only looks quoted (a value
    that already starts with ' and then a formula character gets one more quote, so that
    import gives every value back exactly)."""
    rest = value.lstrip("'")
    return rest.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(rest)


def _defuse(value: str) -> str:
    """A cell value a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if _needs_quote(value) else value


def _restore(value: str) -> str:
    """The value `_defuse` was given: the quote it added comes off, any other stays."""
    return value[1:] if value.startswith("'") and _needs_quote(value[1:]) else value


def _uncell(name: str, value: str):
    if name in _LINES:
        return [x.strip() for x in value.splitlines() if x.strip()]
    return value


# --- export -------------------------------------------------------------------------------


def export(kind: str, fmt: str, rows: list[tuple[str, dict]]) -> bytes:
    """The items as a file of format `fmt` (md = a zip of one Markdown file per article)."""
    if fmt not in FORMATS:
        raise TransferError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("md", "docx") and kind != "article":
        raise TransferError(f"{fmt} holds articles only; export {kind} as csv or xlsx")
    if fmt == "md":
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
            for key, body in rows:
                zf.writestr(f"articles/{key}.md", items.article_markdown(key, body))
        return zipped.getvalue()
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(columns(kind))
        for key, body in rows:
            writer.writerow(
                [_defuse(v) for v in (key, *(_cell(f, body.get(f)) for f in items.FIELDS[kind]))]
            )
        return ("\ufeff" + text.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = kind
        ws.append(list(columns(kind)))
        for key, body in rows:
            ws.append(
                [_defuse(v) for v in (key, *(_cell(f, body.get(f)) for f in items.FIELDS[kind]))]
            )
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    return _docx(rows)


def _docx(rows: list[tuple[str, dict]]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("moqi 知识库", level=0)
    for key, body in rows:
        doc.add_heading(body["title"], level=1)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, name in _DOCX_META.items():
            value = key if name == "id" else _cell(name, body.get(name))
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        doc.add_heading("答复", level=2)
        for line in body["answer"].splitlines():  # one paragraph per line, blank ones kept
            _bold_runs(doc.add_paragraph(), line)
        for heading, name, style in (
            ("步骤", "steps", "List Number"),
            ("要点", "key_points", "List Bullet"),
        ):
            if body.get(name):
                doc.add_heading(heading, level=2)
                for line in body[name]:
                    _bold_runs(doc.add_paragraph(style=style), line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _bold_runs(paragraph, text: str) -> None:
    """Markdown **bold** becomes bold runs (the key phrases the training office highlights)."""
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1


# --- import -------------------------------------------------------------------------------


def parse(kind: str, fmt: str, data: bytes, filename: str) -> list[tuple[str, dict, str]]:
    """(key, raw body, where) rows of a file; TransferError names the row or line at fault."""
    if fmt not in FORMATS:
        raise TransferError(f"{filename}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("md", "docx") and kind != "article":
        raise TransferError(
            f"{filename}: {fmt} holds articles only; import {kind} from csv or xlsx"
        )
    if not data:
        raise TransferError(f"{filename}: the file is empty")
    rows = {"md": _parse_md, "csv": _parse_csv, "xlsx": _parse_xlsx, "docx": _parse_docx}[fmt](
        kind, data, filename
    )
    if not rows:
        raise TransferError(f"{filename}: no items in the file")
    if len(rows) > MAX_ROWS:
        raise TransferError(f"{filename}: {len(rows)} items; import at most {MAX_ROWS} at a time")
    seen: dict[str, str] = {}
    for key, _, where in rows:
        if key in seen:
            raise TransferError(f"{where}: {key!r} appears twice (also at {seen[key]})")
        seen[key] = where
    return rows


def _article(text: str, where: str) -> tuple[str, dict, str]:
    try:
        key, body = items.article_from_markdown(text, where)
    except items.ItemError as exc:
        raise TransferError(str(exc)) from None
    return key, body, where


def _decode(data: bytes, where: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TransferError(f"{where}: the text is neither UTF-8 nor GB18030")


def _parse_md(kind: str, data: bytes, filename: str) -> list[tuple[str, dict, str]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [_article(_decode(data, filename), filename)]
    rows = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(
            n for n in zf.namelist() if n.endswith(".md") and not n.split("/")[-1].startswith(".")
        )
        if sum(zf.getinfo(n).file_size for n in names) > 50 * 1024 * 1024:
            raise TransferError(f"{filename}: the Markdown files unpack to more than 50 MB")
        for name in names:
            if name.split("/")[-1].upper() == "README.MD":
                continue
            rows.append(
                _article(_decode(zf.read(name), f"{filename}/{name}"), f"{filename}/{name}")
            )
    return rows


def _table_rows(
    kind: str, header: list[str], body_rows, filename: str
) -> list[tuple[str, dict, str]]:
    wanted = columns(kind)
    header = [str(h or "").strip() for h in header]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise TransferError(
            f"{filename}: line 1: header lacks column(s) {', '.join(missing)} (expected {','.join(wanted)})"
        )
    extra = [h for h in header if h and h not in wanted]
    if extra:
        raise TransferError(f"{filename}: line 1: unknown column(s) {', '.join(extra)}")
    out = []
    for line, values in body_rows:
        values = ["" if v is None else _restore(str(v)) for v in values]
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise TransferError(
                f"{filename}: line {line}: {len(values)} fields, the header has {len(header)}"
            )
        record = dict(zip(header, values + [""] * (len(header) - len(values)), strict=True))
        key = record.pop(KEY_COLUMN[kind]).strip()
        if not key:
            raise TransferError(f"{filename}: line {line}: the {KEY_COLUMN[kind]} column is empty")
        out.append(
            (
                key,
                {f: _uncell(f, record.get(f, "")) for f in items.FIELDS[kind]},
                f"{filename}: line {line}",
            )
        )
    return out


def _parse_csv(kind: str, data: bytes, filename: str) -> list[tuple[str, dict, str]]:
    text = _decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = [(reader.line_num, row) for row in reader]
    except StopIteration:
        raise TransferError(f"{filename}: the file is empty") from None
    except csv.Error as exc:
        raise TransferError(f"{filename}: line {reader.line_num}: not valid CSV: {exc}") from None
    return _table_rows(kind, header, rows, filename)


def _parse_xlsx(kind: str, data: bytes, filename: str) -> list[tuple[str, dict, str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise TransferError(
            f"{filename}: not a readable XLSX workbook ({type(exc).__name__})"
        ) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        raise TransferError(f"{filename}: the first sheet is empty")
    rows = [(i, list(r)) for i, r in enumerate(it, 2)]
    wb.close()
    return _table_rows(kind, list(header), rows, filename)


def _parse_docx(kind: str, data: bytes, filename: str) -> list[tuple[str, dict, str]]:
    """Articles in the layout `export` writes: Heading 1 title, a field table, 答复/步骤/要点."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise TransferError(f"{filename}: not a readable DOCX document") from None
    rows: list[tuple[str, dict, str]] = []
    tables = iter(doc.tables)
    current: dict | None = None
    section = None

    def finish() -> None:
        if current is None:
            return
        where = f"{filename}: article {len(rows) + 1} ({current['title']})"
        key = current.pop("id", "").strip()
        if not key:
            raise TransferError(f"{where}: the 编号 row of its table is empty")
        current["answer"] = "\n".join(current["answer"]).strip()
        rows.append((key, current, where))

    for paragraph in doc.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = (
            "".join(
                f"**{r.text}**" if r.bold and r.text.strip() else r.text for r in paragraph.runs
            )
            .replace("****", "")
            .strip()
        )
        if style == "Heading 1":
            finish()
            current, section = (
                {"title": paragraph.text.strip(), "answer": [], "steps": [], "key_points": []},
                None,
            )
            table = next(tables, None)
            if table is None:
                raise TransferError(
                    f"{filename}: article {len(rows) + 1} ({current['title']}) has no field table"
                )
            for row in table.rows:
                label, value = (c.text.strip() for c in row.cells[:2])
                if label not in _DOCX_META:
                    raise TransferError(
                        f"{filename}: article {len(rows) + 1}: unknown field {label!r} in its table"
                    )
                current[_DOCX_META[label]] = value
        elif style == "Heading 2" and current is not None:
            section = {"答复": "answer", "步骤": "steps", "要点": "key_points"}.get(
                paragraph.text.strip()
            )
            if section is None:
                raise TransferError(
                    f"{filename}: article {len(rows) + 1}: unknown section {paragraph.text.strip()!r}"
                )
        elif current is not None and section and (text or section == "answer"):
            current[section].append(text)
    finish()
    return rows
