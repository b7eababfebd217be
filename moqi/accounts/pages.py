"""Administration pages: users (add, change, deactivate, reset a password, unlock) and the
audit log. Server-rendered forms that post back here; admins only."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from moqi.accounts import ROLES, audit, services
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.errors import status_of
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
ADMINS = ("admin",)
ROLE_LABELS = {
    "agent": "坐席",
    "team_lead": "班长",
    "knowledge_editor": "知识编辑",
    "expert": "专家",
    "admin": "管理员",
}
# What a finished action says on the page it redirects to (by code, so nothing from the URL is shown).
DONE = {
    "created": "已新建用户 {who}",
    "updated": "已保存 {who} 的角色与团队",
    "deactivated": "已停用 {who}，其登录已全部退出",
    "activated": "已启用 {who}",
    "unlocked": "已解除 {who} 的锁定",
    "password": "已为 {who} 设置新密码，其登录已全部退出",
}
PER_PAGE = 50
# Pages with a generated password on them must not stay in a cache.
NO_STORE = {"Cache-Control": "no-store"}


def _users_page(
    request: Request,
    session,
    admin,
    *,
    status: int = 200,
    error: str | None = None,
    message: str | None = None,
    secret: dict | None = None,
    form: dict | None = None,
) -> HTMLResponse:
    at = now()
    users = [services.describe(u, at) for u in services.list_users(session)]
    context = {
        "user": admin,
        "users": users,
        "roles": ROLES,
        "role_labels": ROLE_LABELS,
        "error": error,
        "message": message,
        "secret": secret,
        "form": form or {},
    }
    return templates.TemplateResponse(
        request,
        "admin_users.html",
        context,
        status_code=status,
        headers=NO_STORE if secret else None,
    )


def _done(code: str, who: str) -> RedirectResponse:
    return RedirectResponse(
        f"/admin/users?{urlencode({'done': code, 'who': who})}", status_code=303
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, done: str = "", who: str = ""):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    message = DONE[done].format(who=who[:64]) if done in DONE else None
    return _users_page(request, session, admin, message=message)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=32)],
    display_name: Annotated[str, Form(max_length=64)] = "",
    team: Annotated[str, Form(max_length=64)] = "default",
    password: Annotated[str, Form(max_length=256)] = "",
):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    secret = password or services.new_password(username)
    try:
        services.add_user(
            session, username, secret, role, display_name, team or "default", actor=admin.username
        )
    except services.AccountError as exc:
        session.rollback()
        form = {"username": username, "role": role, "display_name": display_name, "team": team}
        return _users_page(request, session, admin, status=status_of(exc), error=exc.zh, form=form)
    if password:
        return _done("created", username)
    session.flush()
    return _users_page(
        request,
        session,
        admin,
        message=DONE["created"].format(who=username),
        secret={"username": username, "password": secret},
    )


@router.post("/admin/users/{username}/profile", response_class=HTMLResponse)
def update_user(
    request: Request,
    session: SessionDep,
    username: str,
    role: Annotated[str, Form(max_length=32)],
    team: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=64)] = "",
):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    try:
        services.update_user(
            session,
            username,
            actor=admin.username,
            role=role,
            team=team,
            display_name=display_name or None,
        )
    except services.AccountError as exc:
        session.rollback()
        return _users_page(request, session, admin, status=status_of(exc), error=exc.zh)
    return _done("updated", username)


@router.post("/admin/users/{username}/active", response_class=HTMLResponse)
def set_active(
    request: Request, session: SessionDep, username: str, active: Annotated[bool, Form()]
):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    try:
        services.set_active(session, username, active, actor=admin.username)
    except services.AccountError as exc:
        session.rollback()
        return _users_page(request, session, admin, status=status_of(exc), error=exc.zh)
    return _done("activated" if active else "deactivated", username)


@router.post("/admin/users/{username}/unlock", response_class=HTMLResponse)
def unlock(request: Request, session: SessionDep, username: str):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    try:
        services.unlock(session, username, actor=admin.username)
    except services.AccountError as exc:
        session.rollback()
        return _users_page(request, session, admin, status=status_of(exc), error=exc.zh)
    return _done("unlocked", username)


@router.post("/admin/users/{username}/password", response_class=HTMLResponse)
def reset_password(request: Request, session: SessionDep, username: str):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    try:
        secret = services.set_password(session, username, None, actor=admin.username)
    except services.AccountError as exc:
        session.rollback()
        return _users_page(request, session, admin, status=status_of(exc), error=exc.zh)
    session.flush()
    return _users_page(
        request,
        session,
        admin,
        message=DONE["password"].format(who=username),
        secret={"username": username, "password": secret},
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    actor: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
):
    admin, redirect = page_access(request, session, ADMINS)
    if admin is None:  # nobody logged in: to /login
        return redirect
    first, last = _day(since), _day(until)
    start, end = audit.day_range(first, last)
    page = min(max(1, page), 1_000_000)  # an offset past any log, never past what a query holds
    rows, total = audit.entries(
        session,
        actor=actor[:64] or None,
        action=action[:64] or None,
        since=start,
        until=end,
        page=page,
        per_page=PER_PAGE,
    )
    filters = {
        "actor": actor[:64],
        "action": action[:64],
        "since": first.isoformat() if first else "",
        "until": last.isoformat() if last else "",
    }
    pages = max(1, -(-total // PER_PAGE))

    def link(to: int) -> str:
        return "/admin/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": to})

    context = {
        "user": admin,
        "entries": [audit.as_dict(r) for r in rows],
        "total": total,
        "page": page,
        "pages": pages,
        "filters": filters,
        "actions": audit.ACTIONS,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        "bad_dates": (since and not first) or (until and not last),
    }
    return templates.TemplateResponse(request, "admin_audit.html", context)
