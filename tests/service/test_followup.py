"""Follow-up until solved: resolving sends a survey through the outbox; the customer answers on
the tracking page; "not solved" sends the ticket back to its owner with a callback; the ticket
closes only on "solved" or when the callbacks run out. The tracking page shows no internal
note, answers 404 for unknown tokens and limits its callers."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from moqi.db import session_scope
from moqi.service import clocks, followup, queues, sweep, tickets
from moqi.service.outbox.models import OutboxMessage
from tests.conftest import add_users, login, serving

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, agent="agent", agent2="agent", lead="team_lead")
    yield from serving(db_url)


def _ticket(agent, **extra):
    body = {"kind": "complaint", "title": "宽带月租多扣 30 元", "customer": "C1001", **extra}
    r = agent.post("/api/tickets", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _token(url: str) -> str:
    return url.rsplit("/t/", 1)[1]


def test_not_solved_goes_back_to_the_owner_as_a_callback_and_solved_closes(app, db):
    with TestClient(app):
        agent, lead = login(app, "agent"), login(app, "lead")
        t = _ticket(agent)
        tid, token = t["id"], _token(t["tracking_url"])
        agent.post(f"/api/tickets/{tid}/notes", json={"body": "内部：计费系统 bug 已报障"})
        agent.post(f"/api/tickets/{tid}/replies", json={"body": "已为您核实，正在退费"})
        lead.post(f"/api/tickets/{tid}/reassign", json={"to": "agent2", "reason": "换班"})
        lead.post(f"/api/tickets/{tid}/reassign", json={"to": "agent", "reason": "原责任人回岗"})
        # A resolution needs a code.
        bad = agent.post(f"/api/tickets/{tid}/resolve", json={"code": "magic", "resolution": "x"})
        assert bad.status_code == 422
        r = agent.post(
            f"/api/tickets/{tid}/resolve", json={"code": "refunded", "resolution": "已退 30 元"}
        )
        assert r.json()["status"] == "resolved" and r.json()["surveys"][0]["status"] == "sent"

        # The survey is in the outbox, addressed to the customer's masked number, with the link.
        with session_scope(db) as s:
            [msg] = s.query(OutboxMessage).filter_by(ticket_id=tid, kind="survey").all()
            assert msg.customer_id == "C1001" and "****" in msg.recipient
            assert f"/t/{token}" in msg.body

        # The customer opens the link: no login, no internal note, no agent name.
        public = TestClient(app)
        page = public.get(f"/t/{token}")
        assert page.status_code == 200 and "宽带月租多扣" in page.text
        assert "计费系统 bug" not in page.text and "agent" not in page.text
        assert "已为您核实,正在退费" in page.text and "问题解决了吗" in page.text
        r = public.post(
            f"/t/{token}/survey",
            data={"solved": "no", "score": "2", "comment": "钱没到账"},
            headers=ORIGIN,
            follow_redirects=False,
        )
        assert r.status_code == 303

        back = agent.get(f"/api/tickets/{tid}").json()
        assert back["status"] == "open" and back["assignee"] == "agent" and back["reopened"] == 1
        [cb] = back["callbacks"]
        assert cb["owner"] == "agent" and cb["why"] == "not_solved" and cb["attempt"] == 1
        assert [c["id"] for c in agent.get("/api/callbacks").json()] == [cb["id"]]
        assert "工单" in agent.get("/tickets").text

        # The owner calls back: solved on the phone closes it.
        r = agent.post(
            f"/api/callbacks/{cb['id']}/done", json={"outcome": "solved", "notes": "客户确认到账"}
        )
        assert r.json()["status"] == "closed" and r.json()["close_reason"] == "callback"
        assert (
            agent.post(f"/api/callbacks/{cb['id']}/done", json={"outcome": "solved"}).status_code
            == 409
        )
        closed = public.get(f"/t/{token}")
        assert "已办结" in closed.text


def test_solved_with_a_good_score_closes_and_a_low_score_asks_for_a_callback(app):
    with TestClient(app):
        agent, public = login(app, "agent"), TestClient(app)
        for score, status in (("5", "closed"), ("1", "resolved")):
            t = _ticket(agent)
            agent.post(
                f"/api/tickets/{t['id']}/resolve", json={"code": "fixed", "resolution": "已处理"}
            )
            public.post(
                f"/t/{_token(t['tracking_url'])}/survey",
                data={"solved": "yes", "score": score},
                headers=ORIGIN,
            )
            after = agent.get(f"/api/tickets/{t['id']}").json()
            assert after["status"] == status
            assert bool(after["callbacks"]) is (status == "resolved")


def test_no_answer_makes_callbacks_until_the_attempts_run_out(loaded_db):
    start = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)
    desk = clocks.desk_settings()
    with session_scope(loaded_db) as s:
        t = tickets.create(
            s,
            kind="fault",
            priority="normal",
            title="无信号",
            owner="a",
            customer_id="C1001",
            now=start,
        )
        followup.resolve(
            s,
            t.id,
            username="a",
            role="agent",
            code="fixed",
            resolution="基站已恢复",
            now=start,
            link_base="http://x",
        )
        tid = t.id
    later = start + timedelta(hours=desk.survey_wait_hours, minutes=1)
    with session_scope(loaded_db) as s:
        assert sweep.sweep(s, now=later, link_base="http://x")["surveys_expired"] == 1
        [cb] = queues.callbacks(s, ticket_id=tid)
        assert cb["why"] == "no_answer"
    for attempt in range(1, desk.callback_attempts + 1):
        with session_scope(loaded_db) as s:
            [cb] = queues.callbacks(s, ticket_id=tid)
            assert cb["attempt"] == attempt
            followup.finish_callback(
                s,
                cb["id"],
                username="a",
                role="agent",
                outcome="unreachable",
                notes="无人接听",
                now=later,
            )
    with session_scope(loaded_db) as s:
        t = tickets.get(s, tid)
        assert t.status == "closed" and t.close_reason == "attempts_exhausted"
        assert queues.callbacks(s, ticket_id=tid) == []


def test_the_tracking_page_refuses_what_it_should(app, monkeypatch):
    with TestClient(app):
        agent, public = login(app, "agent"), TestClient(app)
        t = _ticket(agent)
        token = _token(t["tracking_url"])
        assert len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert public.get("/t/" + "A" * 32).status_code == 404
        assert public.get("/t/short").status_code == 404
        # Adding information on an open ticket; an empty one is refused with a message.
        ok = public.post(
            f"/t/{token}/info",
            data={"text": "我的号码 13912345678，晚上在家"},
            headers=ORIGIN,
            follow_redirects=False,
        )
        assert ok.status_code == 303
        history = agent.get(f"/api/tickets/{t['id']}").json()["history"]
        assert any("139****5678" in e["body"] for e in history)
        assert not any("13912345678" in e["body"] for e in history)
        empty = public.post(f"/t/{token}/info", data={"text": "   "}, headers=ORIGIN)
        assert empty.status_code == 422 and "请填写" in empty.text
        # Rate limit: past the per-minute budget, 429.
        from moqi.service import pages

        monkeypatch.setattr(pages, "_limiter", pages.SlidingWindow(3, 60))
        codes = [public.get(f"/t/{token}").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
