"""The training API and pages: an agent starts a quiz, answers it once and sees the answers
only then; nobody else answers it or sees it unless they lead the agent's team; bad answers
(wrong types, wrong length, oversized, unknown ids) are refused and keep nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moqi.training.models import QuizAttempt
from tests.conftest import add_users, count, login, serving


@pytest.fixture
def app(loaded_db, db_url):
    add_users(
        loaded_db,
        ana="agent/north",
        bo="agent/south",
        lead="team_lead/north",
        other_lead="team_lead/south",
        editor="knowledge_editor",
    )
    yield from serving(db_url)


def test_an_agent_takes_a_quiz_once_and_sees_the_answers_after(app, loaded_db):
    with TestClient(app):
        ana = login(app, "ana")
        r = ana.post("/api/training/quizzes", json={"count": 5})
        assert r.status_code == 201, r.text
        quiz = r.json()
        assert quiz["total"] == 5 and len(quiz["questions"]) == 5
        assert all("answer" not in q and "explanation" not in q for q in quiz["questions"])
        again = ana.get(f"/api/training/quizzes/{quiz['id']}").json()
        assert all("answer" not in q for q in again["questions"])

        r = ana.post(f"/api/training/quizzes/{quiz['id']}/answers", json={"answers": [0] * 5})
        assert r.status_code == 200, r.text
        scored = r.json()
        rights = [q["answer"] for q in scored["questions"]]
        assert scored["score"] == rights.count(0)
        assert all(q["explanation"] and q["given"] == 0 for q in scored["questions"])

        r = ana.post(f"/api/training/quizzes/{quiz['id']}/answers", json={"answers": [1] * 5})
        assert r.status_code == 409 and "已经交卷" in r.json()["detail"]
        me = ana.get("/api/training/me").json()
        assert me["quizzes"] == 1 and me["asked"] == 5 and me["recent"][0]["id"] == quiz["id"]

        # The lead of ana's team sees it and her progress; the other team's lead does not.
        lead = login(app, "lead")
        assert lead.get(f"/api/training/quizzes/{quiz['id']}").status_code == 200
        assert [a["agent"] for a in lead.get("/api/training/team").json()] == ["ana"]
        other = login(app, "other_lead")
        assert other.get(f"/api/training/quizzes/{quiz['id']}").status_code == 404
        assert [a["agent"] for a in other.get("/api/training/team").json()] == ["bo"]


def test_nobody_answers_someone_elses_quiz(app, loaded_db):
    with TestClient(app):
        ana = login(app, "ana")
        quiz_id = ana.post("/api/training/quizzes", json={"count": 3}).json()["id"]
        bo = login(app, "bo")
        r = bo.post(f"/api/training/quizzes/{quiz_id}/answers", json={"answers": [0, 0, 0]})
        assert r.status_code == 404
        lead = login(app, "lead")
        r = lead.post(f"/api/training/quizzes/{quiz_id}/answers", json={"answers": [0, 0, 0]})
        assert r.status_code == 403 and "本人" in r.json()["detail"]
        r = ana.get(f"/api/training/quizzes/{quiz_id}")
        assert r.json()["submitted_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"answers": ["0", 0, 0]},
        {"answers": [0.0, 0, 0]},
        {"answers": [True, 0, 0]},
        {"answers": [0, 0]},
        {"answers": [0, 0, 7]},
        {"answers": [0, 0, -1]},
        {"answers": [0] * 31},
        {"answers": "0,0,0"},
        {"answers": [0, 0, 0], "score": 3},
        {},
    ],
)
def test_bad_answers_are_refused_and_keep_nothing(app, loaded_db, body):
    with TestClient(app):
        ana = login(app, "ana")
        quiz_id = ana.post("/api/training/quizzes", json={"count": 3}).json()["id"]
        r = ana.post(f"/api/training/quizzes/{quiz_id}/answers", json=body)
        assert r.status_code == 422, r.text
        assert ana.get(f"/api/training/quizzes/{quiz_id}").json()["submitted_at"] is None


@pytest.mark.parametrize(
    "body", [{"count": 0}, {"count": 31}, {"count": "5"}, {"count": 2.5}, {"size": 3}]
)
def test_a_bad_quiz_request_makes_no_quiz(app, loaded_db, body):
    with TestClient(app):
        ana = login(app, "ana")
        assert ana.post("/api/training/quizzes", json=body).status_code == 422
    assert count(loaded_db, QuizAttempt) == 0


def test_unknown_ids_and_courses_are_not_found(app):
    with TestClient(app):
        ana = login(app, "ana")
        assert ana.get("/api/training/quizzes/999999").status_code == 404
        assert (
            ana.post("/api/training/quizzes/999999/answers", json={"answers": []}).status_code
            == 404
        )
        assert ana.get("/api/training/quizzes/0").status_code == 422
        assert ana.get("/api/training/quizzes/99999999999999999999").status_code == 422
        assert ana.get("/api/training/courses/riddles").status_code == 422
        assert ana.get("/api/training/courses/scripts?revision=999").status_code == 404
        assert ana.get("/training/quiz/999999", headers={"accept": "text/html"}).status_code == 404


def test_courses_say_what_content_they_came_from(app):
    with TestClient(app):
        ana = login(app, "ana")
        courses = ana.get("/api/training/courses").json()
        assert [c["key"] for c in courses][:2] == ["peak_end", "emotions"]
        course = ana.get("/api/training/courses/confirmation").json()
        assert course["revision"] >= 1 and course["versions"][0]["revision"] == course["revision"]
        page = ana.get("/training/course/confirmation")
        assert page.status_code == 200
        assert f"依据内容修订版 {course['revision']}" in page.text and "@media print" in page.text
        assert "三维确认" in page.text
        # Traditional characters or other junk in the key are just not a course.
        assert ana.get("/training/course/確認").status_code == 422


def test_the_pages_take_a_quiz_from_start_to_score(app):
    with TestClient(app):
        ana = login(app, "ana")
        home = ana.get("/training")
        assert (
            home.status_code == 200 and "开始测验" in home.text and 'href="/training"' in home.text
        )
        r = ana.post("/training/quiz", data={"count": "3"}, follow_redirects=False)
        assert r.status_code == 303
        url = r.headers["location"]
        page = ana.get(url)
        assert 'type="radio" name="q0"' in page.text and "交卷" in page.text
        r = ana.post(url, data={"q0": "0", "q1": "x"}, follow_redirects=False)
        assert r.status_code == 422
        r = ana.post(url, data={"q0": "0", "q1": "٣"}, follow_redirects=False)
        assert r.status_code == 422
        r = ana.post(url, data={"q0": "0", "q2": "１"}, follow_redirects=False)  # full-width
        assert r.status_code == 303
        done = ana.get(url)
        assert "得分" in done.text and 'type="radio"' not in done.text
        lead = login(app, "lead")
        assert lead.get("/training/team").status_code == 200
        team = lead.get("/training/team").text
        assert "ana" in team and f'href="{url}"' in team
        assert login(app, "bo").get("/training/team").status_code == 403
        assert login(app, "editor").get("/training").status_code == 403


def test_the_home_page_says_why_a_topic_is_suggested(app, loaded_db):
    from datetime import UTC, datetime, timedelta

    from moqi.db import session_scope
    from moqi.service import services as desk

    with session_scope(loaded_db) as s:
        for agent, risk in (("ana", 0.9), ("ana", 0.8), ("ana", 0.1), ("bo", 0.1), ("bo", 0.1)):
            c = desk.create_contact(
                s,
                customer_id=None,
                channel="voice",
                title="",
                agent=agent,
                started_at=datetime.now(UTC) - timedelta(days=2),
            )
            c.reason, c.peak_risk, c.status = "roaming_inquiry", risk, "closed"
    with TestClient(app):
        ana = login(app, "ana")
        home = ana.get("/training").text
        assert (
            "您接待 3 通" in home
            and "其中 2 通客户情绪升到高风险或工单被升级（67%，全中心 40%）" in home
        )
        me = ana.get("/api/training/me").json()
        assert [w["reason"] for w in me["weak_areas"]] == ["roaming_inquiry"]
        r = ana.post("/training/quiz", data={"count": "6"}, follow_redirects=False)
        page = ana.get(r.headers["location"]).text
        assert "针对您的薄弱来电原因" in page and page.count('class="tag">加强') >= 1
