"""The live protocol: open, stream (HTTP and WebSocket), alert the wall, whisper, confirm, wrap up."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from moqi.assist.models import AlertRow, ConfirmationRow, WhisperRow
from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from tests.conftest import add_users, count, login, serving


@pytest.fixture
def app(loaded_db, db_url):
    add_users(
        loaded_db,
        agent="agent",
        agent2="agent",
        lead="team_lead",
        otherlead="team_lead/other",
        expert="expert",
    )
    yield from serving(db_url)


def test_a_whole_live_call(app, db):
    with TestClient(app):
        agent, lead = login(app, "agent"), login(app, "lead")
        opened = agent.post("/api/contacts", json={"customer": "C1001", "channel": "voice"})
        assert opened.status_code == 201, opened.text
        data = opened.json()
        cid = data["contact_id"]
        # The need is predicted before the first word, from the overage charge yesterday.
        assert data["need"]["reasons"][0]["code"] in {"data_overage", "bill_dispute"}
        assert any(s["kind"] == "greeting" for s in data["scripts"])
        assert data["customer"]["phone_masked"].startswith("138")

        with (
            lead.websocket_connect("/ws/wall") as wall,
            agent.websocket_connect(f"/ws/contacts/{cid}") as ws,
        ):
            ws.send_json({"speaker": "agent", "text": "您好，请问有什么可以帮您", "ts": 0})
            assert ws.receive_json()["type"] == "assist"
            assert wall.receive_json()["type"] == "contact_updated"
            ws.send_json(
                {
                    "speaker": "customer",
                    "text": "你们乱扣我流量费，再不解决我就投诉到工信部，然后销号！",
                    "ts": 3,
                }
            )
            event = ws.receive_json()
            assert event["type"] == "assist" and event["event"]["emotion"]["category"] == "anger"
            alert = ws.receive_json()
            assert alert["type"] == "alert" and alert["risk"] >= 0.6
            messages = [wall.receive_json(), wall.receive_json()]
            assert {m["type"] for m in messages} == {"contact_updated", "alert"}
            ws.send_json({"speaker": "nobody", "text": "x"})
            assert ws.receive_json()["type"] == "error"

            w = lead.post(f"/api/contacts/{cid}/whisper", json={"text": "先致歉，申请减免，别争辩"})
            assert w.status_code == 200
            assert ws.receive_json() == {
                "type": "whisper",
                "from": "lead",
                "text": "先致歉,申请减免,别争辩",
            }

        r = agent.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": "agent", "text": "流量包已经为您办理成功了"},
        )
        assert r.json()["event"]["confirmation"]["status"] == "pending"
        wrap = {
            "reason": "data_overage",
            "result": "resolved",
            "notes": "客户13812345678已减免",
            "follow_up": True,
        }
        refused = agent.post(f"/api/contacts/{cid}/wrapup", json=wrap)
        assert refused.status_code == 409 and "not confirmed" in refused.json()["detail"]
        assert (
            agent.post(f"/api/contacts/{cid}/confirmation", json={"agreed": True}).json()["status"]
            == "confirmed"
        )
        done = agent.post(f"/api/contacts/{cid}/wrapup", json=wrap)
        assert done.status_code == 200 and done.json()["status"] == "closed"

        wall_view = lead.get("/api/wall").json()
        assert wall_view["contacts"] == [] and wall_view["alerts"][0]["contact_id"] == cid
        assert (
            agent.post(
                f"/api/contacts/{cid}/utterances", json={"speaker": "customer", "text": "喂"}
            ).status_code
            == 409
        )

    with session_scope(db) as s:
        contact = s.get(Contact, cid)
        assert contact.status == "closed" and contact.follow_up and contact.reason == "data_overage"
        assert "13812345678" not in contact.notes
    assert (
        count(db, Utterance) == 3
        and count(db, AlertRow) == 1
        and count(db, WhisperRow) == 1
        and count(db, ConfirmationRow) == 1
    )


def test_roles_and_ownership(app, db):
    with TestClient(app):
        agent, other, lead, otherlead, expert = (
            login(app, u) for u in ("agent", "agent2", "lead", "otherlead", "expert")
        )
        cid = agent.post("/api/contacts", json={"customer": "C1002"}).json()["contact_id"]
        assert expert.post("/api/contacts", json={}).status_code == 403
        assert (
            other.post(
                f"/api/contacts/{cid}/utterances", json={"speaker": "customer", "text": "hi"}
            ).status_code
            == 403
        )
        assert agent.post(f"/api/contacts/{cid}/whisper", json={"text": "hi"}).status_code == 403
        assert (
            otherlead.post(f"/api/contacts/{cid}/whisper", json={"text": "hi"}).status_code == 403
        )
        assert expert.get("/api/wall").status_code == 403
        assert TestClient(app).get("/api/wall").status_code == 401
        # The socket applies the same rule as the routes: another agent, or another team's lead, is refused.
        # (A WebSocketDisconnect has no message to match: its close code says why.)
        for outsider in (other, otherlead):
            with (
                pytest.raises(WebSocketDisconnect) as refused,
                outsider.websocket_connect(f"/ws/contacts/{cid}") as ws,
            ):
                ws.receive_json()
            assert refused.value.code == 4403
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            agent.websocket_connect("/ws/wall") as ws,
        ):
            ws.receive_json()
        assert refused.value.code == 4403


def test_a_line_the_agent_reads_out_is_used_and_not_offered_again(app, db):
    from sqlalchemy import select

    from moqi.knowledge.models import ItemUseRow

    with TestClient(app):
        agent = login(app, "agent")
        opened = agent.post("/api/contacts", json={"customer": "C1001", "channel": "voice"}).json()
        greeting = next(s for s in opened["scripts"] if s["kind"] == "greeting")
        said = agent.post(
            f"/api/contacts/{opened['contact_id']}/utterances",
            json={"speaker": "agent", "text": greeting["text"].replace("，", " ")},
        ).json()
        assert said["event"]["scripts_used"] == [greeting["id"]]
        assert greeting["id"] not in {s["id"] for s in said["event"]["scripts"]}
    with session_scope(db) as s:
        assert [(r.username, r.item, r.action) for r in s.scalars(select(ItemUseRow))] == [
            ("agent", f"script:{greeting['id']}", "used")
        ]


def test_unknown_ids_and_bad_bodies(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        assert agent.post("/api/contacts", json={"customer": "C0000"}).status_code == 404
        assert agent.get("/api/contacts/424242").status_code == 404
        assert (
            agent.post(
                "/api/contacts/424242/utterances", json={"speaker": "customer", "text": "hi"}
            ).status_code
            == 404
        )
        assert agent.get("/api/assist/businesses/no_such").status_code == 404
        cid = agent.post("/api/contacts", json={"customer": "C1003"}).json()["contact_id"]
        for body in (
            {"speaker": "customer"},
            {"speaker": "customer", "text": "啊" * 5001},
            {"speaker": "boss", "text": "x"},
        ):
            r = agent.post(f"/api/contacts/{cid}/utterances", json=body)
            assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
        assert (
            agent.post(
                f"/api/contacts/{cid}/wrapup", json={"reason": "nope", "result": "resolved"}
            ).status_code
            == 422
        )
        assert (
            agent.post(f"/api/contacts/{cid}/confirmation", json={"agreed": True}).status_code
            == 409
        )
        assert count(db, Utterance) == 0


def test_pages_need_login_and_the_right_role(app):
    with TestClient(app):
        anonymous = TestClient(app)
        assert anonymous.get("/workbench", follow_redirects=False).headers["location"] == "/login"
        assert "登录" in anonymous.get("/login").text
        assert (
            anonymous.post("/login", data={"username": "agent", "password": "nope"}).status_code
            == 401
        )
        agent = login(app, "agent")
        assert "业务关联地图" in agent.get("/workbench").text
        assert agent.get("/wall").status_code == 403
        # A browser gets the refusal as a page in Chinese; the API keeps problem+json.
        page = agent.get("/wall", headers={"Accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 403 and "text/html" in page.headers["content-type"]
        assert "无权访问" in page.text and "返回首页" in page.text
        missing = agent.get("/no-such-page", headers={"Accept": "text/html"})
        assert missing.status_code == 404 and "页面不存在" in missing.text
        api = agent.get("/api/wall", headers={"Accept": "text/html"})
        assert api.status_code == 403 and api.headers["content-type"] == "application/problem+json"
        assert "监控墙" in login(app, "lead").get("/wall").text


def test_knowledge_search_api(app):
    with TestClient(app):
        agent = login(app, "agent")
        r = agent.get("/api/knowledge/search", params={"q": "出国怎么开漫游", "k": 3})
        assert r.status_code == 200 and r.json()["hits"]
        assert agent.get("/api/knowledge/search", params={"q": ""}).status_code == 422
        assert agent.get("/api/knowledge/search", params={"q": "x" * 201}).status_code == 422
        assert (
            agent.get("/api/knowledge/search", params={"q": "漫游", "kind": "poem"}).status_code
            == 422
        )
        assert TestClient(app).get("/api/knowledge/search", params={"q": "漫游"}).status_code == 401
        assert (
            login(app, "expert").get("/api/knowledge/search", params={"q": "漫游"}).status_code
            == 200
        )
