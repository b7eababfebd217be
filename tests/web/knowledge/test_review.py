"""Propose → review → publish → live, versions and rollback; bad proposals store nothing;
unknown ids and the wrong role are refused."""

import pytest

from moqi.db import session_scope
from moqi.knowledge.models import ProposalRow, ScriptRow
from tests.conftest import PASSWORD, count
from tests.web.knowledge.conftest import AGENT, EDITOR, LEAD


def test_agent_proposes_editor_publishes_and_the_workbench_sees_it(client, db):
    item = client.get("/api/knowledge/items/script/S0001", auth=AGENT).json()
    assert item["version"] == 1 and item["body"]["kind"] == "greeting"
    body = {
        **item["body"],
        "text": "{customer}您好，这里是10086，很高兴为您服务，请问今天想咨询还是办理？",
    }
    r = client.post(
        "/api/knowledge/proposals",
        json={
            "kind": "script",
            "key": "S0001",
            "action": "update",
            "body": body,
            "summary": "问候更口语",
            "source": "case",
            "source_ref": "7",
        },
        auth=AGENT,
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert any(line.startswith("+text:") for line in r.json()["diff"])
    assert (
        client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=AGENT).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/knowledge/proposals/{pid}/comments", json={"text": "可以"}, auth=EDITOR
        ).status_code
        == 201
    )
    r = client.post(f"/api/knowledge/proposals/{pid}/approve", json={"note": "通过"}, auth=EDITOR)
    assert (
        r.status_code == 200
        and r.json()["published_version"] == 2
        and r.json()["status"] == "approved"
    )
    assert [c["text"] for c in r.json()["comments"]] == ["可以"]
    # The live engine follows without a restart: a greeting now shows the published text.
    hits = client.get("/api/knowledge/items/script/S0001", auth=LEAD).json()
    assert hits["version"] == 2 and [v["version"] for v in hits["versions"]] == [2, 1]
    diff = client.get("/api/knowledge/items/script/S0001/diff?old=1&new=2", auth=AGENT).json()[
        "diff"
    ]
    assert any("很高兴为您服务" in line for line in diff if line.startswith("+"))
    assert (
        client.post(
            "/api/knowledge/items/script/S0001/rollback", json={"version": 1}, auth=AGENT
        ).status_code
        == 403
    )
    r = client.post("/api/knowledge/items/script/S0001/rollback", json={"version": 1}, auth=EDITOR)
    assert r.json() == {"kind": "script", "key": "S0001", "version": 3, "restored": 1}
    with session_scope(db) as s:
        assert s.get(ScriptRow, "S0001").text == item["body"]["text"]


def test_analyze_uses_a_script_published_a_moment_ago(client):
    body = {
        "kind": "empathy",
        "reason": "data_overage",
        "emotion": "anger",
        "text": "流量超出让您多花了钱，换谁都会着急，我先帮您把这个月的流量明细调出来。",
    }
    pid = client.post(
        "/api/knowledge/proposals",
        json={
            "kind": "script",
            "key": "S9001",
            "action": "create",
            "body": body,
            "summary": "新共情话术",
        },
        auth=AGENT,
    ).json()["id"]
    client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=EDITOR)
    utterances = [{"speaker": "customer", "text": "流量怎么又超了，扣了我一百多，气死我了"}]
    events = client.post(
        "/api/assist/analyze",
        json={"customer": "C1001", "utterances": utterances, "store": False},
        auth=AGENT,
    ).json()["events"]
    assert "S9001" in [s["id"] for s in events[0]["scripts"]]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (
            {
                "kind": "script",
                "key": "S0001",
                "action": "create",
                "body": {"kind": "greeting", "text": "x"},
                "summary": "x",
            },
            409,
        ),
        (
            {
                "kind": "script",
                "key": "NOPE",
                "action": "update",
                "body": {"kind": "greeting", "text": "x"},
                "summary": "x",
            },
            404,
        ),
        (
            {
                "kind": "script",
                "key": "S9002",
                "action": "create",
                "body": {"kind": "yelling", "text": "x"},
                "summary": "x",
            },
            422,
        ),
        ({"kind": "poem", "key": "x", "action": "create", "body": {}, "summary": "x"}, 422),
        (
            {
                "kind": "article",
                "key": "'; DROP TABLE articles; --",
                "action": "create",
                "body": {"title": "t", "answer": "a"},
                "summary": "x",
            },
            422,
        ),
        (
            {
                "kind": "article",
                "key": "ok-id",
                "action": "create",
                "body": {"title": "t", "answer": "a"},
                "summary": "",
            },
            422,
        ),
        (
            {
                "kind": "article",
                "key": "ok-id",
                "action": "create",
                "body": {"title": "t", "answer": "a" * 20001},
                "summary": "x",
            },
            422,
        ),
    ],
)
def test_bad_proposals_answer_problems_and_store_nothing(client, db, payload, status):
    r = client.post("/api/knowledge/proposals", json=payload, auth=AGENT)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert count(db, ProposalRow) == 0


def test_unknown_ids_and_roles(client):
    assert client.get("/api/knowledge/items/script/NOPE", auth=AGENT).status_code == 404
    assert (
        client.get("/api/knowledge/items/script/S0001/diff?old=1&new=9", auth=AGENT).status_code
        == 404
    )
    assert client.get("/api/knowledge/proposals/999", auth=AGENT).status_code == 404
    assert (
        client.post("/api/knowledge/proposals/999/approve", json={}, auth=EDITOR).status_code == 404
    )
    assert client.get("/api/knowledge/proposals").status_code == 401
    assert client.get("/api/knowledge/export/script?format=csv", auth=AGENT).status_code == 403
    assert (
        client.post("/api/knowledge/stories/999/ratings", json={"stars": 5}, auth=AGENT).status_code
        == 404
    )


def test_reject_needs_a_reason_and_only_the_proposer_withdraws(client):
    body = {"category": "anger", "intensity": 4, "escalation": True}
    pid = client.post(
        "/api/knowledge/proposals",
        json={
            "kind": "lexicon",
            "key": "气得肝疼",
            "action": "create",
            "body": body,
            "summary": "新说法",
        },
        auth=AGENT,
    ).json()["id"]
    assert (
        client.post(
            f"/api/knowledge/proposals/{pid}/reject", json={"note": ""}, auth=EDITOR
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/knowledge/proposals/{pid}/withdraw", auth=("agent2", PASSWORD)
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/knowledge/proposals/{pid}/withdraw", auth=AGENT).json()["status"]
        == "withdrawn"
    )
    assert (
        client.post(f"/api/knowledge/proposals/{pid}/approve", json={}, auth=EDITOR).status_code
        == 409
    )
    mine = client.get("/api/knowledge/proposals?status=all&mine=true", auth=AGENT).json()
    assert [p["id"] for p in mine] == [pid]
