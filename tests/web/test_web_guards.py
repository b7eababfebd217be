"""Nobody reads what is not theirs from another site: cross-site posts, uploads and sockets are
refused, logging out closes the sockets, and every page carries the security headers."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from moqi.settings import get_settings
from tests.conftest import PASSWORD, add_users, login, serving

OWN = "http://testserver"
EVIL = "https://evil.example"


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, agent="agent", lead="team_lead", editor="knowledge_editor")
    yield from serving(db_url)


def test_a_login_form_posted_from_another_site_is_refused(app):
    with TestClient(app) as client:
        form = {"username": "agent", "password": PASSWORD}
        refused = client.post("/login", data=form, headers={"Origin": EVIL}, follow_redirects=False)
        assert refused.status_code == 403 and "evil.example" in refused.json()["detail"]
        assert "moqi_session" not in refused.cookies
        assert (
            client.post(
                "/login", data=form, headers={"Origin": OWN}, follow_redirects=False
            ).status_code
            == 303
        )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Referer": f"{EVIL}/page"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
    ids=["origin", "null-origin", "referer", "fetch-metadata"],
)
def test_api_calls_and_uploads_with_the_login_cookie_from_another_site_are_refused(app, headers):
    with TestClient(app):
        agent, editor = login(app, "agent"), login(app, "editor")
        r = agent.post("/api/contacts", json={"customer": "C1001"}, headers=headers)
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
        upload = editor.post(
            "/api/knowledge/import/scripts",
            files={"file": ("s.csv", b"id,text\n", "text/csv")},
            headers=headers,
        )
        assert upload.status_code == 403
        # Reading stays possible (a link from elsewhere may open a page), and the same call
        # from our own pages, or from a client that is no browser, goes through.
        assert agent.get("/api/contacts", headers=headers).status_code == 200
        assert (
            agent.post(
                "/api/contacts",
                json={"customer": "C1001"},
                headers={"Origin": OWN, "Sec-Fetch-Site": "same-origin"},
            ).status_code
            == 201
        )
        assert agent.post("/api/contacts", json={"customer": "C1001"}).status_code == 201


def test_an_origin_listed_in_the_setting_is_allowed(app, monkeypatch):
    monkeypatch.setenv("MOQI_ALLOWED_ORIGINS", '["https://cc.example.com"]')
    get_settings.cache_clear()
    with TestClient(app):
        agent = login(app, "agent")
        assert (
            agent.post(
                "/api/contacts",
                json={"customer": "C1001"},
                headers={"Origin": "https://cc.example.com"},
            ).status_code
            == 201
        )
        assert (
            agent.post(
                "/api/contacts", json={"customer": "C1001"}, headers={"Origin": EVIL}
            ).status_code
            == 403
        )


def test_a_websocket_from_another_site_is_refused(app):
    with TestClient(app):
        agent, lead = login(app, "agent"), login(app, "lead")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        for client, path in ((agent, f"/ws/contacts/{cid}"), (lead, "/ws/wall")):
            with (
                pytest.raises(WebSocketDisconnect) as refused,
                client.websocket_connect(path, headers={"Origin": EVIL}) as ws,
            ):
                ws.receive_json()
            assert refused.value.code == 4403
            with client.websocket_connect(path, headers={"Origin": OWN}):
                pass


def test_logging_out_closes_the_sockets_opened_with_that_login(app):
    with TestClient(app):
        agent, lead = login(app, "agent"), login(app, "lead")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        with (
            agent.websocket_connect(f"/ws/contacts/{cid}") as ws,
            lead.websocket_connect("/ws/wall") as wall,
        ):
            ws.send_json({"speaker": "customer", "text": "喂"})
            assert ws.receive_json()["type"] == "assist"
            assert wall.receive_json()["type"] == "contact_updated"
            assert agent.post("/logout", follow_redirects=False).status_code == 303
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 4401
            # The lead's socket is another login: it stays open.
            lead.post(f"/api/contacts/{cid}/whisper", json={"text": "好"})
        # And the cookie no longer opens one.
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            agent.websocket_connect(f"/ws/contacts/{cid}") as ws,
        ):
            ws.receive_json()
        assert refused.value.code == 4403


def test_every_answer_carries_the_security_headers(app):
    with TestClient(app):
        agent = login(app, "agent")
        for response in (
            agent.get("/workbench"),
            agent.get("/api/contacts"),
            TestClient(app).get("/login"),
            agent.get("/docs"),
            agent.get("/api/contacts/999"),
        ):
            h = response.headers
            csp = h["content-security-policy"]
            script_src = re.search(r"script-src ([^;]*)", csp).group(1)
            assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
            assert "frame-ancestors 'none'" in csp
            assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
            assert h["referrer-policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_event_handler():
    root = Path(__file__).resolve().parents[2] / "moqi"
    templates = sorted(root.glob("**/templates/*.html"))
    assert len(templates) >= 10
    for path in templates:
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), (
            f"{path.name} has an inline <script>"
        )
        assert not re.search(r"\son[a-z]+\s*=", html), f"{path.name} has an inline event handler"


def test_the_api_docs_page_needs_no_cdn_and_no_inline_script(app):
    with TestClient(app) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and not re.search(
            r"<script(?![^>]*\bsrc=)[^>]*>", page.text
        )
        for src in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert client.get(src).status_code == 200, src


def test_the_login_cookie_is_secure_when_the_setting_says_so(app, monkeypatch):
    monkeypatch.setenv("MOQI_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    with TestClient(app) as client:
        r = client.post(
            "/login", data={"username": "agent", "password": PASSWORD}, follow_redirects=False
        )
        cookie = r.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
