"""Service desk pages: the ticket queues, a ticket with its history and clocks, calendars and
policies (admins), and the customer's tracking page (no login: the link's token is the key).
Staff actions go through the JSON API (routes.py); the tracking page posts plain forms."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from moqi.accounts.limits import SlidingWindow
from moqi.errors import Conflict, MoqiError
from moqi.service import clocks, followup, queues, ticket_work, tickets, tracking
from moqi.settings import get_settings
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.params import Id
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
CHANNELS = {
    "voice": "热线",
    "wechat": "微信",
    "app": "App",
    "sms": "短信",
    "web": "网页",
    "email": "邮件",
}
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")  # staff pages show times as the hotline reads them


def local(iso: str | None) -> str:
    """An ISO time as the desk reads it: 2026-10-12 09:15 in Beijing time."""
    if not iso:
        return ""
    return f"{datetime.fromisoformat(iso).astimezone(DISPLAY_ZONE):%Y-%m-%d %H:%M}"


DESK = ("agent", "team_lead", "expert", "admin")
# The tracking page needs no login: a client address may open it this often (per minute).
TRACKING_PER_MINUTE = 30
_limiter = SlidingWindow(TRACKING_PER_MINUTE, 60)


@router.get("/tickets", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    queue: Literal["mine", "team", "breaching", "all"] = "mine",
    status: Literal["open", "waiting", "resolved", "closed", "all"] = "all",
):
    user, redirect = page_access(request, session, DESK)
    if user is None:
        return redirect
    if queue == "all" and user.role not in tickets.LEADS:
        queue = "team"
    rows = queues.listing(
        session,
        queue=queue,
        username=user.username,
        team=user.team,
        status=None if status == "all" else status,
        now=now(),
    )
    return templates.TemplateResponse(
        request,
        "desk_queue.html",
        {
            "user": user,
            "local": local,
            "rows": rows,
            "queue": queue,
            "status": status,
            "is_lead": user.role in tickets.LEADS,
            "callbacks": queues.callbacks(session, owner=user.username),
            "kinds": clocks.KINDS,
            "priorities": clocks.PRIORITIES,
        },
    )


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(ticket_id: Id, request: Request, session: SessionDep):
    user, redirect = page_access(request, session, DESK)
    if user is None:
        return redirect
    ticket = tickets.get(session, ticket_id)
    at = now()
    return templates.TemplateResponse(
        request,
        "desk_ticket.html",
        {
            "user": user,
            "local": local,
            "channels": CHANNELS,
            "t": queues.as_dict(ticket, at),
            "history": queues.history(session, ticket),
            "commitments": ticket_work.commitments(session, ticket.id),
            "callbacks": queues.callbacks(session, ticket_id=ticket.id, pending_only=False),
            "surveys": queues.surveys(session, ticket.id),
            "tracking_url": followup.tracking_link(get_settings().public_url, ticket.id),
            "codes": clocks.resolution_codes(),
            "kinds": clocks.KINDS,
            "priorities": clocks.PRIORITIES,
            "is_lead": user.role in tickets.LEADS,
            "may_work": user.username in (ticket.owner, ticket.assignee)
            or user.role in (*tickets.LEADS, "expert"),
        },
    )


@router.get("/service/calendars", response_class=HTMLResponse)
def calendars_page(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, ("admin", "team_lead"))
    if user is None:
        return redirect
    return templates.TemplateResponse(
        request,
        "desk_calendars.html",
        {
            "user": user,
            "calendars": clocks.calendars(session),
            "policies": clocks.policies(session),
            "kinds": clocks.KINDS,
            "priorities": clocks.PRIORITIES,
            "days": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            "day_labels": "一二三四五六日",
        },
    )


def _limited(request: Request) -> None:
    address = request.client.host if request.client else "unknown"
    wait = _limiter.hit(address, time.monotonic())
    if wait:
        raise HTTPException(429, "请求过于频繁，请稍后再试", headers={"Retry-After": str(wait)})


@router.get("/t/{token}", response_class=HTMLResponse)
def tracking_page(token: str, request: Request, session: SessionDep, done: str = ""):
    _limited(request)
    ticket = tracking.find(session, token, now=now())
    return templates.TemplateResponse(
        request,
        "desk_tracking.html",
        {
            "user": None,
            "v": tracking.view(session, ticket, now=now()),
            "token": token,
            "done": done,
            "error": "",
        },
        headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"},
    )


def _back(token: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/t/{token}?done={done}", status_code=303)


def _refused(request: Request, session, token: str, exc: MoqiError) -> HTMLResponse:
    ticket = tracking.find(session, token, now=now())
    return templates.TemplateResponse(
        request,
        "desk_tracking.html",
        {
            "user": None,
            "v": tracking.view(session, ticket, now=now()),
            "token": token,
            "done": "",
            "error": exc.message,
        },
        status_code=409 if isinstance(exc, Conflict) else 422,
        headers={"Cache-Control": "no-store"},
    )


def _act(request: Request, session, token: str, done: str, work) -> HTMLResponse | RedirectResponse:
    """What every form of the tracking page does: within the rate limit, find the ticket, do
    the work, go back to the page; a refusal shows the page again with its message."""
    _limited(request)
    ticket = tracking.find(session, token, now=now())
    try:
        work(ticket)
    except MoqiError as exc:
        session.rollback()
        return _refused(request, session, token, exc)
    return _back(token, done)


@router.post("/t/{token}/info")
def tracking_info(
    token: str,
    request: Request,
    session: SessionDep,
    text: Annotated[str, Form(max_length=2000)] = "",
):
    return _act(
        request,
        session,
        token,
        "info",
        lambda t: tracking.add_info(session, t, text=text, now=now()),
    )


@router.post("/t/{token}/survey")
def tracking_survey(
    token: str,
    request: Request,
    session: SessionDep,
    solved: Annotated[Literal["yes", "no"], Form()],
    score: Annotated[int | None, Form(ge=1, le=5)] = None,
    comment: Annotated[str, Form(max_length=1000)] = "",
):
    return _act(
        request,
        session,
        token,
        "survey",
        lambda t: tracking.answer(
            session, t, solved=solved == "yes", score=score, comment=comment, now=now()
        ),
    )


@router.post("/t/{token}/reopen")
def tracking_reopen(
    token: str,
    request: Request,
    session: SessionDep,
    text: Annotated[str, Form(max_length=1000)] = "",
):
    return _act(
        request,
        session,
        token,
        "reopen",
        lambda t: tracking.not_solved(session, t, text=text, now=now()),
    )
