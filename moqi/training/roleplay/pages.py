"""Role-play pages: pick a scenario, the practice call (chat, live mood, score card), and the
team lead's view of the team's sessions. Server-rendered; lines go through the JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from moqi.training.roleplay import services as roleplay
from moqi.web.auth import SessionDep, page_access
from moqi.web.params import Id
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
ROLES = ("agent", "team_lead", "admin")
LEADS = ("team_lead", "admin")
SCRIPT = Path(__file__).resolve().parent / "static" / "roleplay.js"
MOODS = {"calm": "平静", "neutral": "一般", "angry": "生气"}
STATUS = {"active": "进行中", "resolved": "已解决", "hung_up": "客户挂机", "ended": "坐席结束"}
PARTS = {
    "empathy": "共情安抚",
    "correctness": "业务正确",
    "confirmation": "三维确认",
    "closing": "规范结束",
}


def _page(request: Request, name: str, context: dict):
    return templates.TemplateResponse(
        request, name, {**context, "moods": MOODS, "statuses": STATUS, "parts": PARTS}
    )


@router.get("/training/roleplay/roleplay.js")
def script() -> FileResponse:
    """The page's script (a file, as the Content-Security-Policy wants)."""
    return FileResponse(SCRIPT, media_type="text/javascript")


@router.get("/training/roleplay", response_class=HTMLResponse)
def pick(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, ROLES)
    if user is None:
        return redirect
    mine = [s for s in roleplay.listing(session, user) if s["agent"] == user.username]
    return _page(
        request,
        "roleplay_pick.html",
        {"user": user, "scenarios": roleplay.scenario_list(), "mine": mine[:30]},
    )


@router.get("/training/roleplay/team", response_class=HTMLResponse)
def team(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, LEADS)
    if user is None:
        return redirect
    return _page(
        request, "roleplay_team.html", {"user": user, "sessions": roleplay.listing(session, user)}
    )


@router.get("/training/roleplay/{session_id}", response_class=HTMLResponse)
def practice(request: Request, session: SessionDep, session_id: Id):
    user, redirect = page_access(request, session, ROLES)
    if user is None:
        return redirect
    row = roleplay.access(session, session_id, user)
    return _page(
        request,
        "roleplay_session.html",
        {"user": user, "s": roleplay.view(row), "mine": row.agent == user.username},
    )
