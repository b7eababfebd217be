"""The SMS webhook end to end: signed posts only, a command answered by SMS from content and
never queued, anything else routed to an agent, a retry stored once, a reply back by SMS."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from moqi.app import create_app
from moqi.channels.models import ChannelMessage, Conversation
from moqi.db import session_scope
from moqi.service.outbox.gateway import sign
from moqi.service.outbox.models import OutboxMessage
from moqi.settings import get_settings
from tests.conftest import add_users, count, login, serving

SECRET = "sms-test-secret"
KNOWN = "13800001001"  # demo customer C1001 (王先生)


def body(text: str, msg_id: str, phone: str = KNOWN) -> bytes:
    doc = {"id": msg_id, "from": phone, "text": text, "time": "2026-12-07T09:30:00+08:00"}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def send(client: TestClient, raw: bytes, signature: str | None = None):
    return client.post(
        "/channels/sms",
        content=raw,
        headers={
            "X-Moqi-Signature": sign(SECRET, raw) if signature is None else signature,
            "Content-Type": "application/json",
        },
    )


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_SMS_SECRET", SECRET)
    monkeypatch.setenv("MOQI_ROUTE_SECONDS", "0")
    get_settings.cache_clear()
    add_users(loaded_db, ana="agent/north")
    yield from serving(db_url)


def test_a_command_is_answered_from_content_and_never_queued(app, loaded_db):
    with TestClient(app) as client:
        r = send(client, body("ｃｘｈｆ", "g-1"))
        assert r.status_code == 200 and r.json() == {
            "status": "answered",
            "reason": "balance_query",
        }
        assert send(client, body("ｃｘｈｆ", "g-1")).json()["status"] == "duplicate"
    with session_scope(loaded_db) as s:
        [answer] = s.query(OutboxMessage).all()
        assert answer.channel == "sms" and answer.recipient == "138****1001"
        assert answer.body.startswith("【moqi 演示】王先生您好") and "{" not in answer.body
        [kept] = s.query(ChannelMessage).all()
        assert kept.status == "kept" and kept.customer_id == "C1001"
        assert s.query(Conversation).count() == 0
        assert "13800001001" not in kept.sender  # the number is never the sender id


def test_a_question_goes_to_an_agent_and_the_reply_goes_back_by_sms(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        ana.put("/api/channels/presence", json={"status": "available"})
        r = send(client, body("我的宽带怎么又断了 什么时候能修好", "g-2", phone="13912345678"))
        assert r.json()["status"] == "queued"
        # ana has only the general skill; the broadband skill overflows later — she takes it.
        [waiting] = ana.get("/api/channels/inbox").json()
        assert waiting["channel"] == "sms" and waiting["skill"] == "broadband"
        r = ana.post(f"/api/channels/conversations/{waiting['conversation_id']}/take")
        cid = r.json()["contact_id"]
        r = ana.post(f"/api/channels/contacts/{cid}/reply", json={"text": "您好，已为您登记报修"})
        assert r.status_code == 200, r.text
        assert send(client, body("好的 谢谢", "g-3", phone="13912345678")).json()["status"] == "fed"
    with session_scope(loaded_db) as s:
        [reply] = s.query(OutboxMessage).all()
        assert reply.channel == "sms" and reply.recipient == "139****5678"
        conversation = s.query(Conversation).one()
        assert "13912345678" not in conversation.address  # sealed


@pytest.mark.parametrize(
    ("raw", "signature", "status"),
    [
        (body("CXLL", "g-9"), "sha256=" + "0" * 64, 403),
        (body("CXLL", "g-9"), "", 403),
        (b"not json", None, 400),
        (body("CXLL", "g-9", phone="12345"), None, 400),
        (b"{" + b" " * (17 * 1024) + b"}", None, 413),
    ],
)
def test_a_bad_post_is_refused_and_stores_nothing(app, loaded_db, raw, signature, status):
    with TestClient(app) as client:
        assert send(client, raw, signature).status_code == status
    assert count(loaded_db, ChannelMessage) == 0
    assert count(loaded_db, OutboxMessage) == 0


def test_without_a_secret_the_endpoint_is_not_there(loaded_db, db_url, monkeypatch):
    monkeypatch.delenv("MOQI_SMS_SECRET", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app(db_url)) as client:
        assert send(client, body("CXLL", "g-1")).status_code == 404
