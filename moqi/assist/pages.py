"""The agent workbench and the team lead's wall (server-rendered pages; data comes over the API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from moqi.assist.services import live_engine
from moqi.service.models import Customer
from moqi.web.auth import SessionDep, page_access
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)


@router.get("/workbench", response_class=HTMLResponse)
@router.get("/workbench/{contact_id}", response_class=HTMLResponse)
def workbench(request: Request, session: SessionDep, contact_id: int | None = None):
    user, redirect = page_access(request, session, ("agent", "admin"))
    if redirect:
        return redirect
    customers = session.scalars(select(Customer).order_by(Customer.id).limit(200)).all()
    reasons = live_engine(session).content.reasons
    return templates.TemplateResponse(
        request,
        "workbench.html",
        {"user": user, "customers": customers, "reasons": reasons, "contact_id": contact_id},
    )


@router.get("/wall", response_class=HTMLResponse)
def wall(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, ("team_lead", "admin"))
    if redirect:
        return redirect
    return templates.TemplateResponse(request, "wall.html", {"user": user})
