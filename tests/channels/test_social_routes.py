"""Social posts over HTTP: the listening tool's signed webhook (unsigned 401, wrong signature 403,
oversized 413, a bad body 422, a resend the same post and ticket), the social team's API and
page (an agent outside the team, an expert or a knowledge editor is kept out), the CSV import."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from moqi.channels.models import SocialPostRow
from moqi.channels.social import MAX_BODY_BYTES
from moqi.service.models import Ticket
from moqi.service.outbox.gateway import sign
from moqi.settings import get_settings
from tests.channels.social_posts import BROADBAND, PHONE, PRAISE, THREAT, body
from tests.conftest import add_users, count, login, serving

SECRET = "social-test-secret"


def send(client: TestClient, raw: bytes, signature: str | bytes | None = None):
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if signature != "":
        headers["X-Moqi-Signature"] = sign(SECRET, raw) if signature is None else signature
    return client.post("/channels/social", content=raw, headers=headers)


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_SOCIAL_SECRET", SECRET)
    monkeypatch.setenv("MOQI_ROUTE_SECONDS", "0")
    get_settings.cache_clear()
    add_users(
        loaded_db,
        lin="agent/social",
        ana="agent/north",
        lead="team_lead/north",
        exp="expert",
        ed="knowledge_editor",
    )
    yield from serving(db_url)


def test_the_webhook_stores_a_signed_post_once(app, loaded_db):
    raw = body(THREAT)
    with TestClient(app) as client:
        first = send(client, raw)
        assert first.status_code == 200, first.text
        got = first.json()
        assert got["status"] == "new" and got["priority"] == "urgent" and got["ticket_id"]
        again = send(client, raw)
        assert again.json() == {**got, "status": "updated"}
        bigger = send(client, body(THREAT, reposts=900, comments=2000))
        assert bigger.json()["ticket_id"] == got["ticket_id"]
    assert count(loaded_db, SocialPostRow) == 1 and count(loaded_db, Ticket) == 1


def test_the_webhook_refuses_what_it_cannot_trust(app, loaded_db):
    raw = body(BROADBAND)
    with TestClient(app) as client:
        assert send(client, raw, signature="").status_code == 401
        wrong = send(client, raw, signature=sign("another-secret", raw))
        assert wrong.status_code == 403
        assert send(client, raw, signature="sha256=签名".encode()).status_code == 403
        tampered = send(client, raw.replace(b"150", b"999"), signature=sign(SECRET, raw))
        assert tampered.status_code == 403
        missing = body(BROADBAND, url=...)
        bad = send(client, missing)
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["code"] == "missing_field" and "url" in bad.json()["detail"]
        big = json.dumps({**BROADBAND, "pad": "x" * MAX_BODY_BYTES}).encode()
        assert send(client, big).status_code == 413
    assert count(loaded_db, SocialPostRow) == 0 and count(loaded_db, Ticket) == 0


def test_the_webhook_is_off_without_its_secret(app, monkeypatch):
    monkeypatch.delenv("MOQI_SOCIAL_SECRET")
    get_settings.cache_clear()
    with TestClient(app) as client:
        assert send(client, body(BROADBAND)).status_code == 404


def test_the_social_team_works_the_posts(app, loaded_db):
    with TestClient(app) as client:
        post_id = send(client, body(BROADBAND)).json()["id"]
        send(client, body(PRAISE))
    lin = login(app, "lin")
    listed = lin.get("/api/channels/social", params={"status": "new"}).json()
    assert [p["author"] for p in listed] == [PRAISE["author"], BROADBAND["author"]]
    assert lin.get("/api/channels/social", params={"priority": "low"}).json()[0]["id"] != post_id
    assert lin.get("/api/channels/social", params={"priority": "sky"}).status_code == 422
    one = lin.get(f"/api/channels/social/{post_id}").json()
    assert one["drafts"]["group"] == "network" and "私信" in one["drafts"]["public"]
    assert lin.get("/api/channels/social/99999").status_code == 404

    done = lin.post(
        f"/api/channels/social/{post_id}/action",
        json={"action": "replied", "reply": f"公开回复：已私信 {PHONE} 的机主"},
    )
    assert done.status_code == 200 and done.json()["status"] == "replied"
    assert PHONE not in done.json()["reply"] and "138****5678" in done.json()["reply"]
    again = lin.post(f"/api/channels/social/{post_id}/action", json={"action": "dismissed"})
    assert again.status_code == 409
    empty = lin.post(f"/api/channels/social/{post_id}/action", json={"action": "replied"})
    assert empty.status_code == 409  # replied already comes first

    page = lin.get("/channels/social")
    assert page.status_code == 200 and PRAISE["author"] in page.text and "忽略" in page.text
    assert 'href="/channels/social"' in page.text  # the nav shows the page to the team
    assert "导入监测工具导出的 CSV" not in page.text  # importing is the lead's
    replied = lin.get("/channels/social", params={"status": "replied"}).text
    assert BROADBAND["author"] in replied and f"/tickets/{one['ticket_id']}" in replied


@pytest.mark.parametrize("who", ["ana", "exp", "ed"])
def test_others_are_kept_out(app, who):
    with TestClient(app) as client:
        post_id = send(client, body(BROADBAND)).json()["id"]
    other = login(app, who)
    assert other.get("/api/channels/social").status_code == 403
    assert other.get(f"/api/channels/social/{post_id}").status_code == 403
    action = {"action": "dismissed"}
    assert other.post(f"/api/channels/social/{post_id}/action", json=action).status_code == 403
    assert other.get("/channels/social").status_code == 403
    assert 'href="/channels/social"' not in other.get("/knowledge").text


CSV = (
    "平台,帖子ID,作者,内容,链接,发布时间,转发,评论,点赞,粉丝数\n"
    f"微博,5000000000000001,小王,{THREAT['text']},https://weibo.com/1/a,2026-03-01 09:30,1,2,3,400\n"
    "微博,5000000000000002,小李,宽带又断了,https://weibo.com/1/b,昨天,1,2,3,400\n"
    f"微博,5000000000000001,小王,{THREAT['text']},https://weibo.com/1/a,2026-03-01 09:30,1,2,3,400\n"
)


def test_a_lead_imports_an_export(app, loaded_db):
    files = {"file": ("export.csv", CSV.encode("utf-8"), "text/csv")}
    assert login(app, "lin").post("/api/channels/social/import", files=files).status_code == 403
    lead = login(app, "lead")
    r = lead.post("/api/channels/social/import", files=files)
    assert r.status_code == 200, r.text
    summary = r.json()
    assert (summary["received"], summary["new"], summary["tickets"]) == (3, 1, 1)
    assert [(b["row"], b["code"]) for b in summary["bad_rows"]] == [
        (3, "bad_time"),
        (4, "duplicate"),
    ]
    unreadable = {"file": ("export.csv", "作者,内容\n小王,断网\n".encode(), "text/csv")}
    refused = lead.post("/api/channels/social/import", files=unreadable)
    assert refused.status_code == 422 and refused.json()["code"] == "missing_columns"
    assert count(loaded_db, SocialPostRow) == 1
    page = lead.get("/channels/social")
    assert "导入监测工具导出的 CSV" in page.text and "小王" in page.text
