"""The outbox page: what moqi has sent (or will send) to customers, for team leads and admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from moqi.service.outbox import services
from moqi.service.outbox.services import BEIJING
from moqi.web.auth import SessionDep, page_access
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
VIEWERS = ("team_lead", "admin")


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return (
        (value if value.tzinfo else value.replace(tzinfo=UTC))
        .astimezone(BEIJING)
        .strftime("%Y-%m-%d %H:%M")
    )


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(
    request: Request,
    session: SessionDep,
    status: Literal["", "pending", "sending", "sent", "failed"] = "",
    limit: Annotated[int, Query(ge=1, le=services.LIST_MAX)] = 200,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:  # nobody logged in: to /login
        return redirect
    rows = services.listing(session, status or None, limit)
    return templates.TemplateResponse(
        request,
        "outbox.html",
        {
            "user": user,
            "rows": rows,
            "status": status,
            "statuses": services.STATUSES,
            "channels": services.CHANNELS,
            "kinds": services.KINDS,
            "local": _local,
        },
    )
