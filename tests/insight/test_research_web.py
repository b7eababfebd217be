"""The panel and journey pages and API as users meet them, on the demo history: a newcomer sees
a wave comparison and the journey ranking; roles are checked; files import whole or not at all."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from moqi.db import session_scope
from moqi.insight import panel_work
from moqi.insight.research_models import JourneyAnswer, JourneySurvey, PanelTask
from tests.conftest import add_users, count, login, serving

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


@pytest.fixture
def app(db_url, loaded_db):
    add_users(
        loaded_db, lead="team_lead/一组", boss="admin", ana="agent/一组", ed="knowledge_editor"
    )
    yield from serving(db_url)


@pytest.fixture
def history(loaded_db):
    from moqi.service import demo_history

    with session_scope(loaded_db) as s:
        return demo_history.generate(s, now=NOW, link_base="http://127.0.0.1:8000")


def test_the_demo_has_a_panel_with_two_waves_and_a_journey_survey(app, history):
    assert history["panel_members"] == 40 and history["journey_respondents"] == 320
    lead = login(app, "lead")
    panels = lead.get("/api/insight/panels").json()
    assert [p["waves"] for p in panels] == [2]
    report = lead.get(f"/api/insight/panels/{panels[0]['id']}").json()
    assert [w["number"] for w in report["waves"]] == [1, 2]
    assert all(w["answered"] > 25 for w in report["waves"])
    change = report["changes"][0]
    assert change["improved_self"]["n"] > 25 and change["improved_measured"]["n"] > 20
    assert 5 < change["improved_self"]["value"] < 50
    page = lead.get("/insight/panel")
    assert page.status_code == 200
    assert "第 1 波 → 第 2 波" in page.text and "<svg" in page.text and "自述" in page.text
    survey = lead.get("/api/insight/journey/surveys").json()[0]
    result = lead.get(
        f"/api/insight/journey/surveys/{survey['id']}/analysis", params={"by": "brand"}
    ).json()
    assert result["respondents"] == 320 and 0 < sum(n["core"] for n in result["needs"]) <= 16
    assert [g["group"] for g in result["groups"]] == ["全球通", "动感地带", "神州行"] or len(
        result["groups"]
    ) == 3
    page = lead.get("/insight/journey", params={"by": "region"})
    assert page.status_code == 200 and "★ 核心" in page.text and "重点改进" in page.text
    assert 'class="ipa"' in page.text
    data = lead.get("/insight/journey.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(data)))
    assert lines[0][:4] == ["分组", "受访者", "排名", "编号"] and len(lines) > 40
    book = load_workbook(io.BytesIO(lead.get(f"/insight/panel/{panels[0]['id']}.xlsx").content))
    assert book.active.title == "固定客户跟踪测评"
    assert "/insight/panel" in lead.get("/insight").text


def test_roles(app):
    for who in ("ana", "ed"):
        client = login(app, who)
        assert client.get("/api/insight/panels").status_code == 403
        assert client.get("/insight/journey").status_code == 403
    assert login(app, "ana").get("/insight/panel/tasks").status_code == 200
    assert login(app, "ed").get("/insight/panel/tasks").status_code == 403
    assert login(app, "boss").get("/insight/panel").status_code == 200


def test_a_lead_runs_a_wave_and_a_manager_answers(app, loaded_db):
    lead, ana = login(app, "lead"), login(app, "ana")
    r = lead.post(
        "/api/insight/panels",
        json={"name": "全球通回访", "segment": {"brand": "全球通"}, "size": 3, "seed": 9},
    )
    assert r.status_code == 201, r.text
    panel_id = r.json()["panel"]["id"]
    assert (
        lead.post("/api/insight/panels", json={"name": "x", "size": 0, "seed": 1}).status_code
        == 422
    )
    wave = lead.post(
        f"/api/insight/panels/{panel_id}/waves", json={"planned_at": "2026-12-10T09:00:00+08:00"}
    ).json()
    assert (
        lead.post(
            f"/api/insight/panel-waves/{wave['id']}/start", json={"owners": ["nobody"]}
        ).status_code
        == 404
    )
    r = lead.post(f"/api/insight/panel-waves/{wave['id']}/start", json={"owners": ["ana"]})
    assert r.json() == {"tasks": r.json()["tasks"]} and r.json()["tasks"] >= 1
    tasks = ana.get("/api/insight/panel-tasks").json()
    assert tasks and all(t["owner"] == "ana" for t in tasks)
    r = ana.post(f"/api/insight/panel-tasks/{tasks[0]['id']}", json={"answers": {"overall": 7}})
    assert r.status_code == 422
    r = ana.post(f"/insight/panel/tasks/{tasks[0]['id']}", data={"overall": "5", "network": "4"})
    assert r.status_code == 200 and "已记录" in r.text
    with session_scope(loaded_db) as s:
        assert panel_work.tasks(s, status="answered")[0]["answers"] == {"network": 4, "overall": 5}
    # A file naming a customer outside the wave imports nothing.
    before = count(loaded_db, PanelTask)
    bad = "客户编号,整体满意\nNOBODY,5\n".encode()
    r = lead.post(f"/api/insight/panel-waves/{wave['id']}/answers", files={"file": ("a.csv", bad)})
    assert r.status_code == 422 and "NOBODY" in r.text
    big = b"x" * (1024 * 1024 + 10)
    r = lead.post(f"/api/insight/panel-waves/{wave['id']}/answers", files={"file": ("a.csv", big)})
    assert r.status_code == 413
    assert count(loaded_db, PanelTask) == before


def test_journey_import_and_editing_on_the_api(app, loaded_db):
    lead = login(app, "lead")
    good = (
        "受访者编号,地区,品牌,J01_重要度,J01_表现\nR1,广东,全球通,5,2\nR2,浙江,神州行,4,3\n".encode(
            "gbk"
        )
    )
    bad = "受访者编号,J01_重要度,J01_表现,J77_重要度,J77_表现\nR1,5,2,3,3\n".encode()
    r = lead.post(
        "/api/insight/journey/surveys", files={"file": ("s.csv", bad)}, data={"name": "坏"}
    )
    assert r.status_code == 422 and "J77" in r.text
    assert count(loaded_db, JourneySurvey) == 0 and count(loaded_db, JourneyAnswer) == 0
    r = lead.post(
        "/api/insight/journey/surveys", files={"file": ("s.csv", good)}, data={"name": "好"}
    )
    assert r.status_code == 201 and r.json()["answers"] == 2
    assert lead.patch("/api/insight/journey/needs/J02", json={"retired": True}).json()["retired"]
    assert lead.patch("/api/insight/journey/needs/J999", json={"retired": True}).status_code == 404
    r = lead.post(
        "/api/insight/journey/needs", json={"stage": "结束语", "text": "结束后挂机不要太快"}
    )
    assert r.status_code == 201 and r.json()["stage"] == "结束语"
    history = lead.get("/api/insight/journey/needs").json()["history"]
    assert [h["action"] for h in history] == ["add", "retire"]
    r = lead.post(
        "/insight/journey/needs/J03", data={"text": "外地漫游也能拨通热线"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "外地漫游也能拨通热线" in lead.get("/insight/journey").text
    r = lead.post("/insight/journey/needs", data={"stage": "无此阶段", "text": "随便写写"})
    assert r.status_code == 422 and "stage" in r.text
