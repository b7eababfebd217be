"""The improvement loop on a real database: propose → comment/edit → approve/reject, versions,
diffs and rollback, and the live engine following what was published."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from moqi.assist.services import live_engine
from moqi.db import session_scope
from moqi.knowledge import items, review, services, versions
from moqi.knowledge.models import ItemVersionRow, ProposalRow, ScriptRow

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _script(s, sid):
    return versions.live_body(s, "script", sid)


def test_shipped_content_starts_at_version_one(loaded_db):
    with session_scope(loaded_db) as s:
        assert versions.current_version(s, "script", "S0001") == 1
        assert versions.current_version(s, "article", "roaming-before-travel") == 1
        kinds = dict(
            s.execute(select(ItemVersionRow.kind, func.count()).group_by(ItemVersionRow.kind)).all()
        )
        assert set(kinds) == {"article", "script", "business", "lexicon"}
        # Loading the same content again writes no new versions.
        content = services.load_content(s)
        services.replace_content(s, content, note="reload")
        assert versions.current_version(s, "script", "S0001") == 1


def test_approved_update_is_live_versioned_and_reversible(loaded_db):
    with session_scope(loaded_db) as s:
        before = _script(s, "S0001")
        engine_before = live_engine(s)
        body = {**before, "text": "您好，欢迎致电10086，我是工号5531的客服，很高兴为您服务。"}
        p = review.propose(
            s,
            kind="script",
            key="S0001",
            action="update",
            body=body,
            summary="问候语加上工号",
            proposer="demo_agent",
        )
        assert p.status == "open" and p.base_version == 1
        assert any(line.startswith("+text:") for line in review.preview(s, p))
        review.comment(
            s, p.id, author="demo_knowledge_editor", text="工号占位符写法确认一下", now=NOW
        )
        version = review.approve(s, p.id, reviewer="demo_knowledge_editor", note="同意", now=NOW)
        assert version.version == 2 and version.proposal_id == p.id
        assert s.get(ScriptRow, "S0001").text == body["text"]
        # The live engine follows the new revision without a restart.
        engine_after = live_engine(s)
        assert engine_after is not engine_before
        assert any(sc.id == "S0001" and "工号" in sc.text for sc in engine_after.content.scripts)
        diff = versions.diff(s, "script", "S0001", 1, 2)
        assert any(line.startswith("-text:") for line in diff) and any(
            line.startswith("+text:") for line in diff
        )
        back = versions.rollback(s, "script", "S0001", 1, author="demo_knowledge_editor")
        assert back.version == 3 and _script(s, "S0001") == before
        assert [v.version for v in versions.history(s, "script", "S0001")] == [3, 2, 1]
        with pytest.raises(versions.Conflict, match="already as in version 1"):
            versions.rollback(s, "script", "S0001", 1, author="demo_knowledge_editor")


def test_a_published_condition_holds_a_line_back_in_the_live_engine(loaded_db):
    from moqi.assist.scripts import Situation

    line = "{customer}您好，为这件事又让您打进来，实在抱歉，这次我从头跟到底。"
    with session_scope(loaded_db) as s:
        body = {
            "kind": "apology",
            "reason": "*",
            "emotion": "anger",
            "text": line,
            "conditions": "repeat_contact；repeat_contact",
        }
        p = review.propose(
            s,
            kind="script",
            key="S901",
            action="create",
            body=body,
            summary="重复来电致歉",
            proposer="demo_agent",
        )
        review.approve(s, p.id, reviewer="demo_knowledge_editor", note="同意", now=NOW)
        assert _script(s, "S901")["conditions"] == ["repeat_contact"]
        assert "conditions: repeat_contact\n" in items.render("script", "S901", _script(s, "S901"))
        engine = live_engine(s)
    assert next(x for x in engine.content.scripts if x.id == "S901").conditions == (
        "repeat_contact",
    )
    for repeat in (False, True):
        situation = Situation(
            {"apology": 1.0},
            (("bill_dispute", "话费争议", 0.6),),
            "anger",
            None,
            None,
            None,
            repeat=repeat,
        )
        offered = {r.id for r in engine.ranker.rank(situation, {}, {}, k=100, per_kind=100)}
        assert ("S901" in offered) == repeat, offered


def test_new_article_from_a_case_and_rejection(loaded_db):
    with session_scope(loaded_db) as s:
        body = {
            "title": "副卡共享流量用完后的处理",
            "answer": "副卡共享主卡流量，主卡流量用完后**副卡同时停止共享**。",
            "businesses": ["family_share"],
            "valid_to": "2027-12-31",
        }
        p = review.propose(
            s,
            kind="article",
            key="family-share-exhausted",
            action="create",
            body=body,
            summary="案例中客户不清楚",
            proposer="demo_agent",
            source="case",
            source_ref="42",
        )
        assert p.body["steps"] == [] and p.body["valid_to"] == "2027-12-31"
        edited = review.edit(
            s,
            p.id,
            editor="demo_knowledge_editor",
            body={**p.body, "key_points": ["副卡无独立流量"]},
            now=NOW,
        )
        assert edited.body["key_points"] == ["副卡无独立流量"]
        assert [c.body for c in review.comments(s, p.id)] == ["修改了提议内容"]
        review.approve(s, p.id, reviewer="demo_knowledge_editor", note="", now=NOW)
        assert any(a.id == "family-share-exhausted" for a in services.load_content(s).articles)

        q = review.propose(
            s,
            kind="lexicon",
            key="气死个人",
            action="create",
            body={"category": "anger", "intensity": 4},
            summary="方言",
            proposer="demo_agent",
        )
        with pytest.raises(items.ItemError, match="say why the proposal is rejected"):
            review.reject(s, q.id, reviewer="demo_knowledge_editor", note=" ", now=NOW)
        review.reject(s, q.id, reviewer="demo_knowledge_editor", note="已有“气死了”覆盖", now=NOW)
        assert versions.live_body(s, "lexicon", "气死个人") is None
        with pytest.raises(versions.Conflict, match="is rejected, not open"):
            review.approve(s, q.id, reviewer="demo_knowledge_editor", note="", now=NOW)


def test_stale_proposal_must_be_rebased(loaded_db):
    with session_scope(loaded_db) as s:
        live = _script(s, "S0002")
        a = review.propose(
            s,
            kind="script",
            key="S0002",
            action="update",
            body={**live, "text": live["text"] + "（甲）"},
            summary="甲",
            proposer="a1",
        )
        b = review.propose(
            s,
            kind="script",
            key="S0002",
            action="update",
            body={**live, "text": live["text"] + "（乙）"},
            summary="乙",
            proposer="a2",
        )
        review.approve(s, a.id, reviewer="ed", note="", now=NOW)
        with pytest.raises(versions.Conflict, match="changed since"):
            review.approve(s, b.id, reviewer="ed", note="", now=NOW)
        review.edit(s, b.id, editor="ed", body=b.body, now=NOW)
        assert review.approve(s, b.id, reviewer="ed", note="", now=NOW).version == 3


@pytest.mark.parametrize(
    ("kind", "key", "action", "body", "error", "message"),
    [
        (
            "script",
            "S0001",
            "create",
            {"kind": "greeting", "text": "x"},
            versions.Conflict,
            "'S0001' already exists",
        ),
        (
            "script",
            "NOPE",
            "update",
            {"kind": "greeting", "text": "x"},
            versions.NotFound,
            "'NOPE' does not exist",
        ),
        (
            "script",
            "S900",
            "create",
            {"kind": "shouting", "text": "x"},
            items.ItemError,
            "kind must be one of",
        ),
        (
            "script",
            "S900",
            "create",
            {"kind": "greeting", "text": ""},
            items.ItemError,
            "needs the script's text",
        ),
        (
            "script",
            "S900",
            "create",
            {"kind": "greeting", "text": "x", "conditions": "repeat_contact、called_twice"},
            items.ItemError,
            r"unknown condition 'called_twice'",
        ),
        (
            "script",
            "S900",
            "create",
            {"kind": "greeting", "text": "x", "conditions": {"repeat_contact": 1}},
            items.ItemError,
            "conditions must be a list of texts",
        ),
        (
            "article",
            "Bad Id!",
            "create",
            {"title": "t", "answer": "a"},
            items.ItemError,
            "'Bad Id!': the key has characters",
        ),
        (
            "article",
            "x-1",
            "create",
            {"title": "t", "answer": "a", "businesses": ["no_such"]},
            items.ItemError,
            r"unknown business code\(s\) \['no_such'\]",
        ),
        (
            "article",
            "x-2",
            "create",
            {"title": "t", "answer": "a", "valid_from": "2027-01-01", "valid_to": "2026-01-01"},
            items.ItemError,
            "valid_to is before valid_from",
        ),
        (
            "article",
            "x-3",
            "create",
            {"title": "t", "answer": "a", "valid_to": "明年"},
            items.ItemError,
            "valid_to must be a date",
        ),
        (
            "lexicon",
            "烦得直跺脚",
            "create",
            {"category": "anger", "intensity": 9},
            items.ItemError,
            "intensity must be 1–5",
        ),
        (
            "lexicon",
            "烦得直跺脚",
            "create",
            {"category": "anger", "intensity": 3, "mood": "x"},
            items.ItemError,
            r"unknown field\(s\) \['mood'\]",
        ),
        ("business", "intl_roaming", "delete", None, None, None),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_stored(
    loaded_db, kind, key, action, body, error, message
):
    with session_scope(loaded_db) as s:
        if error is None:
            # A business still on the map cannot be deleted: the approval refuses, nothing changes.
            p = review.propose(
                s, kind=kind, key=key, action=action, body=body, summary="下线", proposer="a"
            )
            with pytest.raises(versions.Conflict, match="still used"):
                review.approve(s, p.id, reviewer="ed", note="", now=NOW)
            return
        with pytest.raises(error, match=message):
            review.propose(
                s, kind=kind, key=key, action=action, body=body, summary="why", proposer="a"
            )
    with session_scope(loaded_db) as s:
        assert s.scalar(select(func.count()).select_from(ProposalRow)) == 0
