"""Import and export: round trips change nothing; a bad or oversized file imports nothing."""

import io

import pytest
from openpyxl import Workbook

from moqi.knowledge.models import ItemVersionRow
from tests.conftest import count
from tests.web.knowledge.conftest import EDITOR


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_scripts_round_trip_through_export_and_import(client, db, fmt):
    r = client.get(f"/api/knowledge/export/script?format={fmt}", auth=EDITOR)
    assert r.status_code == 200
    versions_before = count(db, ItemVersionRow)
    r = client.post(
        "/api/knowledge/import/script", files={"file": (f"scripts.{fmt}", r.content)}, auth=EDITOR
    )
    assert r.json()["updated"] == 0 and r.json()["created"] == 0 and r.json()["unchanged"] > 300
    assert count(db, ItemVersionRow) == versions_before


def test_articles_round_trip_through_markdown_zip_and_docx(client, db):
    for fmt in ("md", "docx"):
        r = client.get(f"/api/knowledge/export/article?format={fmt}", auth=EDITOR)
        assert r.status_code == 200, r.text
        name = "kb.zip" if fmt == "md" else "kb.docx"
        r = client.post(
            "/api/knowledge/import/article", files={"file": (name, r.content)}, auth=EDITOR
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 0 and r.json()["updated"] == 0, (fmt, r.json())


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["word", "category", "intensity", "escalation", "churn", "domain"]


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        (
            "lex.csv",
            "word,category,intensity,escalation,churn,domain\n气到冒烟,anger,5,1,0,telecom\n好开心,joy,3,0,0,general\n".encode(),
            "line 3",
        ),
        ("lex.csv", "word,category\n气到冒烟,anger\n".encode(), "line 1"),
        ("lex.csv", b"", "empty"),
        ("lex.csv", b"\xff\xfe\x00\x00garbage\x81", "GB18030"),
        (
            "lex.xlsx",
            _xlsx(
                [
                    HEADER,
                    ["气到冒烟", "anger", 5, 1, 0, "telecom"],
                    ["好烦人", "anger", "很强", 0, 0, "general"],
                ]
            ),
            "line 3",
        ),
        ("lex.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
        ("lex.docx", b"anything", "articles only"),
        (
            "lex.csv",
            "word,category,intensity,escalation,churn,domain\n气到冒烟,anger,5,1,0,telecom\n气到冒烟,anger,4,1,0,telecom\n".encode(),
            "twice",
        ),
    ],
)
def test_bad_files_import_nothing_and_name_the_row(client, db, name, data, where):
    versions_before = count(db, ItemVersionRow)
    r = client.post("/api/knowledge/import/lexicon", files={"file": (name, data)}, auth=EDITOR)
    assert r.status_code == 422, r.text
    assert where in r.json()["detail"]
    assert count(db, ItemVersionRow) == versions_before
    assert client.get("/api/knowledge/items/lexicon/气到冒烟", auth=EDITOR).status_code == 404


def test_oversized_upload_is_413(client):
    big = b"word,category,intensity,escalation,churn,domain\n" + b"x" * (950 * 1024)
    r = client.post("/api/knowledge/import/lexicon", files={"file": ("big.csv", big)}, auth=EDITOR)
    assert r.status_code == 413
