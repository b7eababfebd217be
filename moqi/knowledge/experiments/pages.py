"""The experiments page (/knowledge/experiments): design, start, stop, read and propose."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from moqi.content.model import BRANDS
from moqi.knowledge.experiments import services
from moqi.web.auth import SessionDep, page_access
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
EDITORS = ("knowledge_editor", "admin")


@router.get("/knowledge/experiments", response_class=HTMLResponse)
def experiments_page(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, EDITORS)
    if user is None:
        return redirect
    reports = [services.report(session, e.id) for e in services.listing(session)]
    return templates.TemplateResponse(
        request,
        "kb_experiments.html",
        {
            "user": user,
            "reports": reports,
            "brands": BRANDS,
            "outcomes": services.OUTCOMES,
        },
    )
