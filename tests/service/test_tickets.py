"""Tickets: a follow-up promised at wrap-up becomes a ticket owned by the agent (首问负责) with
its kind, priority, businesses and escalation flag; every change is history; ownership holds
through transfers and only a lead reassigns it, with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.db import session_scope
from moqi.errors import Forbidden, Invalid
from moqi.service import queues, ticket_work, tickets
from moqi.service.models import Ticket
from tests.conftest import add_users, login, serving


@pytest.fixture
def app(loaded_db, db_url):
    add_users(
        loaded_db,
        agent="agent/north",
        agent2="agent/north",
        lead="team_lead/north",
        editor="knowledge_editor",
    )
    yield from serving(db_url)


def _call(agent, customer, texts, wrap):
    cid = agent.post("/api/contacts", json={"customer": customer}).json()["contact_id"]
    for text in texts:
        agent.post(f"/api/contacts/{cid}/utterances", json={"speaker": "customer", "text": text})
    r = agent.post(f"/api/contacts/{cid}/wrapup", json=wrap)
    assert r.status_code == 200, r.text
    return cid, r.json()["ticket_id"]


def test_a_follow_up_becomes_a_ticket_with_kind_priority_and_escalation(app):
    with TestClient(app):
        agent, other, lead = login(app, "agent"), login(app, "agent2"), login(app, "lead")
        wrap = {
            "reason": "broadband_fault",
            "result": "callback",
            "notes": "光猫LOS红灯，已派单，客户电话13812345678",
            "follow_up": True,
        }
        cid, tid = _call(
            agent, "C1002", ["宽带又断网了，LOS灯一直红", "再修不好我就打12300投诉你们"], wrap
        )
        _, none = _call(
            agent,
            "C1002",
            ["谢谢，没事了"],
            {"reason": "broadband_inquiry", "result": "resolved", "notes": "", "follow_up": False},
        )
        assert none is None
        ticket = agent.get(f"/api/tickets/{tid}").json()
        assert ticket["kind"] == "complaint" and ticket["priority"] == "urgent"
        assert ticket["escalated"] and "12300" in ticket["escalation"]
        assert "bb_repair" in ticket["businesses"]
        assert ticket["owner"] == "agent" and ticket["team"] == "north"
        assert "13812345678" not in ticket["title"] and "光猫" in ticket["title"]
        assert {c["clock"] for c in ticket["clocks"]} == {"first_response", "resolution"}
        assert ticket["history"][0]["kind"] == "created"
        assert ticket["tracking_url"].startswith("http://127.0.0.1:8000/t/")

        # The card of the next call shows it; queues: mine, my team's, all.
        opened = agent.post("/api/contacts", json={"customer": "C1002"}).json()
        assert [t["id"] for t in opened["tickets"]] == [tid]
        assert [t["id"] for t in agent.get("/api/tickets").json()] == [tid]
        assert other.get("/api/tickets").json() == []
        assert [t["id"] for t in other.get("/api/tickets?queue=team").json()] == [tid]
        assert [t["id"] for t in lead.get("/api/tickets?queue=all").json()] == [tid]
        assert [t["id"] for t in lead.get("/api/tickets?queue=breaching&within=600").json()] == [
            tid
        ]
        assert login(app, "editor").get("/api/tickets").status_code == 403


def test_ownership_holds_through_transfer_and_only_a_lead_reassigns_with_a_reason(app):
    with TestClient(app):
        agent, other, lead = login(app, "agent"), login(app, "agent2"), login(app, "lead")
        t = agent.post(
            "/api/tickets",
            json={"kind": "complaint", "title": "话费多扣 30 元", "customer": "C1001"},
        ).json()
        tid = t["id"]
        assert t["owner"] == "agent" and t["priority"] == "normal"
        # Someone else may not touch it until the work is handed to them.
        assert other.post(f"/api/tickets/{tid}/notes", json={"body": "看看"}).status_code == 403
        r = agent.post(f"/api/tickets/{tid}/transfer", json={"to": "agent2", "note": "计费组核查"})
        assert r.json()["assignee"] == "agent2" and r.json()["owner"] == "agent"
        assert other.post(f"/api/tickets/{tid}/notes", json={"body": "已核实"}).status_code == 200
        assert [x["id"] for x in other.get("/api/tickets").json()] == [tid]
        # The owner keeps it on "mine" too.
        assert [x["id"] for x in agent.get("/api/tickets").json()] == [tid]

        assert (
            agent.post(
                f"/api/tickets/{tid}/reassign", json={"to": "agent2", "reason": "休假"}
            ).status_code
            == 403
        )
        assert (
            lead.post(
                f"/api/tickets/{tid}/reassign", json={"to": "agent2", "reason": " "}
            ).status_code
            == 422
        )
        r = lead.post(
            f"/api/tickets/{tid}/reassign", json={"to": "agent2", "reason": "原责任人休假"}
        )
        assert r.status_code == 200 and r.json()["owner"] == "agent2"
        change = [e for e in r.json()["history"] if e["field"] == "owner"][0]
        assert (change["actor"], change["old"], change["new"], change["body"]) == (
            "lead",
            "agent",
            "agent2",
            "原责任人休假",
        )


def test_every_change_is_history_and_a_new_priority_restarts_the_clocks(app):
    with TestClient(app):
        agent = login(app, "agent")
        t = agent.post(
            "/api/tickets", json={"kind": "handling", "priority": "low", "title": "套餐变更未生效"}
        ).json()
        r = agent.patch(
            f"/api/tickets/{t['id']}", json={"priority": "urgent", "businesses": ["5g_plan"]}
        )
        after = r.json()
        assert after["due_at"] < t["due_at"] and after["calendar"] == "hotline_24h"
        changes = [
            (e["field"], e["old"], e["new"]) for e in after["history"] if e["kind"] == "change"
        ]
        assert ("priority", "low", "urgent") in changes and ("businesses", "", "5g_plan") in changes
        assert agent.patch(f"/api/tickets/{t['id']}", json={"priority": "asap"}).status_code == 422
        assert agent.get("/api/tickets/999999").status_code == 404
        assert (
            agent.post("/api/tickets", json={"kind": "complaint", "title": ""}).status_code == 422
        )
        assert (
            agent.post(
                "/api/tickets", json={"kind": "complaint", "title": "x", "customer": "NOPE"}
            ).status_code
            == 404
        )


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_waiting_on_the_customer_pauses_the_clocks(loaded_db):
    # Thursday 2026-10-15 10:00 Shanghai (02:00Z), a normal complaint on the back-office calendar.
    start = _at(2026, 10, 15, 2, 0)
    with session_scope(loaded_db) as s:
        t = tickets.create(
            s, kind="complaint", priority="normal", title="退费未到账", owner="a", now=start
        )
        due_before, first_before = t.due_at, t.first_response_due
        assert t.calendar == "back_office"
        # Waits on the customer from 11:00 to Friday 11:00 (Shanghai): 7.5 working hours.
        ticket_work.wait_on_customer(
            s,
            t.id,
            username="a",
            role="agent",
            note="请提供转账截图",
            now=start + timedelta(hours=1),
        )
        assert t.alert_at is None and queues.as_dict(t, start)["clocks"] == []
        ticket_work.resume(s, t.id, actor="customer", now=start + timedelta(hours=25))
        # Resolution was 1440 working minutes from Thu 10:00; the pause adds the working time
        # between Thu 11:00 and Fri 11:00: 7.5 h (Thu 11-12, 13:30-18; Fri 9-11).
        from moqi.service import clocks

        cal = clocks.calendar(s, "back_office")
        pause = (start + timedelta(hours=1), start + timedelta(hours=25))
        assert t.due_at == cal.due(start, 1440, [pause])
        assert t.due_at > due_before and t.first_response_due > first_before


def test_rules_hold_outside_the_api(loaded_db):
    now = _at(2026, 10, 15, 2, 0)
    with session_scope(loaded_db) as s:
        t = tickets.create(s, kind="fault", priority="high", title="无信号", owner="a", now=now)
        with pytest.raises(Forbidden):
            ticket_work.note(s, t.id, username="b", role="agent", body="x", now=now)
        with pytest.raises(Invalid):
            ticket_work.commit_to(
                s,
                t.id,
                username="a",
                role="agent",
                text="回电",
                due_at=now - timedelta(hours=1),
                now=now,
            )
        with pytest.raises(Invalid):
            tickets.create(s, kind="follow_up", priority="normal", title="x", owner="a", now=now)
        assert s.scalar(select(func.count()).select_from(Ticket)) == 1


def test_calling_again_about_the_same_matter_joins_its_ticket_and_raises_it(app):
    with TestClient(app):
        agent, other = login(app, "agent"), login(app, "agent2")
        wrap = {
            "reason": "broadband_fault",
            "result": "callback",
            "notes": "已派单",
            "follow_up": True,
        }
        _, first = _call(agent, "C1001", ["宽带断了，麻烦尽快派人来修"], wrap)
        before = agent.get(f"/api/tickets/{first}").json()
        assert before["kind"] == "fault" and not before["escalated"]
        # The next day the customer calls again, another agent takes it, and threatens 12300.
        cid, again = _call(
            other,
            "C1001",
            ["昨天报的宽带到现在还没人来修", "再不修我就打12300投诉"],
            {**wrap, "notes": "客户催修，情绪激动"},
        )
        assert again == first
        after = agent.get(f"/api/tickets/{first}").json()
        assert after["owner"] == "agent"  # 首问负责: the first agent keeps it
        assert after["escalated"] and after["priority"] == "urgent"
        assert after["due_at"] < before["due_at"]
        joined = [e for e in after["history"] if e["field"] == "contact"]
        assert joined and joined[0]["new"] == str(cid) and "催修" in joined[0]["body"]
