"""Tickets: a follow-up promised at wrap-up is owned by the agent (首问负责), carries an SLA clock,
shows on the customer's card at the next contact, and is resolved only by its owner or a lead."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.app import create_app
from moqi.db import session_scope
from moqi.service.models import Ticket
from moqi.service.sla import load_sla
from tests.conftest import add_users, login


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, agent="agent", agent2="agent", lead="team_lead", editor="knowledge_editor")
    return create_app(db_url)


def _call(agent, customer, text, wrap):
    cid = agent.post("/api/contacts", json={"customer": customer}).json()["contact_id"]
    agent.post(f"/api/contacts/{cid}/utterances", json={"speaker": "customer", "text": text})
    r = agent.post(f"/api/contacts/{cid}/wrapup", json=wrap)
    assert r.status_code == 200, r.text
    return cid


def test_follow_up_becomes_a_ticket_on_the_next_contact(app, db):
    with TestClient(app):
        agent, other, lead = login(app, "agent"), login(app, "agent2"), login(app, "lead")
        wrap = {
            "reason": "broadband_fault",
            "result": "callback",
            "notes": "光猫LOS红灯，已派单，客户电话13812345678",
            "follow_up": True,
        }
        cid = _call(agent, "C1002", "宽带又断网了，LOS灯一直红", wrap)
        # No follow-up, no ticket.
        _call(
            agent,
            "C1002",
            "谢谢，没事了",
            {"reason": "broadband_inquiry", "result": "resolved", "notes": "", "follow_up": False},
        )

        opened = agent.post("/api/contacts", json={"customer": "C1002"}).json()
        [ticket] = opened["tickets"]
        assert (
            ticket["kind"] == "complaint"
            and ticket["owner"] == "agent"
            and ticket["contact_id"] == cid
        )
        assert "13812345678" not in ticket["title"] and "光猫" in ticket["title"]
        assert 23.5 < ticket["hours_left"] <= 24 and not ticket["overdue"]
        assert agent.get(f"/api/contacts/{opened['contact_id']}").json()["tickets"] == [ticket]

        assert [t["id"] for t in agent.get("/api/tickets").json()] == [ticket["id"]]
        assert other.get("/api/tickets").json() == []
        assert [t["id"] for t in lead.get("/api/tickets").json()] == [ticket["id"]]
        assert (
            other.post(
                f"/api/tickets/{ticket['id']}/resolve", json={"resolution": "修好了"}
            ).status_code
            == 403
        )
        assert (
            agent.post(
                f"/api/tickets/{ticket['id']}/resolve", json={"resolution": "   "}
            ).status_code
            == 422
        )
        done = agent.post(
            f"/api/tickets/{ticket['id']}/resolve",
            json={"resolution": "师傅已更换尾纤，回访客户确认可上网"},
        )
        assert done.status_code == 200 and done.json()["status"] == "resolved"
        assert (
            agent.post(
                f"/api/tickets/{ticket['id']}/resolve", json={"resolution": "again"}
            ).status_code
            == 409
        )
        assert agent.post("/api/tickets/9999/resolve", json={"resolution": "x"}).status_code == 404
        assert login(app, "editor").get("/api/tickets").status_code == 403
        assert agent.post("/api/contacts", json={"customer": "C1002"}).json()["tickets"] == []


def test_failed_wrap_up_opens_no_ticket(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        r = agent.post(
            f"/api/contacts/{cid}/wrapup",
            json={"reason": "no_such", "result": "resolved", "follow_up": True},
        )
        assert r.status_code == 422
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0


def test_sla_hours_by_reason_then_moment():
    sla = load_sla()
    opened = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert sla.due("refund_delay", "complaint", opened) == opened + timedelta(hours=72)
    assert sla.due("plan_info", "inquiry", opened) == opened + timedelta(hours=48)
    assert sla.hours("unknown", "unknown") == 48.0


def test_malformed_sla_file_is_named(tmp_path):
    bad = tmp_path / "sla.yaml"
    bad.write_text("moments: [1, 2", encoding="utf-8")
    with pytest.raises(ValueError, match="sla.yaml"):
        load_sla(bad)
    bad.write_text("moments: {inquiry: -1}", encoding="utf-8")
    with pytest.raises(ValueError, match="positive"):
        load_sla(bad)
