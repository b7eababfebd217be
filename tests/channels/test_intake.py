"""WeChat intake end to end: WeChat's signed calls reach /channels/wechat, each message is stored
once however often WeChat retries it, waits in the inbox masked, and an agent who takes the
conversation gets a live contact with the messages assisted; later messages follow into it."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from moqi.channels import services as intake
from moqi.channels.models import ChannelMessage
from moqi.channels.wechat import MAX_BODY_BYTES, Crypto, inbound, msg_signature, url_signature
from moqi.db import session_scope
from moqi.settings import get_settings
from moqi.web.clock import now
from tests.conftest import add_users, count, login, serving

TOKEN = "test"
TIMESTAMP = "1410685589"
NONCE = "test"
SIGNATURE = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"  # the vector
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
SIGNED = {"signature": SIGNATURE, "timestamp": TIMESTAMP, "nonce": NONCE}


def text_xml(content: str, msg_id: str, openid: str = OPENID, create_time: int = 1409735668) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def post(client: TestClient, xml: str, params: dict | None = None):
    return client.post(
        "/channels/wechat",
        params=SIGNED if params is None else params,
        content=xml.encode("utf-8"),
        headers={"Content-Type": "text/xml"},
    )


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_WECHAT_TOKEN", TOKEN)
    get_settings.cache_clear()
    add_users(loaded_db, agent="agent/north", agent2="agent/north", editor="knowledge_editor")
    yield from serving(db_url)


def test_url_verification_answers_echostr_and_refuses_a_wrong_signature(app):
    assert url_signature(TOKEN, TIMESTAMP, NONCE) == SIGNATURE
    with TestClient(app) as client:
        r = client.get("/channels/wechat", params={**SIGNED, "echostr": "5837397520934366"})
        assert r.status_code == 200
        assert r.text == "5837397520934366"
        assert r.headers["content-type"].startswith("text/plain")
        bad = {**SIGNED, "signature": "0" * 40, "echostr": "5837397520934366"}
        r = client.get("/channels/wechat", params=bad)
        assert r.status_code == 403
        assert "signature" in r.json()["detail"]


def test_a_message_retried_three_times_is_stored_once(app, loaded_db):
    with TestClient(app) as client:
        for _ in range(3):
            r = post(client, text_xml("查一下我的流量还剩多少", "6054768590064713728"))
            assert r.status_code == 200
            assert r.text == "success"
    assert count(loaded_db, ChannelMessage) == 1


def test_a_wrong_signature_or_a_bad_body_stores_nothing(app, loaded_db):
    with TestClient(app) as client:
        r = post(client, text_xml("你好", "1"), {**SIGNED, "signature": "f" * 40})
        assert r.status_code == 403
        r = post(client, "<xml><MsgType>text</MsgType>")
        assert r.status_code == 400
        assert "malformed XML" in r.json()["detail"]
        r = post(client, "<xml><MsgType>text</MsgType></xml>")
        assert r.status_code == 400
        assert "no <CreateTime>" in r.json()["detail"]
        doctype = '<!DOCTYPE xml [<!ENTITY x "y">]>' + text_xml("&x;", "2")
        r = post(client, doctype)
        assert r.status_code == 400
        assert "DOCTYPE" in r.json()["detail"]
        r = post(client, text_xml("长" * MAX_BODY_BYTES, "3"))
        assert r.status_code == 400
        assert "KiB" in r.json()["detail"]
    assert count(loaded_db, ChannelMessage) == 0


def test_safe_mode_decrypts_a_signed_message_and_refuses_an_unsigned_one(
    app, loaded_db, monkeypatch
):
    monkeypatch.setenv("MOQI_WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("MOQI_WECHAT_APPID", APPID)
    get_settings.cache_clear()
    crypto = Crypto(AES_KEY, APPID)
    encrypted = crypto.encrypt(text_xml("我的宽带断了", "7001"), random16=b"0123456789abcdef")
    envelope = (
        f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    )
    signed = {**SIGNED, "msg_signature": msg_signature(TOKEN, TIMESTAMP, NONCE, encrypted)}
    with TestClient(app) as client:
        assert post(client, envelope, {**signed, "msg_signature": "0" * 40}).status_code == 403
        assert post(client, envelope, SIGNED).status_code == 403  # plain signature only
        assert post(client, text_xml("明文", "7002")).status_code == 403
        r = post(client, envelope, signed)
        assert r.status_code == 200 and r.text == "success"
    with session_scope(loaded_db) as s:
        rows = s.query(ChannelMessage).all()
        assert [(m.sender, m.text, m.dedupe_key) for m in rows] == [
            (OPENID, "我的宽带断了", "wechat:msg:7001")
        ]


def test_inbox_take_and_a_later_message_reach_the_agents_live_contact(app, loaded_db):
    with TestClient(app):
        agent, editor = login(app, "agent"), login(app, "editor")
        post(agent, text_xml("查一下我的流量还剩多少", "8001"))
        post(agent, text_xml("我的号码是13800001234", "8002", create_time=1409735670))
        image = (
            text_xml("", "8003")
            .replace("text", "image")
            .replace("<Content><![CDATA[]]></Content>", "<PicUrl>http://x/1.jpg</PicUrl>")
        )
        post(agent, image)
        # A subscribe event is stored but never waits in the inbox.
        post(
            agent,
            f"<xml><ToUserName>gh_1</ToUserName><FromUserName>{OPENID}</FromUserName>"
            "<CreateTime>1409735600</CreateTime><MsgType>event</MsgType>"
            "<Event>subscribe</Event></xml>",
        )

        assert editor.get("/api/channels/inbox").status_code == 403
        inbox = agent.get("/api/channels/inbox").json()
        assert len(inbox) == 1
        conv = inbox[0]
        assert conv["sender"] == OPENID and conv["sender_masked"] == "oyOR…f0rs"
        assert conv["customer"] is None
        texts = [m["text"] for m in conv["messages"]]
        assert texts[0] == "查一下我的流量还剩多少"
        assert "13800001234" not in texts[1] and "1234" in texts[1]  # masked before stored
        assert texts[2] == "[图片]"

        r = agent.post(f"/api/channels/inbox/{OPENID}/take")
        assert r.status_code == 200, r.text
        cid = r.json()["contact_id"]
        assert r.json()["messages"] == 3
        again = login(app, "agent2").post(f"/api/channels/inbox/{OPENID}/take")
        assert again.status_code == 409
        assert agent.post("/api/channels/inbox/nobody/take").status_code == 404
        assert agent.get("/api/channels/inbox").json() == []

        contact = agent.get(f"/api/contacts/{cid}").json()
        assert contact["channel"] == "wechat"
        first = contact["events"][0]
        assert first["speaker"] == "customer" and first["text"] == "查一下我的流量还剩多少"
        assert first["businesses"]["mentioned"], first["businesses"]
        assert len(contact["events"]) == 3

        r = post(agent, text_xml("流量包怎么办理", "8004", create_time=1409735700))
        assert r.text == "success"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            events = agent.get(f"/api/contacts/{cid}").json()["events"]
            if len(events) == 4:
                break
            time.sleep(0.05)
        assert [e["text"] for e in events][-1] == "流量包怎么办理"
        assert agent.get("/api/channels/inbox").json() == []


def test_a_known_openid_is_its_customer(app, loaded_db):
    other = "oABCDEFGHIJKLmnopqrstuvwxyz1"
    with session_scope(loaded_db) as s:
        linked = intake.link_identity(s, "wechat", other, "C1001", now=now())
        assert linked["customer_id"] == "C1001"
    with TestClient(app):
        agent = login(app, "agent")
        post(agent, text_xml("我要投诉乱扣费", "9001", openid=other))
        conv = agent.get("/api/channels/inbox").json()[0]
        assert conv["customer"]["id"] == "C1001"
        assert "name_masked" in conv["customer"]
        cid = agent.post(f"/api/channels/inbox/{other}/take").json()["contact_id"]
        assert agent.get(f"/api/contacts/{cid}").json()["customer"]["id"] == "C1001"


def test_receive_is_idempotent_in_the_service(loaded_db):
    from moqi.channels.wechat import parse_message

    message = inbound(parse_message(text_xml("你好", "5555")))
    with session_scope(loaded_db) as s:
        assert intake.receive(s, message, now()) is not None
    with session_scope(loaded_db) as s:
        assert intake.receive(s, message, now()) is None
    assert count(loaded_db, ChannelMessage) == 1


def test_a_retry_that_wins_the_race_leaves_the_other_storing_nothing(loaded_db, monkeypatch):
    """Two retries at once: both find no row, the second to insert loses on the unique key
    inside its SAVEPOINT and stores nothing, and its transaction goes on."""
    from moqi.channels.wechat import parse_message

    message = inbound(parse_message(text_xml("你好", "6666")))
    looked = intake.display_text
    raced: list[bool] = []

    def meanwhile(m):
        if not raced:
            raced.append(True)
            with session_scope(loaded_db) as other:  # the concurrent retry commits first
                assert intake.receive(other, message, now()) is not None
        return looked(m)

    with session_scope(loaded_db) as s:
        monkeypatch.setattr(intake, "display_text", meanwhile)
        assert intake.receive(s, message, now()) is None
        monkeypatch.setattr(intake, "display_text", looked)
        assert intake.receive(s, inbound(parse_message(text_xml("再见", "6667"))), now())
    assert count(loaded_db, ChannelMessage) == 2
