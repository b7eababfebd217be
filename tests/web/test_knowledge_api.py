"""The knowledge base API end to end: propose → review → publish → live, versions and rollback,
usage and hot topics, stories, import/export — with roles, bad input and nothing half-stored."""

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from moqi.app import create_app
from moqi.db import session_scope
from moqi.knowledge.models import ItemVersionRow, ProposalRow, ScriptRow
from tests.conftest import PASSWORD, add_users, count

AGENT, EDITOR, LEAD = ("agent", PASSWORD), ("editor", PASSWORD), ("lead", PASSWORD)


@pytest.fixture
def client(loaded_db, db_url):
    add_users(loaded_db, agent="agent", agent2="agent", editor="knowledge_editor", lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c


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


def test_clicks_uses_and_hot_topics(client):
    search = client.get("/api/knowledge/search", params={"q": "出国漫游怎么开"}, auth=AGENT).json()
    assert search["search_id"] and search["hits"]
    hit = search["hits"][0]["id"]
    assert (
        client.post(
            f"/api/knowledge/searches/{search['search_id']}/click", json={"item": hit}, auth=AGENT
        ).status_code
        == 204
    )
    # Someone else's search, or an item that does not exist, is refused.
    assert (
        client.post(
            f"/api/knowledge/searches/{search['search_id']}/click",
            json={"item": hit},
            auth=("agent2", PASSWORD),
        ).status_code
        == 404
    )
    assert (
        client.post("/api/knowledge/uses", json={"item": "script:NOPE"}, auth=AGENT).status_code
        == 404
    )
    client.get("/api/knowledge/search", params={"q": "卫星电话套餐"}, auth=AGENT)
    client.get("/api/knowledge/search", params={"q": "卫星电话套餐"}, auth=("agent2", PASSWORD))
    assert (
        client.post(
            "/api/knowledge/uses", json={"item": "script:S0001", "action": "copy"}, auth=AGENT
        ).status_code
        == 204
    )
    hot = client.get("/api/knowledge/hot", auth=LEAD).json()
    assert hot["searched"][0] == {"query": "卫星电话套餐", "count": 2, "clicked": 0}
    assert "卫星电话套餐" in [g["query"] for g in hot["gaps"]]
    assert "出国漫游怎么开" not in [g["query"] for g in hot["gaps"]]
    assert {u["item"] for u in hot["used"]} == {hit, "script:S0001"}


def test_searches_mask_personal_data(client, db):
    client.get("/api/knowledge/search", params={"q": "13812345678 停机了"}, auth=AGENT)
    hot = client.get("/api/knowledge/hot", auth=AGENT).json()
    # The search is there (so its absence below is not for want of a log), masked.
    assert [s["query"] for s in hot["searched"]] == ["138****5678 停机了"]
    assert "13812345678" not in str(hot)


def test_stories_are_rated_and_promoted_to_a_script_proposal(client):
    story = {
        "title": "欠费停机老人着急",
        "situation": "老人手机欠费停机，联系不上子女，情绪很急。",
        "what_worked": "先安抚，再帮老人开通信用额度临时复机，并设置家人代缴提醒。",
        "reason": "suspend_resume",
    }
    r = client.post("/api/knowledge/stories", json=story, auth=AGENT)
    assert r.status_code == 201
    sid = r.json()["id"]
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 5}, auth=AGENT
        ).status_code
        == 403
    )  # own story
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 6}, auth=LEAD
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 5}, auth=LEAD
        ).status_code
        == 204
    )
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 4}, auth=("agent2", PASSWORD)
        ).status_code
        == 204
    )
    listed = client.get("/api/knowledge/stories", auth=AGENT).json()
    assert listed[0]["id"] == sid and listed[0]["ratings"] == 2 and listed[0]["average"] == 4.5
    promote = {
        "script_id": "S9100",
        "kind": "reassurance",
        "text": "阿姨您别着急，我先帮您临时恢复通话，再给家里人设个代缴提醒。",
    }
    assert (
        client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=AGENT).status_code
        == 403
    )
    r = client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=EDITOR)
    assert (
        r.status_code == 201
        and r.json()["source"] == "story"
        and r.json()["body"]["reason"] == "suspend_resume"
    )
    assert (
        client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=EDITOR).status_code
        == 409
    )
    bad = {**story, "reason": "no_such_reason"}
    assert client.post("/api/knowledge/stories", json=bad, auth=AGENT).status_code == 422
    assert (
        client.post(
            "/api/knowledge/stories", json={**story, "contact_id": 99999}, auth=AGENT
        ).status_code
        == 404
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_scripts_round_trip_through_export_and_import(client, db, fmt):
    r = client.get(f"/api/knowledge/export/script?format={fmt}", auth=EDITOR)
    assert r.status_code == 200
    versions_before = count(db, ItemVersionRow)
    r = client.post(
        "/api/knowledge/import/script", files={"file": (f"scripts.{fmt}", r.content)}, auth=EDITOR
    )
    assert r.json()["updated"] == 0 and r.json()["created"] == 0 and r.json()["unchanged"] > 300
    assert count(db, ItemVersionRow) == versions_before


def test_articles_round_trip_through_markdown_zip_and_docx(client, db):
    for fmt in ("md", "docx"):
        r = client.get(f"/api/knowledge/export/article?format={fmt}", auth=EDITOR)
        assert r.status_code == 200, r.text
        name = "kb.zip" if fmt == "md" else "kb.docx"
        r = client.post(
            "/api/knowledge/import/article", files={"file": (name, r.content)}, auth=EDITOR
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 0 and r.json()["updated"] == 0, (fmt, r.json())


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["word", "category", "intensity", "escalation", "churn", "domain"]


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        (
            "lex.csv",
            "word,category,intensity,escalation,churn,domain\n气到冒烟,anger,5,1,0,telecom\n好开心,joy,3,0,0,general\n".encode(),
            "line 3",
        ),
        ("lex.csv", "word,category\n气到冒烟,anger\n".encode(), "line 1"),
        ("lex.csv", b"", "empty"),
        ("lex.csv", b"\xff\xfe\x00\x00garbage\x81", "GB18030"),
        (
            "lex.xlsx",
            _xlsx(
                [
                    HEADER,
                    ["气到冒烟", "anger", 5, 1, 0, "telecom"],
                    ["好烦人", "anger", "很强", 0, 0, "general"],
                ]
            ),
            "line 3",
        ),
        ("lex.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
        ("lex.docx", b"anything", "articles only"),
        (
            "lex.csv",
            "word,category,intensity,escalation,churn,domain\n气到冒烟,anger,5,1,0,telecom\n气到冒烟,anger,4,1,0,telecom\n".encode(),
            "twice",
        ),
    ],
)
def test_bad_files_import_nothing_and_name_the_row(client, db, name, data, where):
    versions_before = count(db, ItemVersionRow)
    r = client.post("/api/knowledge/import/lexicon", files={"file": (name, data)}, auth=EDITOR)
    assert r.status_code == 422, r.text
    assert where in r.json()["detail"]
    assert count(db, ItemVersionRow) == versions_before
    assert client.get("/api/knowledge/items/lexicon/气到冒烟", auth=EDITOR).status_code == 404


def test_oversized_upload_is_413(client):
    big = b"word,category,intensity,escalation,churn,domain\n" + b"x" * (950 * 1024)
    r = client.post("/api/knowledge/import/lexicon", files={"file": ("big.csv", big)}, auth=EDITOR)
    assert r.status_code == 413
