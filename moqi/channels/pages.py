"""The routing rules page: the rules in force as YAML, edited and saved as the next version
(team leads and admins), every version listed and readable."""

from __future__ import annotations

from typing import Annotated

import yaml
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from moqi.channels import rules
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
