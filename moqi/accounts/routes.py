"""Login and logout (session cookie), who am I, and the administration API: users (add, change
role/team, deactivate, reset a password, unlock) and the audit log, for admins only."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from moqi.accounts import audit, services
from moqi.accounts.logins import end_login, start_login
from moqi.accounts.models import User
from moqi.accounts.schemas import PasswordIn, UserIn, UserPatch
from moqi.settings import get_settings
from moqi.web.auth import (
    COOKIE,
    AdminUser,
    LoginDenied,
    SessionDep,
    attempt_login,
    current_user,
    page_user,
)
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(tags=["accounts"])
admin_router = APIRouter(prefix="/api/admin", tags=["admin"])
HOME = {
    "agent": "/workbench",
    "team_lead": "/wall",
    "admin": "/wall",
    "knowledge_editor": "/knowledge/review",
    "expert": "/experts",
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


@admin_router.get("/users", summary="Every user")
def list_users(admin: AdminUser, session: SessionDep) -> dict:
    at = now()
    return {"users": [services.describe(u, at) for u in services.list_users(session)]}


@admin_router.post(
    "/users", status_code=201, summary="Add a user (a generated password is answered once)"
)
def add_user(body: UserIn, admin: AdminUser, session: SessionDep) -> dict:
    password = body.password if body.password is not None else services.new_password(body.username)
    user = services.add_user(
        session,
        body.username,
        password,
        body.role,
        body.display_name,
        body.team,
        actor=admin.username,
    )
    answer = services.describe(user, now())
    if body.password is None:
        answer["password"] = password
    return answer


@admin_router.get("/users/{username}", summary="One user")
def get_user(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(services.get_user(session, username), now())


@admin_router.patch(
    "/users/{username}", summary="Change a user's role, team, display name or active state"
)
def patch_user(username: str, body: UserPatch, admin: AdminUser, session: SessionDep) -> dict:
    user = services.update_user(
        session,
        username,
        actor=admin.username,
        role=body.role,
        team=body.team,
        display_name=body.display_name,
    )
    if body.active is not None:
        user = services.set_active(session, username, body.active, actor=admin.username)
    return services.describe(user, now())


@admin_router.post("/users/{username}/deactivate", summary="Deactivate a user and end their logins")
def deactivate(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(
        services.set_active(session, username, False, actor=admin.username), now()
    )


@admin_router.post("/users/{username}/activate", summary="Activate a user again")
def activate(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(
        services.set_active(session, username, True, actor=admin.username), now()
    )


@admin_router.post("/users/{username}/unlock", summary="Lift a lockout after failed logins")
def unlock(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(services.unlock(session, username, actor=admin.username), now())


@admin_router.post(
    "/users/{username}/password", summary="Set a new password (a generated one is answered once)"
)
def reset_password(
    username: str, admin: AdminUser, session: SessionDep, body: PasswordIn | None = None
) -> dict:
    generated = services.set_password(
        session, username, body.password if body else None, actor=admin.username
    )
    return {"username": username, **({"password": generated} if generated else {})}


@admin_router.get("/audit", summary="The audit log, newest first")
def audit_log(
    admin: AdminUser,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[date | None, Query(description="First day (UTC), included")] = None,
    until: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    start, end = audit.day_range(since, until)
    rows, total = audit.entries(
        session, actor=actor, action=action, since=start, until=end, page=page, per_page=per_page
    )
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "entries": [audit.as_dict(r) for r in rows],
    }
