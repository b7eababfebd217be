"""Nothing acknowledged is lost: what no column can hold is refused at the door, a read-back's
answer is stored when it is given, and a restarted server takes up the calls it had."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from moqi.app import create_app
from moqi.assist.models import AssistEventRow, ConfirmationRow
from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from moqi.web.clock import now
from tests.conftest import add_users, count, login, serving


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, agent="agent", lead="team_lead", agent2="agent")
    yield from serving(db_url)


BAD_BODIES = {
    "NUL in the text": '{"speaker": "customer", "text": "喂\\u0000喂"}',
    "NUL in the speaker": '{"speaker": "cust\\u0000omer", "text": "喂"}',
    "ts NaN": '{"speaker": "customer", "text": "喂", "ts": NaN}',
    "ts Infinity": '{"speaker": "customer", "text": "喂", "ts": Infinity}',
    "ts -Infinity": '{"speaker": "customer", "text": "喂", "ts": -Infinity}',
    "ts 1e400": '{"speaker": "customer", "text": "喂", "ts": 1e400}',
}


def test_text_and_numbers_no_column_can_hold_are_refused_with_a_clear_422(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        for name, body in BAD_BODIES.items():
            r = agent.post(
                f"/api/contacts/{cid}/utterances",
                content=body,
                headers={"content-type": "application/json"},
            )
            assert r.status_code == 422, name
            assert r.headers["content-type"] == "application/problem+json"
            assert any(
                word in r.json()["detail"] for word in ("NUL", "not a number", "too large")
            ), (name, r.json())
        # An escaped backslash before u0000 is text, not NUL: it is stored as said.
        ok = agent.post(
            f"/api/contacts/{cid}/utterances",
            content='{"speaker": "customer", "text": "路径C:\\\\u0000"}',
            headers={"content-type": "application/json"},
        )
        assert ok.status_code == 200 and ok.json()["event"]["text"].endswith("\\u0000")
        # NUL in a query string or form body is refused too (search, login).
        assert agent.get("/api/knowledge/search", params={"q": "漫游\x00"}).status_code == 422
        assert (
            TestClient(app)
            .post("/login", data={"username": "agent\x00", "password": "x"})
            .status_code
            == 422
        )
    assert count(db, Utterance) == 1


def test_over_a_websocket_a_bad_message_gets_an_error_and_the_socket_stays_open(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        with agent.websocket_connect(f"/ws/contacts/{cid}") as ws:
            for body in [
                *BAD_BODIES.values(),
                "{not json",
                "[1, 2]",
                '{"speaker": "customer", "text": "喂", "ts": -1}',
            ]:
                ws.send_text(body)
                reply = ws.receive_json()
                assert reply["type"] == "error" and reply["detail"], body
            ws.send_json({"speaker": "customer", "text": "我的流量怎么又超了", "ts": 1.5})
            assert ws.receive_json()["type"] == "assist"
    assert count(db, Utterance) == 1


def test_the_answer_to_a_read_back_is_stored_when_it_is_given(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        said = agent.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": "agent", "text": "流量包已经为您办理成功了"},
        )
        assert said.json()["event"]["confirmation"]["status"] == "pending"
        # The pending read-back is stored with the utterance that made it.
        with session_scope(db) as s:
            assert [(r.status, r.answered_turn) for r in s.scalars(select(ConfirmationRow))] == [
                ("pending", None)
            ]
        assert (
            agent.post(f"/api/contacts/{cid}/confirmation", json={"agreed": True}).json()["status"]
            == "confirmed"
        )
        with session_scope(db) as s:
            assert [(r.status, r.answered_turn) for r in s.scalars(select(ConfirmationRow))] == [
                ("confirmed", 1)
            ]


def _call(agent, cid: int) -> list[dict]:
    turns = [
        ("customer", "你好，我这个月流量又超了，扣了我好多钱"),
        ("agent", "非常抱歉给您带来不便，我帮您看一下"),
        ("customer", "你们这样乱扣费我要投诉到工信部"),
        ("agent", "流量包已经为您办理成功了，尾号5678"),
    ]
    events = []
    for i, (speaker, text) in enumerate(turns):
        r = agent.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": speaker, "text": text, "ts": float(i)},
        )
        assert r.status_code == 200, r.text
        events.append(r.json()["event"])
    return events


def test_a_restarted_server_takes_up_its_live_calls_where_they_were(loaded_db, db_url, db):
    add_users(loaded_db, agent="agent", lead="team_lead")
    first = create_app(db_url)
    with TestClient(first):
        agent = login(first, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        events = _call(agent, cid)
        assert (
            agent.post(f"/api/contacts/{cid}/confirmation", json={"agreed": True}).status_code
            == 200
        )
        before = agent.get(f"/api/contacts/{cid}").json()
        agent.post(
            f"/api/contacts/{cid}/whisper", json={"text": "x"}
        )  # refused (an agent), nothing stored
        lead = login(first, "lead")
        assert lead.post(f"/api/contacts/{cid}/whisper", json={"text": "先致歉"}).status_code == 200
    # A new process on the same database (the old one is gone, as after kill -9 or a deploy).
    second = create_app(db_url)
    with TestClient(second):
        agent = login(second, "agent")
        assert [c["contact_id"] for c in agent.get("/api/contacts").json()] == [cid]
        again = agent.get(f"/api/contacts/{cid}").json()
        assert again["events"] == events == before["events"]
        assert [c["status"] for c in again["confirmations"]] == ["confirmed"]
        assert again["whispers"] == [{"from": "lead", "text": "先致歉"}]
        # The call goes on and closes: no 409, no unconfirmed read-back.
        more = agent.post(
            f"/api/contacts/{cid}/utterances", json={"speaker": "customer", "text": "好的谢谢"}
        )
        assert more.status_code == 200 and more.json()["event"]["turn"] == 5
        done = agent.post(
            f"/api/contacts/{cid}/wrapup", json={"reason": "data_overage", "result": "resolved"}
        )
        assert done.status_code == 200, done.text
    assert count(db, Utterance) == 5 and count(db, AssistEventRow) == 5


def test_a_call_left_open_too_long_is_closed_as_interrupted_with_the_reason(loaded_db, db_url, db):
    add_users(loaded_db, agent="agent")
    first = create_app(db_url)
    with TestClient(first):
        agent = login(first, "agent")
        old = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        fresh = agent.post("/api/contacts", json={"customer": "C1002"}).json()["contact_id"]
    with session_scope(db) as s:
        s.get(Contact, old).started_at = now() - timedelta(hours=13)
    second = create_app(db_url)
    with TestClient(second):
        agent = login(second, "agent")
        assert [c["contact_id"] for c in agent.get("/api/contacts").json()] == [fresh]
        r = agent.post(
            f"/api/contacts/{old}/utterances", json={"speaker": "customer", "text": "喂"}
        )
        assert r.status_code == 409 and "closed" in r.json()["detail"]
    with session_scope(db) as s:
        contact = s.get(Contact, old)
        assert (
            contact.status == "closed"
            and contact.result == "interrupted"
            and "中断" in contact.notes
            and contact.ended_at
        )


def test_a_stored_contacts_events_are_read_by_its_agent_team_lead_or_admin_only(loaded_db, db_url):
    add_users(
        loaded_db,
        agent="agent",
        agent2="agent",
        lead="team_lead",
        otherlead="team_lead/other",
        boss="admin",
        expert="expert",
    )
    app = create_app(db_url)
    with TestClient(app):
        agent = login(app, "agent")
        stored = agent.post(
            "/api/assist/analyze",
            json={
                "customer": "C1001",
                "utterances": [{"speaker": "customer", "text": "我要查话费"}],
            },
        )
        cid = stored.json()["contact_id"]
        answers = {
            u: login(app, u).get(f"/api/assist/contacts/{cid}/events").status_code
            for u in ("agent", "agent2", "lead", "otherlead", "boss", "expert")
        }
        assert answers == {
            "agent": 200,
            "agent2": 403,
            "lead": 200,
            "otherlead": 403,
            "boss": 200,
            "expert": 403,
        }
        assert agent.get("/api/assist/contacts/999999/events").status_code == 404
        # Each read of a customer's contact is in the audit log (the refused ones are not).
        reads = login(app, "boss").get("/api/admin/audit", params={"action": "contact.read"}).json()
        rows = reads["entries"] if isinstance(reads, dict) else reads
        assert sorted((r["actor"], r["target_kind"], r["target_id"]) for r in rows) == [
            ("agent", "customer", "C1001"),
            ("boss", "customer", "C1001"),
            ("lead", "customer", "C1001"),
        ]
