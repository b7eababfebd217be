"""The web chat's customer side over its WebSocket: a visitor's message is routed to an agent,
the agent's reply and typing reach the visitor (and nothing else of the contact stream does),
the close asks for a rating that is stored; nobody on duty means a left message with a number,
answered by SMS; bad messages are refused on the socket, not stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moqi.channels.models import ChannelMessage, Conversation
from moqi.db import session_scope
from moqi.insight import services as insight
from moqi.service.outbox.models import OutboxMessage
from moqi.settings import get_settings
from tests.conftest import add_users, count, login, serving

VISITOR = "v0123456789abcdef0123"


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_ROUTE_SECONDS", "0")
    get_settings.cache_clear()
    add_users(loaded_db, ana="agent/north", lead="team_lead/north")
    yield from serving(db_url)


def _until(ws, kind: str, **fields) -> dict:
    for _ in range(20):
        message = ws.receive_json()
        if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
            return message
    raise AssertionError(f"no {kind} message")


def test_a_visitor_chats_with_an_agent_and_rates_the_chat(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        skills = {"skills": {"general": 3, "billing": 3}}
        assert login(app, "lead").put("/api/channels/agents/ana", json=skills).status_code == 200
        ana.put("/api/channels/presence", json={"status": "available"})
        with client.websocket_connect(f"/channels/web/ws?visitor={VISITOR}") as visitor:
            hello = visitor.receive_json()
            assert hello == {"type": "hello", "state": "idle", "on_duty": True, "history": []}
            visitor.send_json({"type": "message", "id": "m1", "text": "你好 我想问下话费套餐"})
            _until(visitor, "joined")
            [mine] = ana.get("/api/contacts").json()
            cid = mine["contact_id"]
            with ana.websocket_connect(f"/ws/contacts/{cid}") as screen:
                screen.send_text('{"typing": true}')
                assert _until(visitor, "typing") == {"type": "typing"}
                visitor.send_json({"type": "typing"})
                assert _until(screen, "typing", who="customer")
                lead = login(app, "lead")
                lead.post(f"/api/contacts/{cid}/whisper", json={"text": "先安抚客户"})
                r = ana.post(
                    f"/api/channels/contacts/{cid}/reply", json={"text": "您好，请问是哪个套餐？"}
                )
                assert r.status_code == 200, r.text
                said = _until(visitor, "message")
                assert said == {
                    "type": "message",
                    "from": "agent",
                    "text": "您好，请问是哪个套餐？",
                }
                r = ana.post(
                    f"/api/contacts/{cid}/wrapup",
                    json={"reason": "plan_info", "result": "resolved"},
                )
                assert r.status_code == 200, r.text
                assert _until(visitor, "ended") == {"type": "ended"}
            visitor.send_json({"type": "rate", "score": 5, "note": "很耐心，谢谢"})
            assert _until(visitor, "rated") == {"type": "rated"}
    with session_scope(loaded_db) as s:
        conversation = s.query(Conversation).one()
        assert (
            conversation.rating == 5 and conversation.rating_note == "很耐心,谢谢"
        )  # normalised like every stored text
        assert s.query(OutboxMessage).count() == 0  # a live web chat needs no gateway
        # ... and the rating counts in the satisfaction reports, under the chat's agent
        everyone, [group] = insight.satisfaction(s, by="agent")
        assert group.key == "ana" and group.mean.value == 5 and everyone.n == 1


def test_the_visitor_never_hears_the_agents_side_of_the_stream(app):
    from moqi.channels.webchat.routes import _Chat

    chat = _Chat.__new__(_Chat)
    assert chat._for_customer({"type": "whisper", "from": "lead", "text": "x"}) is None
    assert chat._for_customer({"type": "alert", "risk": 0.9}) is None
    for speaker in ("customer", "agent"):  # the analysis of either side
        event = {"speaker": speaker, "text": "x"}
        assert chat._for_customer({"type": "assist", "event": event}) is None
    assert chat._for_customer({"type": "typing", "who": "customer"}) is None


def test_nobody_on_duty_a_message_is_left_with_a_number_and_answered_by_sms(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        with client.websocket_connect(f"/channels/web/ws?visitor={VISITOR}") as visitor:
            assert visitor.receive_json()["on_duty"] is False
            visitor.send_json(
                {
                    "type": "leave_message",
                    "id": "m1",
                    "text": "宽带办理咨询",
                    "phone": "139 1234 5678",
                }
            )
            assert _until(visitor, "left") == {"type": "left"}
        [waiting] = ana.get("/api/channels/inbox").json()
        r = ana.post(f"/api/channels/conversations/{waiting['conversation_id']}/take")
        cid = r.json()["contact_id"]
        r = ana.post(f"/api/channels/contacts/{cid}/reply", json={"text": "您好，宽带可以办理"})
        assert r.status_code == 200, r.text
    with session_scope(loaded_db) as s:
        [sms] = s.query(OutboxMessage).all()
        assert sms.channel == "sms" and sms.recipient == "139****5678"


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        {"type": "shout"},
        {"type": "message", "id": "m1", "text": ""},
        {"type": "message", "id": "m1", "text": "长" * 1001},
        {"type": "message", "id": "<script>", "text": "hi"},
        {"type": "leave_message", "id": "m1", "text": "hi", "phone": "12345"},
        {"type": "rate", "score": 9},
    ],
)
def test_a_bad_message_is_answered_with_an_error_and_stores_nothing(app, loaded_db, message):
    import json

    with (
        TestClient(app) as client,
        client.websocket_connect(f"/channels/web/ws?visitor={VISITOR}") as visitor,
    ):
        visitor.receive_json()
        visitor.send_text(message if isinstance(message, str) else json.dumps(message))
        error = _until(visitor, "error")
        assert error["detail"]
    assert count(loaded_db, ChannelMessage) == 0


def test_a_bad_visitor_id_is_refused(app):
    from starlette.websockets import WebSocketDisconnect

    with TestClient(app) as client:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect("/channels/web/ws?visitor=short") as ws,
        ):
            ws.receive_json()
        assert refused.value.code == 4422
        assert client.get("/chat").status_code == 200
        assert "chat-widget.js" in client.get("/chat").text
