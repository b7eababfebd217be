"""CSV/XLSX exports never hand a spreadsheet a live formula, and still import back exactly."""

import csv
import io

import pytest
from openpyxl import load_workbook

from moqi.knowledge import transfer

EVIL = '=HYPERLINK("http://evil.example","点这里")'
ARTICLE = {
    "title": EVIL,
    "question": "+86 13800138000 打不通怎么办",
    "answer": "\t-先确认号码\n@值班长",
    "steps": ["=1+1", "第二步"],
    "key_points": ["@所有人"],
    "businesses": [],
    "reasons": [],
    "brands": ["-"],
    "regions": ["'=已经带引号", "'普通引号"],
    "valid_from": None,
    "valid_to": None,
    "tags": ["\r回车开头", "-5"],
}
LEXICON = {"category": "anger", "intensity": 3, "escalation": False, "churn": False, "domain": "-"}


def _round_trip(kind, fmt, rows):
    data = transfer.export(kind, fmt, rows)
    return data, {key: body for key, body, _ in transfer.parse(kind, fmt, data, f"x.{fmt}")}


def _expected(kind, body):
    # What a cell holds is text: steps and key points come back as lists, other values as the
    # text of their cell (the service turns that text back into lists, numbers and dates).
    return {f: v if f in ("steps", "key_points") else transfer._cell(f, v) for f, v in body.items()}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_written_as_text_and_read_back_unchanged(fmt):
    data, back = _round_trip("article", fmt, [("evil-1", ARTICLE)])
    if fmt == "csv":
        cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
        values = dict(zip(transfer.columns("article"), cells, strict=True))
    else:
        ws = load_workbook(io.BytesIO(data)).active
        row = next(ws.iter_rows(min_row=2, max_row=2))
        assert all(c.data_type != "f" for c in row)  # no cell is a formula
        values = {h: c.value for h, c in zip(transfer.columns("article"), row, strict=True)}
    assert values["title"] == "'" + EVIL
    assert values["question"].startswith("'+86") and values["answer"].startswith("'\t-先确认")
    assert (
        values["steps"].startswith("'=1+1")
        and values["key_points"] == "'@所有人"
        and values["brands"] == "'-"
    )
    assert values["tags"].startswith("'\r回车开头")
    assert values["regions"].startswith(
        "''=已经带引号"
    )  # one quote more, so it comes back as it was
    assert back["evil-1"] == _expected("article", ARTICLE)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_plain_numbers_and_keys_survive(fmt):
    rows = [("-_-", LEXICON), ("气死", {**LEXICON, "domain": "-3"})]
    data, back = _round_trip("lexicon", fmt, rows)
    # A negative number is not a formula: it is written as it is.
    text = data.decode("utf-8-sig") if fmt == "csv" else ""
    if fmt == "csv":
        assert "气死,anger,3,0,0,-3" in text and "'-_-" in text
    assert back == {
        "-_-": _expected("lexicon", LEXICON),
        "气死": {**_expected("lexicon", LEXICON), "domain": "-3"},
    }


def test_a_quote_typed_by_hand_before_a_formula_character_is_taken_off():
    data = (
        "\ufeffword,category,intensity,escalation,churn,domain\n'@老板,anger,3,0,0,'普通\n".encode()
    )
    [(key, body, _)] = transfer.parse("lexicon", "csv", data, "hand.csv")
    assert key == "@老板" and body["domain"] == "'普通"
