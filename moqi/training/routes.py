"""Training's JSON API: courses (everyone who takes calls or leads them), quizzes for agents,
progress for the agent and their team lead."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from moqi.training import services
from moqi.training.courseware import COURSES
from moqi.training.schemas import AnswersIn, QuizIn, quiz_json
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import MAX_ID, Id

router = APIRouter(prefix="/api/training", tags=["training"])
CourseKey = Annotated[str, Path(pattern=f"^({'|'.join(COURSES)})$")]


@router.get("/courses", summary="The courses at the current content revision")
def list_courses(session: SessionDep, user: AgentUser) -> list[dict]:
    return [
        {"key": c.key, "title": c.title, "revision": c.revision, "fingerprint": c.fingerprint}
        for c in services.courses(session, now=now())
    ]


@router.get("/courses/{key}", summary="One course (at a kept revision when given)")
def get_course(
    session: SessionDep,
    user: AgentUser,
    key: CourseKey,
    revision: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict:
    course, built_at = services.course(session, key, now=now(), revision=revision)
    return {
        **course.as_dict(),
        "built_at": built_at.isoformat(),
        "versions": [
            {**v, "built_at": v["built_at"].isoformat()}
            for v in services.course_versions(session, key)
        ],
    }


@router.post("/quizzes", status_code=201, summary="Start a quiz, aimed at the caller's weak areas")
def start_quiz(session: SessionDep, user: AgentUser, body: QuizIn | None = None) -> dict:
    row = services.start_quiz(session, user.username, now=now(), count=(body or QuizIn()).count)
    return quiz_json(row, reveal=False)


@router.get("/quizzes/{quiz_id}", summary="A quiz (answers shown once submitted)")
def get_quiz(session: SessionDep, user: AgentUser, quiz_id: Id) -> dict:
    return quiz_json(services.get_quiz(session, quiz_id, user), reveal=False)


@router.post("/quizzes/{quiz_id}/answers", summary="Answer a quiz once; returns the scored quiz")
def answer_quiz(session: SessionDep, user: AgentUser, quiz_id: Id, body: AnswersIn) -> dict:
    row = services.submit(session, quiz_id, user, body.answers, now=now())
    return quiz_json(row, reveal=True)


@router.get("/me", summary="The caller's progress, weak areas and recent quizzes")
def my_progress(session: SessionDep, user: AgentUser) -> dict:
    return {
        **services.progress(session, user.username),
        "weak_areas": [w.as_dict() for w in services.weak_areas(session, user.username, now=now())],
        "recent": [
            {"id": a.id, "created_at": a.created_at.isoformat(), "score": a.score, "total": a.total}
            for a in services.attempts_of(session, user.username)
        ],
    }


@router.get("/team", summary="Progress of each agent of the lead's team (every agent for admins)")
def team(session: SessionDep, user: LeadUser) -> list[dict]:
    return services.team_progress(session, user, now=now())
