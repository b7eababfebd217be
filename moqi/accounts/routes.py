"""Login and logout pages (session cookie), and who am I."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from moqi.accounts.logins import end_login, start_login
from moqi.accounts.models import User
from moqi.settings import get_settings
from moqi.web.auth import COOKIE, LoginDenied, SessionDep, attempt_login, current_user, page_user
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(tags=["accounts"])
HOME = {
    "agent": "/workbench",
    "team_lead": "/wall",
    "admin": "/wall",
    "knowledge_editor": "/knowledge/review",
    "expert": "/knowledge",
}


def _refusal(denied: LoginDenied) -> str:
    """What the login page says when a login is refused."""
    minutes = max(1, math.ceil(denied.retry_after / 60))
    if denied.reason == "address":
        return f"尝试次数过多，请 {minutes} 分钟后再试"
    if denied.reason == "locked":
        return f"账号因多次登录失败已锁定，请 {minutes} 分钟后再试，或联系管理员解锁"
    if denied.reason == "busy":
        return "登录的人太多，请稍后再试"
    return "用户名或密码错误"


@router.get("/", include_in_schema=False)
def root(request: Request, session: SessionDep) -> RedirectResponse:
    user = page_user(request, session)
    return RedirectResponse(
        HOME.get(user.role, "/knowledge") if user else "/login", status_code=303
    )


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
):
    try:
        user = attempt_login(request, session, username, password, via="form")
    except LoginDenied as denied:
        headers = {"Retry-After": str(denied.retry_after)} if denied.status == 429 else None
        return templates.TemplateResponse(
            request,
            "login.html",
            {"error": _refusal(denied), "username": username},
            status_code=denied.status,
            headers=headers,
        )
    token = start_login(session, user, now=now())
    # Commit before answering: the browser follows the redirect at once, and the dependency's
    # own commit may only run after the response has gone out.
    session.commit()
    response = RedirectResponse(HOME.get(user.role, "/knowledge"), status_code=303)
    # Secure when served over HTTPS (MOQI_SECURE_COOKIES), so the token never travels in clear.
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        max_age=86400,
        secure=get_settings().secure_cookies,
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    token = request.cookies.get(COOKIE)
    if token:
        end_login(session, token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/api/me", summary="The logged-in user")
def me(user: Annotated[User, Depends(current_user)]) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "team": user.team,
    }
