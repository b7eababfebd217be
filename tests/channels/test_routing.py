"""Routing end to end: a WeChat message opens a conversation classified by skill, lands on the
best available agent's screen once (their socket is told), waits in the queue with its
position when nobody fits, overflows on time, and replies go back inside WeChat's window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from moqi.channels import dispatch
from moqi.channels.models import ChannelMessage, Conversation
from moqi.db import session_scope
from moqi.service.outbox.models import OutboxMessage
from moqi.settings import get_settings
from moqi.web.clock import now
from tests.channels.test_intake import TOKEN, post, text_xml
from tests.conftest import add_users, count, login, serving

ROAMER = "oROAMxxxxxxxxxxxxxxxxxxxxxx1"
FIXER = "oFIXxxxxxxxxxxxxxxxxxxxxxxx2"


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("MOQI_ROUTE_SECONDS", "0")  # the tests route; no loop races them
    get_settings.cache_clear()
    add_users(loaded_db, ana="agent/north", bo="agent/north", lead="team_lead/north")
    yield from serving(db_url)


def _skills(lead: TestClient, username: str, skills: dict, max_chats: int = 3) -> None:
    r = lead.put(
        f"/api/channels/agents/{username}", json={"skills": skills, "max_chats": max_chats}
    )
    assert r.status_code == 200, r.text


def test_a_message_is_routed_once_to_the_agent_with_the_skill(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana, login(app, "bo") as bo:
        lead = login(app, "lead")
        _skills(lead, "ana", {"general": 3})
        _skills(lead, "bo", {"roaming": 4, "general": 2})
        for agent in (ana, bo):
            assert (
                agent.put("/api/channels/presence", json={"status": "available"}).status_code == 200
            )
        with bo.websocket_connect("/ws/agent") as screen:
            for _ in range(3):  # WeChat retries: one utterance, one hand-over
                r = post(client, text_xml("下周去日本 怎么开通国际漫游", "7001", openid=ROAMER))
                assert r.text == "success"
            told = screen.receive_json()
        assert told["type"] == "chat_assigned"
        assert told["skill"] == "roaming" and told["channel"] == "wechat"
        mine = bo.get("/api/contacts").json()
        assert [c["contact_id"] for c in mine] == [told["contact_id"]]
        contact = bo.get(f"/api/contacts/{told['contact_id']}").json()
        assert [e["text"] for e in contact["events"]] == ["下周去日本怎么开通国际漫游"]
        assert ana.get("/api/contacts").json() == []
        # The next message of the same customer follows into the same contact.
        post(client, text_xml("需要交押金吗", "7002", openid=ROAMER))
        contact = bo.get(f"/api/contacts/{told['contact_id']}").json()
        assert len(contact["events"]) == 2
    assert count(loaded_db, Conversation) == 1
    assert count(loaded_db, ChannelMessage) == 2


def test_nobody_fits_so_it_waits_with_its_position_then_overflows(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        lead = login(app, "lead")
        _skills(lead, "ana", {"general": 3})
        ana.put("/api/channels/presence", json={"status": "available"})
        post(client, text_xml("宽带又断网了 师傅什么时候来", "7101", openid=FIXER))
        board = lead.get("/api/channels/queues").json()
        broadband = next(q for q in board["queues"] if q["skill"] == "broadband")
        assert broadband["waiting"] == 1 and broadband["agents"] == 0
        assert broadband["estimated_wait_s"] is None  # nobody with the skill on duty
        [waiting] = board["waiting"]
        assert waiting["skill"] == "broadband" and waiting["sender_masked"] == "oFIX…xxx2"
        assert ana.get("/api/contacts").json() == []
        # Two minutes later it overflows to the general skill and reaches ana.
        later = now() + timedelta(seconds=121)
        handed = dispatch.route(app.state.db, app.state.hub, app.state.writer, now=later)
        assert [h.agent for h in handed] == ["ana"]
        with session_scope(loaded_db) as s:
            conversation = s.query(Conversation).one()
            assert conversation.skill == "general" and conversation.first_skill == "broadband"
            assert "等待超时" in conversation.why


def test_no_agent_gets_more_chats_than_their_limit(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        lead = login(app, "lead")
        _skills(lead, "ana", {"general": 3}, max_chats=2)
        ana.put("/api/channels/presence", json={"status": "available"})
        for i in range(4):
            post(
                client, text_xml("你好 在吗", f"72{i:02d}", openid=f"oLIMITxxxxxxxxxxxxxxxxxxxx{i}")
            )
        assert len(ana.get("/api/contacts").json()) == 2
        assert len(ana.get("/api/channels/inbox").json()) == 2
        me = ana.get("/api/channels/presence").json()
        assert me["chats"] == 2 and me["status"] == "available"
        # Away: nothing more is routed even when a slot frees.
        ana.put("/api/channels/presence", json={"status": "away"})
        assert dispatch.route(app.state.db, app.state.hub, app.state.writer, now=now()) == []


def test_replies_go_out_through_the_gateway_inside_wechats_window(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        _skills(login(app, "lead"), "ana", {"general": 3, "billing": 3})
        ana.put("/api/channels/presence", json={"status": "available"})
        post(client, text_xml("请问话费怎么查", "7301", openid=ROAMER))
        [mine] = ana.get("/api/contacts").json()
        cid = mine["contact_id"]
        for i in range(5):
            r = ana.post(
                f"/api/channels/contacts/{cid}/reply", json={"text": f"您好，第{i + 1}条回复"}
            )
            assert r.status_code == 200, r.text
        assert r.json()["window"]["replies_left"] == 0
        r = ana.post(f"/api/channels/contacts/{cid}/reply", json={"text": "第六条"})
        assert r.status_code == 409 and r.json()["code"] == "outside_window"
        with session_scope(loaded_db) as s:
            rows = s.query(OutboxMessage).filter_by(channel="wechat").all()
            assert len(rows) == 5 and rows[0].recipient == ROAMER
        # The customer writes again: the window opens again.
        post(client, text_xml("好的谢谢", "7302", openid=ROAMER))
        assert (
            ana.post(f"/api/channels/contacts/{cid}/reply", json={"text": "不客气"}).status_code
            == 200
        )
        # After 48 hours without a word from the customer the reply is refused with the reason.
        with session_scope(loaded_db) as s:
            c = s.query(Conversation).one()
            c.last_inbound_at = now() - timedelta(hours=49)
        r = ana.post(f"/api/channels/contacts/{cid}/reply", json={"text": "还在吗"})
        assert r.status_code == 409 and "48小时" in r.json()["detail"]
        contact = ana.get(f"/api/contacts/{cid}").json()
        assert [e["speaker"] for e in contact["events"]].count("agent") == 6


def test_routing_rules_are_versioned_content_a_lead_edits(app, loaded_db):
    with TestClient(app), login(app, "lead") as lead, login(app, "ana") as ana:
        first = lead.get("/api/channels/routing").json()
        assert first["rules"]["default_skill"] == "general"
        import yaml

        doc = first["rules"]
        doc["chat_aht_s"] = 300
        r = lead.put(
            "/api/channels/routing",
            json={"yaml": yaml.safe_dump(doc, allow_unicode=True), "note": "AHT"},
        )
        assert r.status_code == 200
        version = r.json()["version"]
        assert lead.get("/api/channels/routing").json()["rules"]["chat_aht_s"] == 300
        assert len(lead.get("/api/channels/routing").json()["versions"]) >= 1
        bad = lead.put("/api/channels/routing", json={"yaml": "skills: [", "note": ""})
        assert bad.status_code == 422 and "YAML" in bad.json()["detail"]
        bad = lead.put("/api/channels/routing", json={"yaml": "default_skill: x\nskills: []"})
        assert bad.status_code == 422
        assert lead.get("/api/channels/routing").json()["version"] == version  # nothing stored
        assert ana.put("/api/channels/routing", json={"yaml": "a: 1"}).status_code == 403
        assert ana.get("/api/channels/queues").status_code == 403
        assert lead.put("/api/channels/agents/nobody", json={"max_chats": 2}).status_code == 404
        r = lead.put("/api/channels/agents/ana", json={"skills": {"mars": 3}})
        assert r.status_code == 422 and "mars" in r.json()["detail"]


def test_the_routing_page_shows_the_rules_to_leads_only(app):
    with TestClient(app), login(app, "lead") as lead, login(app, "ana") as ana:
        page = lead.get("/channels/routing")
        assert page.status_code == 200
        assert "default_skill: general" in page.text and "出厂规则" in page.text
        assert lead.get("/channels/routing?version=99").status_code == 404
        assert ana.get("/channels/routing").status_code == 403
        assert "chat_queues.js" in lead.get("/wall").text


def test_an_unknown_sender_is_linked_to_a_customer_from_the_chat(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana:
        ana.put("/api/channels/presence", json={"status": "available"})
        post(client, text_xml("你好 在吗", "7401", openid=FIXER))
        [mine] = ana.get("/api/contacts").json()
        cid = mine["contact_id"]
        assert ana.get(f"/api/contacts/{cid}").json()["customer"]["id"] is None
        r = ana.post(f"/api/channels/contacts/{cid}/customer", json={"customer": "13800001001"})
        assert r.status_code == 200, r.text
        assert r.json()["customer_id"] == "C1001"
        assert ana.get(f"/api/contacts/{cid}").json()["customer"]["id"] == "C1001"
        # Linked for good: the same openid's next conversation is the customer's from the start.
        assert (
            ana.post(
                f"/api/contacts/{cid}/wrapup", json={"reason": "plan_info", "result": "resolved"}
            ).status_code
            == 200
        )
        post(client, text_xml("再问一下", "7402", openid=FIXER))
        [waiting] = ana.get("/api/channels/inbox").json()
        assert waiting["customer"]["id"] == "C1001"
        assert waiting["skill"] == "vip"  # 全球通: the VIP desk, which ana does not staff
        again = ana.post(f"/api/channels/conversations/{waiting['conversation_id']}/take").json()
        assert ana.get(f"/api/contacts/{again['contact_id']}").json()["customer"]["id"] == "C1001"
        r = ana.post(f"/api/channels/contacts/{cid}/customer", json={"customer": "C1002"})
        assert r.status_code == 409  # closed
        r = ana.post(
            f"/api/channels/contacts/{again['contact_id']}/customer", json={"customer": "nobody"}
        )
        assert r.status_code == 404
