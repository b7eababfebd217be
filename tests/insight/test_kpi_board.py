"""The KPI board as users meet it: kpis.yaml read and refused clearly when broken, the JSON API
and pages for team leads and admins only, bad parameters refused, the exports, and the demo
history that `moqi init --demo-history` writes through moqi's own paths."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from moqi.content.reading import ContentError
from moqi.db import session_scope
from moqi.errors import Conflict
from moqi.insight import kpi_defs, kpi_view, kpis
from moqi.service.models import Contact
from moqi.settings import get_settings
from tests.conftest import add_users, count, login, serving

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


# --- the definitions file ---------------------------------------------------------------------


def test_the_shipped_file_defines_every_kpi_in_order():
    defs = kpi_defs.shipped()
    assert tuple(defs) == kpi_defs.KEYS
    assert defs["reply_return_rate"].name == "回复退单率"
    assert defs["reply_return_rate"].direction == "lower"
    assert defs["reminder_sms_timeliness"].within_minutes == 5
    assert all(d.definition and "÷" in d.definition for d in defs.values() if d.unit != "百分点")


def _shipped_doc() -> list[dict]:
    return yaml.safe_load(kpi_defs.FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop(), "no definition for answer_rate_balance"),
        (lambda d: d.append(dict(d[0])), "complaint_timeliness: defined twice"),
        (lambda d: d[0].update(key="nps"), "key must be one of"),
        (lambda d: d[0].update(unit="percent"), "unit must be one of"),
        (lambda d: d[0].update(direction="up"), "direction must be higher or lower"),
        (lambda d: d[0].update(target="95%"), "target must be a number"),
        (lambda d: d[0].update(amber=99), "amber must not be above the target"),
        (lambda d: d[1].update(amber=2), "amber must not be below the target"),
        (lambda d: d[0].update(definition=" "), "definition must be a text"),
        (lambda d: d[5].pop("within_minutes"), "within_minutes must be a whole number"),
        (lambda d: d.__setitem__(0, "投诉"), "item 1: must be a mapping"),
    ],
)
def test_a_bad_definition_is_named(tmp_path: Path, change, message):
    doc = _shipped_doc()
    change(doc)
    path = tmp_path / "kpis.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        kpi_defs.load(path)


def test_a_file_that_is_not_a_list_or_not_yaml_is_refused(tmp_path: Path):
    path = tmp_path / "kpis.yaml"
    path.write_text("key: complaint_timeliness\n", encoding="utf-8")
    with pytest.raises(ContentError, match="must be a list"):
        kpi_defs.load(path)
    path.write_text("- key: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        kpi_defs.load(path)


# --- the sparkline and the export table ---------------------------------------------------------


def test_the_sparkline_leaves_a_gap_for_a_week_without_a_value():
    trend = [{"week": f"W{i}", "value": v} for i, v in enumerate([80, 90, None, 100, 95])]
    sp = kpi_view.sparkline(trend, target=95)
    assert len(sp["lines"]) == 2 and len(sp["dots"]) == 4
    top = min(d["y"] for d in sp["dots"])
    assert [d["y"] for d in sp["dots"] if d["value"] == 100] == [top]
    assert kpi_view.sparkline([{"week": "W1", "value": None}])["dots"] == []


# --- the API and the pages ----------------------------------------------------------------------


@pytest.fixture
def app(db_url, loaded_db):
    add_users(loaded_db, lead="team_lead/一组", boss="admin", ana="agent/一组")
    yield from serving(db_url)


@pytest.fixture
def history(loaded_db):
    """Eight weeks of demo history ending at NOW, and the demo ACD queue."""
    from moqi.cli.common import _demo_queue
    from moqi.service import demo_history

    with session_scope(loaded_db) as s:
        counts = demo_history.generate(s, now=NOW, link_base="http://127.0.0.1:8000")
    with session_scope(loaded_db) as s:
        assert _demo_queue(s)
    return counts


def test_roles_and_bad_parameters_on_the_api(app):
    lead = login(app, "lead")
    r = lead.get("/api/insight/kpis", params={"since": "2026-11-01", "until": "2026-12-01"})
    assert r.status_code == 200
    body = r.json()
    assert [k["key"] for k in body["kpis"]] == list(kpi_defs.KEYS)
    assert all(
        {"value", "numerator", "denominator", "n", "status", "definition", "target"} <= set(k)
        for k in body["kpis"]
    )
    assert login(app, "boss").get("/api/insight/kpis").status_code == 200
    assert login(app, "ana").get("/api/insight/kpis").status_code == 403
    from fastapi.testclient import TestClient

    assert TestClient(app).get("/api/insight/kpis").status_code == 401
    for params in (
        {"by": "agent"},
        {"by": "'; DROP TABLE tickets; --"},
        {"since": "yesterday"},
        {"since": "2026-12-01", "until": "2026-11-01"},
        {"since": "2024-01-01", "until": "2026-01-01"},
    ):
        r = lead.get("/api/insight/kpis", params=params)
        assert r.status_code == 422, params
    assert login(app, "ana").get("/insight/kpis").status_code == 403


def test_a_lead_reads_the_board_drills_down_and_exports_it(app, loaded_db, history):
    assert history["contacts"] > 300 and history["tickets"] > 50
    lead = login(app, "lead")
    # The pages take whole days (until included); the API takes moments (until excluded).
    week = {"since": "2026-10-12", "until": "2026-12-07"}
    api = {"since": "2026-10-12T00:00:00+08:00", "until": "2026-12-08T00:00:00+08:00"}
    r = lead.get("/api/insight/kpis", params={**api, "by": "team"})
    board = {k["key"]: k for k in r.json()["kpis"]}
    for key, item in board.items():
        if key == "retention_success":
            assert item["value"] is None and item["no_data"]
            continue
        assert item["value"] is not None and item["status"] in ("green", "amber", "red"), key
        assert any(t["value"] is not None for t in item["trend"]), key
        assert item["groups"] or item["not_split"], key
    teams = {g["group"] for g in board["complaint_timeliness"]["groups"]}
    assert {"投诉处理组", "综合业务组"} <= teams
    page = lead.get("/insight/kpis", params=week)
    assert page.status_code == 200
    for d in kpi_defs.shipped().values():
        assert d.name in page.text and d.definition in page.text
    assert (
        page.text.count("<polyline") >= 8
        and "/insight/kpis/first_contact_resolution?by=team" in page.text
    )
    drill = lead.get("/insight/kpis/first_contact_resolution", params={**week, "by": "region"})
    assert drill.status_code == 200 and "广东" in drill.text
    assert "不分班组" in lead.get("/insight/kpis/answer_rate_balance", params={"by": "team"}).text
    assert lead.get("/insight/kpis/nps").status_code == 404
    assert lead.get("/insight/kpis/sla_attainment", params={"by": "agent"}).status_code == 422

    f = lead.get("/insight/kpis.csv", params={**week, "by": "team"})
    assert f.status_code == 200 and f.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(f.content.decode("utf-8-sig"))))
    assert lines[0] == kpi_view.HEADER
    everyone = [line for line in lines[1:] if line[1] == "全部"]
    assert [line[0] for line in everyone] == [d.name for d in kpi_defs.shipped().values()]
    fcr = board["first_contact_resolution"]
    assert ["一次解决率（FCR）", "全部", str(fcr["value"])] == everyone[2][:3]
    assert any(line[1] == "投诉处理组" for line in lines)
    x = lead.get("/insight/kpis.xlsx", params=week)
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet.title == "运营指标" and sheet.max_row == 11
    assert sheet.cell(row=2, column=1).value == "投诉处理及时率"


def test_the_demo_history_feeds_every_kpi_and_the_satisfaction_report(loaded_db, history):
    from moqi.insight import services as insight

    with session_scope(loaded_db) as s:
        board = kpis.board(s, since=NOW - timedelta(weeks=8), until=NOW)
        for item in board:
            if item["key"] != "retention_success":
                assert item["value"] is not None and item["n"] > 0, item["key"]
        everyone, groups = insight.satisfaction(s, by="team")
        assert everyone.n == history["ratings"] > 50 and len(groups) >= 3
    assert history["reopened"] >= 1 and history["self_service"] > 100 and history["sent"] > 50


def test_the_demo_history_refuses_a_second_run_and_writes_nothing(loaded_db, history):
    from moqi.service import demo_history

    contacts = count(loaded_db, Contact)
    with session_scope(loaded_db) as s, pytest.raises(Conflict, match="contacts already"):
        demo_history.generate(s, now=NOW, link_base="http://127.0.0.1:8000")
    assert count(loaded_db, Contact) == contacts == history["contacts"]


def test_the_command_line_prints_the_board(loaded_db, history):
    from typer.testing import CliRunner

    from moqi.cli import app as cli

    runner = CliRunner()
    args = ["insight", "kpis", "--since", "2026-10-12", "--until", "2026-12-07T14:00:00+08:00"]
    done = runner.invoke(cli, [*args, "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    with session_scope(loaded_db) as s:
        since = datetime(2026, 10, 11, 16, 0, tzinfo=UTC)
        assert out["kpis"] == json.loads(json.dumps(kpis.board(s, since=since, until=NOW)))
    text = runner.invoke(cli, [*args, "--by", "team"])
    assert text.exit_code == 0
    assert "投诉处理及时率：" in text.output and "（目标 ≥95.0%）" in text.output
    assert "  投诉处理组：" in text.output and "挽留成功率：— 无数据" in text.output
    bad = runner.invoke(cli, ["insight", "kpis", "--by", "agent"])
    assert bad.exit_code == 2 and "by: one of team, region, brand, week" in bad.output


def test_init_demo_history_writes_once_and_says_so_the_second_time(instance, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from moqi.cli import app as cli

    monkeypatch.setenv("MOQI_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    get_settings.cache_clear()
    runner = CliRunner()
    first = runner.invoke(cli, ["init", "--demo-history"])
    assert first.exit_code == 0, first.output
    assert "demo history (8 weeks; see /insight/kpis): customers 240, contacts" in first.output
    assert "demo ACD history: queue 10086人工" in first.output
    again = runner.invoke(cli, ["init", "--demo-history"])
    assert again.exit_code == 0
    assert "demo history: not added (the database has contacts already" in again.output
