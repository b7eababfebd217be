"""Review hardening: a second editor approves (unless self-approval is allowed), and what
proposals store from calls is masked while published content is kept as it is."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from moqi.app import create_app
from moqi.db import session_scope
from moqi.knowledge import review, versions
from moqi.knowledge.models import ProposalRow
from moqi.settings import get_settings
from tests.conftest import PASSWORD, add_users, login

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
EDITOR, EDITOR2, AGENT = ("editor", PASSWORD), ("editor2", PASSWORD), ("agent", PASSWORD)


def _propose_text(s, proposer: str, text: str, summary: str = "改进"):
    live = versions.live_body(s, "script", "S0001")
    return review.propose(
        s,
        kind="script",
        key="S0001",
        action="update",
        body={**live, "text": text},
        summary=summary,
        proposer=proposer,
    )


def test_the_proposer_cannot_approve_their_own_proposal(loaded_db):
    with session_scope(loaded_db) as s:
        p = _propose_text(s, "ed1", "{customer}您好，我是工号5531，请问有什么可以帮您？")
        with pytest.raises(PermissionError, match="another knowledge editor"):
            review.approve(s, p.id, reviewer="ed1", note="", now=NOW)
        # Editing it first changes nothing: it is still the proposer's own.
        review.edit(s, p.id, editor="ed1", body={**p.body, "text": p.body["text"] + "。"}, now=NOW)
        with pytest.raises(PermissionError, match="another knowledge editor"):
            review.approve(s, p.id, reviewer="ed1", note="", now=NOW)
        assert (
            review.get(s, p.id).status == "open"
            and versions.current_version(s, "script", "S0001") == 1
        )
        assert review.approve(s, p.id, reviewer="ed2", note="", now=NOW).version == 2


def test_self_approval_can_be_allowed_for_one_person_teams(loaded_db, monkeypatch):
    monkeypatch.setenv("MOQI_ALLOW_SELF_APPROVAL", "true")
    get_settings.cache_clear()
    with session_scope(loaded_db) as s:
        p = _propose_text(s, "solo", "{customer}您好，很高兴为您服务。")
        assert review.may_approve(p, "solo")
        assert review.approve(s, p.id, reviewer="solo", note="", now=NOW).version == 2


@pytest.fixture
def client(loaded_db, db_url):
    add_users(loaded_db, agent="agent", editor="knowledge_editor", editor2="knowledge_editor")
    with TestClient(create_app(db_url)) as c:
        yield c


def test_api_answers_403_to_self_approval(client):
    item = client.get("/api/knowledge/items/script/S0001", auth=EDITOR).json()
    body = {**item["body"], "text": "{customer}您好，这里是10086，请问有什么可以帮您？"}
    pid = client.post(
        "/api/knowledge/proposals",
        json={
            "kind": "script",
            "key": "S0001",
            "action": "update",
            "body": body,
            "summary": "问候",
        },
        auth=EDITOR,
    ).json()["id"]
    r = client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=EDITOR)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert "another knowledge editor" in r.text
    assert client.get(f"/api/knowledge/proposals/{pid}", auth=EDITOR).json()["status"] == "open"
    r = client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=EDITOR2)
    assert r.status_code == 200 and r.json()["reviewer"] == "editor2"


def test_review_page_offers_approve_only_on_others_proposals(loaded_db, db_url):
    add_users(loaded_db, agent="agent", editor="knowledge_editor")
    with session_scope(loaded_db) as s:
        own = _propose_text(s, "editor", "{customer}您好，编辑自己的提议。").id
        other = review.propose(
            s,
            kind="lexicon",
            key="气得直哆嗦",
            action="create",
            body={"category": "anger", "intensity": 4},
            summary="新说法",
            proposer="agent",
        ).id
    app = create_app(db_url)
    with TestClient(app):
        page = login(app, "editor").get("/knowledge/review").text
    own_card = page.split(f'data-id="{own}"')[1].split("</article>")[0]
    other_card = page.split(f'data-id="{other}"')[1].split("</article>")[0]
    assert 'class="approve"' in other_card and "reject" in other_card
    assert 'class="approve"' not in own_card and "另一位知识编辑" in own_card
    assert "withdraw" in own_card  # the proposer can still take it back


def test_proposals_comments_and_edits_are_stored_masked(loaded_db):
    with session_scope(loaded_db) as s:
        live = versions.live_body(s, "article", "roaming-before-travel")
        body = {
            **live,
            "answer": live["answer"] + "\n客户13812345678（邮箱zhang.san@example.com）反映",
            "key_points": [*live["key_points"], "身份证440106198512310011"],
        }
        p = review.propose(
            s,
            kind="article",
            key="roaming-before-travel",
            action="update",
            body=body,
            summary="客户13912345678来电反映",
            proposer="agent",
        )
        review.comment(s, p.id, author="ed", text="回拨 139 1234 5678 确认过", now=NOW)
        review.edit(
            s,
            p.id,
            editor="ed",
            body={**p.body, "title": p.body["title"] + "（卡号6222020202020202020）"},
            now=NOW,
        )
        review.reject(s, p.id, reviewer="ed", note="与客户 13812345678 核实后不需要", now=NOW)
    with session_scope(loaded_db) as s:
        stored = s.get(ProposalRow, p.id)
        text = repr(
            (
                stored.summary,
                stored.body,
                stored.decision_note,
                [c.body for c in review.comments(s, p.id)],
            )
        )
        for raw in (
            "13812345678",
            "13912345678",
            "1234 5678",
            "zhang.san",
            "440106198512310011",
            "6222020202020202020",
        ):
            assert raw not in text
        assert (
            "138****5678" in stored.body["answer"] and "z***@example.com" in stored.body["answer"]
        )
        assert stored.summary == "客户139****5678来电反映"
        # The rest of the item is as proposed.
        assert (
            stored.body["answer"].startswith(live["answer"])
            and stored.body["steps"] == live["steps"]
        )


def test_published_numbers_and_prices_are_kept(loaded_db):
    with session_scope(loaded_db) as s:
        live = versions.live_body(s, "script", "S0042")
        assert "+86 13800138000" in live["text"]  # the shipped roaming hotline
        text = live["text"].replace("祝您旅途愉快", "资费每天30元，2026.12.05前有效，祝您旅途愉快")
        p = review.propose(
            s,
            kind="script",
            key="S0042",
            action="update",
            body={**live, "text": text},
            summary="热线+86 13800138000不变，补充资费",
            proposer="agent",
        )
        assert p.body["text"] == text and p.summary == "热线+86 13800138000不变，补充资费"
        assert review.approve(s, p.id, reviewer="ed", note="", now=NOW).version == 2
        assert versions.live_body(s, "script", "S0042")["text"] == text
