"""The expert centre's page: a department's queue with its due clocks, one thread with the
answer form, the duty switch. Server-rendered; actions go through the JSON API (routes.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from moqi.db.base import MAX_ID
from moqi.service.experts import services as experts
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
ROLES = ("expert", "admin")


@router.get("/experts", response_class=HTMLResponse)
def experts_page(
    request: Request,
    session: SessionDep,
    c: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    department: Annotated[str, Query(max_length=32)] = "",
):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    at = now()
    duty = None
    placed = True
    if user.role == "expert":
        me = experts.expert_of(session, user.username)
        placed = me is not None
        department = me.department if me else ""
        duty = experts.duty_of(session, user.username, at) if me else None
    scope = department or None
    queue = answered = []
    if placed:
        queue = experts.listing(
            session, now=at, department=scope, statuses=("open",), soonest_first=True
        )
        answered = experts.listing(
            session, now=at, department=scope, statuses=("answered",), limit=30
        )
    selected = None
    if c is not None:
        consultation = experts.access(session, c, username=user.username, role=user.role)
        selected = experts.view(session, consultation, at)
    return templates.TemplateResponse(
        request,
        "experts.html",
        {
            "user": user,
            "duty": duty,
            "placed": placed,
            "department": department,
            "departments": experts.departments(session, at),
            "queue": queue,
            "answered": answered,
            "selected": selected,
            "can_answer": user.role == "expert" and placed,
            "roster": experts.roster(session) if user.role == "admin" else [],
        },
    )
