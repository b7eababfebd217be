"""The workforce's run-time documents (holidays, roster rules, ACD column names) live in the
database: loaded once by `moqi init`, replaced as a new version by a lead, checked first."""

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from moqi.app import create_app
from moqi.cli import app as cli
from moqi.db import session_scope
from moqi.errors import Invalid, NotFound
from moqi.workforce import demo, documents
from moqi.workforce.models import DocumentRow
from tests.conftest import PASSWORD, add_users

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEAD = ("team_lead", PASSWORD)
NEW_YEAR = "- name: 元旦\n  days_off: [2027-01-01]\n"  # a new year's 放假安排, as a lead types it


def versions(db) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(DocumentRow))


def test_init_loads_the_shipped_files_once_then_the_database_rules(db):
    with session_scope(db) as s:
        shipped = documents.holidays(s)  # before moqi init: the shipped file, nothing stored
        assert documents.text(s, "holidays").version == 0
        assert documents.import_shipped(s, now=NOW) == {
            "holidays": 1,
            "roster_rules": 1,
            "acd_columns": 1,
        }
        assert documents.import_shipped(s, now=NOW) == {}
        assert documents.holidays(s).off == shipped.off
        assert documents.save(s, "holidays", NEW_YEAR, by="lead", now=NOW) == 2
    with session_scope(db) as s:
        assert documents.holidays(s).off == {date(2027, 1, 1): "元旦"}
        assert [v["version"] for v in documents.history(s, "holidays")] == [2, 1]
        assert documents.import_shipped(s, now=NOW) == {}  # a second init keeps the edit


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("holidays", "- name: 元旦\n  days_off: [2027-13-01]\n", "not YAML|not a date"),
        ("holidays", "- days_off: [2027-01-01]\n", "needs a name"),
        ("holidays", "元旦: [", "not YAML"),
        ("roster_rules", "workers: 10\n", "roster rules"),
        ("acd_columns", "fields: {start: {names: [时段]}}\n", "field 'offered'"),
        (
            "acd_columns",
            "fields: {start: {names: [时段]}, offered: {names: [呼入量]}, answered: {names: [接通量]}, abandoned: {names: [放弃量]}, answered_in_threshold: {names: [及时接通量]}}\nthreshold_patterns: {answered_in_threshold: ['(']}\n",
            "is not a pattern",
        ),
        ("holidays", "x" * 64_001, "over 64000"),
    ],
)
def test_a_broken_document_is_refused_and_nothing_is_kept(db, name, text, message):
    with session_scope(db) as s:
        documents.import_shipped(s, now=NOW)
    with pytest.raises(Invalid, match=message), session_scope(db) as s:
        documents.save(s, name, text, by="lead", now=NOW)
    assert versions(db) == 3
    with pytest.raises(NotFound, match="no workforce document 'rota'"), session_scope(db) as s:
        documents.save(s, "rota", NEW_YEAR, by="lead", now=NOW)


@pytest.fixture
def client(db, db_url):
    add_users(db, agent="agent", team_lead="team_lead")
    with session_scope(db) as s:
        documents.import_shipped(s, now=NOW)
    with TestClient(create_app(db_url)) as c:
        yield c


def test_a_lead_replaces_the_acd_column_names_and_the_next_import_reads_them(client, db):
    csv = demo.to_csv(demo.generate(date(2026, 3, 2), 1, peak_calls=50, seed=2))
    renamed = csv.replace("呼入量", "进线总数", 1).encode()  # another ACD's header
    upload = lambda: client.post(  # noqa: E731
        "/api/workforce/queues/q/imports",
        files={"file": ("acd.csv", renamed, "text/csv")},
        auth=LEAD,
    )
    assert upload().status_code == 422
    now_in_force = client.get("/api/workforce/documents/acd_columns", auth=LEAD).json()
    assert now_in_force["version"] == 1 and now_in_force["label"] == "ACD 报表列名"
    text = now_in_force["text"].replace("names: [呼入量,", "names: [进线总数, 呼入量,", 1)
    r = client.put("/api/workforce/documents/acd_columns", json={"text": text}, auth=LEAD)
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    assert upload().status_code == 201


def test_the_documents_api_refuses_bad_input_and_other_roles(client, db):
    bad = client.put("/api/workforce/documents/holidays", json={"text": "- x: 1"}, auth=LEAD)
    assert bad.status_code == 422 and "needs a name" in bad.text
    assert (
        client.put("/api/workforce/documents/holidays", json={"text": ""}, auth=LEAD).status_code
        == 422
    )
    assert (
        client.put("/api/workforce/documents/holidays", json={"text": 3}, auth=LEAD).status_code
        == 422
    )
    assert client.get("/api/workforce/documents/rota", auth=LEAD).status_code == 404
    assert client.get("/api/workforce/documents/a.b", auth=LEAD).status_code in (404, 422)
    agent = ("agent", PASSWORD)
    assert client.get("/api/workforce/documents/holidays", auth=agent).status_code == 403
    assert (
        client.put(
            "/api/workforce/documents/holidays", json={"text": NEW_YEAR}, auth=agent
        ).status_code
        == 403
    )
    assert versions(db) == 3


def test_the_command_line_prints_and_replaces_a_document(db, db_url, tmp_path):
    with session_scope(db) as s:
        documents.import_shipped(s, now=NOW)
    shown = CliRunner().invoke(cli, ["staff", "document", "holidays"])
    assert shown.exit_code == 0 and "春节" in shown.output
    new = tmp_path / "holidays-2027.yaml"
    new.write_text(NEW_YEAR, encoding="utf-8")
    done = CliRunner().invoke(cli, ["staff", "document", "holidays", str(new)])
    assert done.exit_code == 0 and "第 2 版" in done.output, done.output
    new.write_text("- name: 元旦\n  days_off: [明年]\n", encoding="utf-8")
    failed = CliRunner().invoke(cli, ["staff", "document", "holidays", str(new)])
    assert failed.exit_code == 2 and "not a date" in failed.output
    assert versions(db) == 4
