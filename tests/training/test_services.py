"""Training on a real database: courses kept per content revision and rebuilt when it changes,
quotes from stored calls, a quiz frozen when made and answered once by its agent, progress by
topic, and weak areas from the agent's own contacts and ratings (on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from moqi.db import session_scope
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.insight import services as insight
from moqi.knowledge import services as knowledge
from moqi.service import services as desk
from moqi.training import services
from moqi.training.models import TrainingCourse
from tests.conftest import add_users, count

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def who(username, role="agent", team="north"):
    return SimpleNamespace(username=username, role=role, team=team)


def _contact(s, agent, reason, *, risk=0.0, said=(), rating=None, days_ago=1):
    c = desk.create_contact(
        s,
        customer_id=None,
        channel="voice",
        title="",
        agent=agent,
        started_at=NOW - timedelta(days=days_ago),
    )
    c.reason, c.peak_risk, c.status = reason, risk, "closed"
    desk.add_utterances(s, c, [(i, "customer", t, None) for i, t in enumerate(said)])
    if rating is not None:
        s.flush()
        insight.record_rating(s, c.id, source="ivr", satisfaction=rating, now=NOW)
    return c


def test_courses_are_built_once_per_revision_and_rebuilt_when_content_changes(loaded_db):
    with session_scope(loaded_db) as s:
        first = services.courses(s, now=NOW)
        assert [c.key for c in first] == [
            "peak_end",
            "emotions",
            "business_map",
            "scripts",
            "confirmation",
            "escalation",
        ]
        revision = first[0].revision
        assert revision == knowledge.current_revision(s) >= 1
    with session_scope(loaded_db) as s:
        assert services.courses(s, now=NOW) == first  # read back, not rebuilt
        assert count(loaded_db, TrainingCourse) == 6
        content = knowledge.load_content(s)
        script = content.scripts[0]
        edited = replace(script, text="您好，这里是新版的问候语，请讲。")
        knowledge.replace_content(
            s, replace(content, scripts=(edited, *content.scripts[1:])), note="edit"
        )
    with session_scope(loaded_db) as s:
        course, _ = services.course(s, "scripts", now=NOW)
        assert course.revision == revision + 1
        assert course.fingerprint != first[3].fingerprint
        assert "新版的问候语" in "".join(x.markdown for x in course.sections)
        old, _ = services.course(s, "scripts", now=NOW, revision=revision)
        assert "新版的问候语" not in "".join(x.markdown for x in old.sections)
        assert [v["revision"] for v in services.course_versions(s, "scripts")] == [
            revision + 1,
            revision,
        ]
        with pytest.raises(NotFound, match="没有课程"):
            services.course(s, "riddles", now=NOW)
        with pytest.raises(NotFound, match="修订版 999"):
            services.course(s, "scripts", now=NOW, revision=999)


def test_an_empty_database_has_no_courses_and_says_to_load_content(db):
    with session_scope(db) as s, pytest.raises(NotFound, match="moqi init"):
        services.courses(s, now=NOW)


def test_the_emotion_course_quotes_stored_calls_masked(loaded_db):
    with session_scope(loaded_db) as s:
        _contact(s, "ana", "bill_dispute", said=["你们乱扣费，气死我了，我的号码13812345678"])
    with session_scope(loaded_db) as s:
        course, _ = services.course(s, "emotions", now=NOW)
        text = "".join(x.markdown for x in course.sections)
        assert "真实来电摘录" in text and "气死我了" in text
        assert "13812345678" not in text


def test_a_quiz_is_frozen_answered_once_by_its_agent_and_scored(loaded_db):
    add_users(loaded_db, ana="agent/north", bo="agent/south", lee="team_lead/north")
    with session_scope(loaded_db) as s:
        row = services.start_quiz(s, "ana", now=NOW, count=6, seed=5)
        quiz_id, questions = row.id, row.questions
    with session_scope(loaded_db) as s:
        # Content edits after the quiz was made leave it as it was.
        content = knowledge.load_content(s)
        knowledge.replace_content(s, replace(content, scripts=content.scripts[:5]), note="cut")
    with session_scope(loaded_db) as s:
        assert services.get_quiz(s, quiz_id, who("ana")).questions == questions
        with pytest.raises(NotFound):
            services.get_quiz(s, quiz_id, who("bo", team="south"))
        lead = who("lee", "team_lead", "north")
        assert services.get_quiz(s, quiz_id, lead).id == quiz_id
        with pytest.raises(Forbidden, match="本人"):
            services.submit(s, quiz_id, lead, [0] * 6, now=NOW)
        with pytest.raises(Invalid, match="需要 6 个答案"):
            services.submit(s, quiz_id, who("ana"), [0] * 5, now=NOW)
        with pytest.raises(Invalid, match="第 2 题"):
            services.submit(s, quiz_id, who("ana"), [0, 9, 0, 0, 0, 0], now=NOW)
        with pytest.raises(Invalid, match="第 1 题"):
            services.submit(s, quiz_id, who("ana"), [True, 0, 0, 0, 0, 0], now=NOW)
        rights = [q["answer"] for q in questions]
        answers = [rights[0], (rights[1] + 1) % 4, None, *rights[3:]]
        row = services.submit(s, quiz_id, who("ana"), answers, now=NOW)
        assert row.score == 4 and row.total == 6
    with session_scope(loaded_db) as s:
        with pytest.raises(Conflict, match="已经交卷"):
            services.submit(s, quiz_id, who("ana"), answers, now=NOW)
        mine = services.progress(s, "ana")
        assert (mine["quizzes"], mine["right"], mine["asked"]) == (1, 4, 6)
        assert sum(t["asked"] for t in mine["topics"].values()) == 6
        team = services.team_progress(s, who("lee", "team_lead", "north"), now=NOW)
        assert [a["agent"] for a in team] == ["ana"]
        everyone = services.team_progress(s, who("root", "admin", ""), now=NOW)
        assert {a["agent"] for a in everyone} == {"ana", "bo"}
        assert services.team_progress(s, who("x", "team_lead", ""), now=NOW) == []


def test_weak_areas_come_from_the_agents_own_risky_and_low_rated_contacts(loaded_db):
    with session_scope(loaded_db) as s:
        # ana: 4 roaming calls, 3 of them nearly blew up; 3 bill calls rated 2, 2 and 3.
        for risk in (0.8, 0.7, 0.9, 0.1):
            _contact(s, "ana", "roaming_inquiry", risk=risk)
        for score in (2, 2, 3):
            _contact(s, "ana", "bill_dispute", rating=score)
        # The centre: bo handles both calmly and is rated well; an old risky call of ana's
        # is outside the window; two risky calls are too few to judge.
        for _ in range(6):
            _contact(s, "bo", "roaming_inquiry", rating=5)
            _contact(s, "bo", "bill_dispute", rating=5)
        _contact(s, "ana", "broadband_fault", risk=0.9, days_ago=200)
        _contact(s, "ana", "sim_replace", risk=0.9)
        _contact(s, "ana", "sim_replace", risk=0.9)
    with session_scope(loaded_db) as s:
        areas = services.weak_areas(s, "ana", now=NOW)
        assert sorted((a.reason, a.why) for a in areas) == [
            ("bill_dispute", ("rating",)),
            ("roaming_inquiry", ("risk",)),
        ]
        roaming = next(a for a in areas if a.reason == "roaming_inquiry")
        assert roaming.mine.contacts == 4 and roaming.mine.risky == 3
        assert roaming.centre.risky_share == pytest.approx(3 / 10)
        assert roaming.label != "roaming_inquiry"  # the taxonomy's label, not its code
        assert services.weak_areas(s, "bo", now=NOW) == []
        add_users(loaded_db, ana="agent/north", bo="agent/north")
    with session_scope(loaded_db) as s:
        team = services.team_progress(s, who("lee", "team_lead", "north"), now=NOW)
        shown = {a["agent"]: {w["reason"] for w in a["weak_areas"]} for a in team}
        assert shown == {"ana": {"roaming_inquiry", "bill_dispute"}, "bo": set()}
        row = services.start_quiz(s, "ana", now=NOW, count=10, seed=1)
        focused = [q for q in row.questions if q["focus"]]
        assert focused and {q["focus"] for q in focused} <= {"roaming_inquiry", "bill_dispute"}
        assert {f["reason"] for f in row.focus} == {"roaming_inquiry", "bill_dispute"}


def test_an_escalated_ticket_makes_a_calm_call_risky(loaded_db):
    with session_scope(loaded_db) as s:
        contacts = [_contact(s, "ana", "roaming_inquiry") for _ in range(3)]
        s.flush()
        desk.open_ticket(
            s,
            now=NOW,
            contact_id=contacts[0].id,
            kind="complaint",
            priority="urgent",
            title="漫游扣费",
            owner="ana",
            escalation="工信部",
        )
        desk.open_ticket(
            s,
            now=NOW,
            contact_id=contacts[1].id,
            kind="complaint",
            priority="normal",
            title="漫游扣费",
            owner="ana",
        )
        since = NOW - timedelta(days=9)
        assert desk.reason_outcomes(s, since=since, high_risk=0.6) == [
            ("ana", "roaming_inquiry", 3, 1)
        ]
        assert desk.reason_outcomes(s, since=since, high_risk=0.6, agents=[]) == []
        assert desk.reason_outcomes(s, since=since, high_risk=0.6, agents=["bo"]) == []
