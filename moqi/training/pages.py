"""Training pages: the agent's home (courses, weak areas, start a quiz, history), a course
(readable and printable), a quiz to take and its results, and the lead's view of the team."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from moqi.errors import MoqiError
from moqi.training import services
from moqi.training.courseware import COURSES
from moqi.training.quiz import MAX_QUESTIONS
from moqi.training.routes import CourseKey
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.errors import status_of
from moqi.web.params import MAX_ID, Id
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
LEARNERS = ("agent", "team_lead", "admin")
LEADS = ("team_lead", "admin")
# Course text is Markdown built from content; raw HTML in it is shown as text, never run.
_md = MarkdownIt("commonmark", {"html": False}).enable("table")


@contextmanager
def _as_page_error() -> Iterator[None]:
    """A domain refusal answered as the error page with its status and message."""
    try:
        yield
    except MoqiError as exc:
        raise HTTPException(status_of(exc), exc.message) from exc


@router.get("/training", response_class=HTMLResponse)
def home(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, LEARNERS)
    if user is None:
        return redirect
    with _as_page_error():
        courses = services.courses(session, now=now())
        areas = services.weak_areas(session, user.username, now=now())
    return templates.TemplateResponse(
        request,
        "training_home.html",
        {
            "user": user,
            "courses": courses,
            "areas": areas,
            "progress": services.progress(session, user.username),
            "recent": services.attempts_of(session, user.username),
            "max_questions": MAX_QUESTIONS,
            "days": services.WEAK_DAYS,
        },
    )


@router.get("/training/course/{key}", response_class=HTMLResponse)
def course_page(
    request: Request,
    session: SessionDep,
    key: CourseKey,
    revision: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    user, redirect = page_access(request, session, LEARNERS)
    if user is None:
        return redirect
    with _as_page_error():
        course, built_at = services.course(session, key, now=now(), revision=revision)
    sections = [(s.heading, Markup(_md.render(s.markdown))) for s in course.sections]
    return templates.TemplateResponse(
        request,
        "training_course.html",
        {
            "user": user,
            "course": course,
            "sections": sections,
            "built_at": built_at,
            "versions": services.course_versions(session, key),
            "titles": COURSES,
        },
    )


@router.post("/training/quiz")
def start(
    request: Request,
    session: SessionDep,
    count: Annotated[int, Form(ge=1, le=MAX_QUESTIONS)] = 10,
):
    user, redirect = page_access(request, session, LEARNERS)
    if user is None:
        return redirect
    with _as_page_error():
        row = services.start_quiz(session, user.username, now=now(), count=count)
    return RedirectResponse(f"/training/quiz/{row.id}", status_code=303)


@router.get("/training/quiz/{quiz_id}", response_class=HTMLResponse)
def quiz_page(request: Request, session: SessionDep, quiz_id: Id):
    user, redirect = page_access(request, session, LEARNERS)
    if user is None:
        return redirect
    with _as_page_error():
        row = services.get_quiz(session, quiz_id, user)
    return templates.TemplateResponse(
        request,
        "training_quiz.html",
        {
            "user": user,
            "quiz": row,
            "taking": row.submitted_at is None and row.agent == user.username,
        },
    )


@router.post("/training/quiz/{quiz_id}")
async def answer(request: Request, session: SessionDep, quiz_id: Id):
    user, redirect = page_access(request, session, LEARNERS)
    if user is None:
        return redirect
    form = await request.form()
    with _as_page_error():
        row = services.get_quiz(session, quiz_id, user)
        answers: list[int | None] = []
        for i in range(len(row.questions)):
            given = form.get(f"q{i}")
            if isinstance(given, str):
                given = unicodedata.normalize("NFKC", given).strip()  # full-width digits too
            if given in (None, ""):
                answers.append(None)
            elif isinstance(given, str) and given.isascii() and given.isdigit() and len(given) <= 2:
                answers.append(int(given))
            else:
                raise HTTPException(422, f"第 {i + 1} 题的答案不是选项序号")
        services.submit(session, quiz_id, user, answers, now=now())
    return RedirectResponse(f"/training/quiz/{quiz_id}", status_code=303)


@router.get("/training/team", response_class=HTMLResponse)
def team_page(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, LEADS)
    if user is None:
        return redirect
    return templates.TemplateResponse(
        request,
        "training_team.html",
        {"user": user, "agents": services.team_progress(session, user, now=now())},
    )
