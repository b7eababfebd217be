"""Script experiments over the API and the live workbench: editors design and start one, the
agent's opening shows the variant in its arm only, the agent reads it out, the wrap-up stores
the exposure; other roles are refused, bad input stores nothing."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from moqi.db import session_scope
from moqi.knowledge.experiments import design
from moqi.knowledge.experiments.models import ExperimentRow, ExposureRow
from tests.conftest import add_users, count, login, serving

VARIANT = "您好，这里是10086，很高兴为您服务，今天想咨询还是办理呢？"


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, agent="agent", editor="knowledge_editor", lead="team_lead")
    yield from serving(db_url)


def _wrap(agent, cid):
    r = agent.post(
        f"/api/contacts/{cid}/wrapup",
        json={"reason": "data_overage", "result": "resolved", "notes": "", "follow_up": False},
    )
    assert r.status_code == 200, r.text


def test_an_experiment_runs_on_the_live_workbench(app, db):
    with TestClient(app):
        agent, editor, lead = login(app, "agent"), login(app, "editor"), login(app, "lead")
        first = agent.post("/api/contacts", json={"customer": "C1001"}).json()
        line = next(s for s in first["scripts"] if s["kind"] == "greeting")
        _wrap(agent, first["contact_id"])

        bad = {"name": "问候", "script_id": "S9999", "variant": VARIANT}
        assert editor.post("/api/knowledge/experiments", json=bad).status_code == 404
        bad = {"name": "问候", "script_id": line["id"], "variant": "{工号}您好"}
        assert editor.post("/api/knowledge/experiments", json=bad).status_code == 422
        assert count(db, ExperimentRow) == 0
        body = {"name": "问候语 A/B", "script_id": line["id"], "variant": VARIANT}
        assert agent.post("/api/knowledge/experiments", json=body).status_code == 403
        assert lead.post("/api/knowledge/experiments", json=body).status_code == 403
        made = editor.post("/api/knowledge/experiments", json=body)
        assert made.status_code == 201, made.text
        eid = made.json()["id"]
        assert made.json()["status"] == "draft" and made.json()["per_arm"] == 99
        assert agent.post(f"/api/knowledge/experiments/{eid}/start").status_code == 403
        assert editor.post(f"/api/knowledge/experiments/{eid}/start").status_code == 200
        assert editor.post(f"/api/knowledge/experiments/{eid}/start").status_code == 409

        arms = {}
        for _ in range(10):
            opened = agent.post("/api/contacts", json={"customer": "C1001"}).json()
            cid = opened["contact_id"]
            arm = design.arm(eid, cid)
            texts = [s["text"] for s in opened["scripts"] if s["id"] == line["id"]]
            assert texts == ([VARIANT] if arm == "variant" else [line["text"]])
            said = VARIANT if arm == "variant" else line["text"]
            for speaker, text in (("agent", said), ("customer", "我想问一下这个月流量怎么超了")):
                r = agent.post(
                    f"/api/contacts/{cid}/utterances", json={"speaker": speaker, "text": text}
                )
                assert r.status_code == 200, r.text
            _wrap(agent, cid)
            arms[arm] = cid
            if len(arms) == 2:
                break
        assert set(arms) == {"control", "variant"}
        with session_scope(db) as s:
            rows = s.scalars(select(ExposureRow).where(ExposureRow.experiment_id == eid)).all()
            by_contact = {x.contact_id: x for x in rows}
            for arm, cid in arms.items():
                assert by_contact[cid].arm == arm and by_contact[cid].read_out
                assert by_contact[cid].emotion_change is not None
            assert first["contact_id"] not in by_contact  # closed before the start

        report = editor.get(f"/api/knowledge/experiments/{eid}")
        assert report.status_code == 200 and report.json()["decision"] == "pending"
        assert agent.get(f"/api/knowledge/experiments/{eid}").status_code == 403
        assert editor.get("/api/knowledge/experiments/999").status_code == 404
        assert editor.post(f"/api/knowledge/experiments/{eid}/propose").status_code == 409
        page = editor.get("/knowledge/experiments")
        assert page.status_code == 200 and "问候语 A/B" in page.text and "尚需样本" in page.text
        assert agent.get("/knowledge/experiments").status_code == 403
        assert editor.post(f"/api/knowledge/experiments/{eid}/stop").status_code == 200
        assert [e["status"] for e in editor.get("/api/knowledge/experiments").json()] == [
            "finished"
        ]


def test_markup_in_a_variant_is_shown_as_text(app, db):
    with TestClient(app):
        editor = login(app, "editor")
        body = {
            "name": "<b>x</b>",
            "script_id": "S0001",
            "variant": "<script>alert(1)</script>您好",
        }
        assert editor.post("/api/knowledge/experiments", json=body).status_code == 201
        page = editor.get("/knowledge/experiments").text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        assert editor.post("/api/knowledge/experiments", json={"name": "x"}).status_code == 422
        assert count(db, ExperimentRow) == 1
