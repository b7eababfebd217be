"""The channels' pages: the routing rules in force as YAML, edited and saved as the next
version (team leads and admins), every version listed and readable; the social posts waiting
for the social team, most urgent first, with their drafted replies and an import form."""

from __future__ import annotations

from typing import Annotated

import yaml
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from moqi.channels import rules, social_intake
from moqi.channels.socialteam.routes import may_answer
from moqi.errors import Forbidden
from moqi.web.auth import SessionDep, page_access
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
EDITORS = ("team_lead", "admin")


@router.get("/channels/routing", response_class=HTMLResponse)
def routing_page(
    request: Request,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=10**6)] = None,
):
    user, redirect = page_access(request, session, EDITORS)
    if user is None:
        return redirect
    number, doc = rules.document(session, version)
    versions = rules.versions(session)
    return templates.TemplateResponse(
        request,
        "routing.html",
        {
            "user": user,
            "version": number,
            "latest": versions[0]["version"] if versions else 0,
            "versions": versions,
            "text": yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
        },
    )


SOCIAL = ("agent", "team_lead", "admin")  # agents: only the social team's (may_answer)
Status = Annotated[str, Query(pattern="^(new|replied|dismissed)$")]


@router.get("/channels/social", response_class=HTMLResponse)
def social_page(request: Request, session: SessionDep, status: Status = "new"):
    user, redirect = page_access(request, session, SOCIAL)
    if user is None:
        return redirect
    try:
        may_answer(user)
    except Forbidden as e:
        raise HTTPException(403, e.message) from e
    posts = social_intake.listing(session, status=status, by_priority=True, drafts=True)
    return templates.TemplateResponse(
        request,
        "social.html",
        {"user": user, "posts": posts, "status": status, "may_import": user.role != "agent"},
    )
