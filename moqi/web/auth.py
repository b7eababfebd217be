"""Who is calling, and may they: HTTP Basic against the users table, checked per route."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy.orm import Session

from moqi.accounts import ROLES
from moqi.accounts.limits import SlidingWindow
from moqi.accounts.logins import LoginBusy, authenticate, user_for_token
from moqi.accounts.models import User
from moqi.db import session_scope
from moqi.settings import get_settings
from moqi.web.clock import now

_basic = HTTPBasic(auto_error=False)


def get_db(request: Request) -> Iterator[Session]:
    """A session per request, committed when the route returns without error."""
    with session_scope(request.app.state.db) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


COOKIE = "moqi_session"


class LoginDenied(Exception):
    """A login attempt refused: 401 for a wrong name or password; 429 with `retry_after`
    seconds when the client address or the account is over its limit, or every password
    check slot is busy (`reason`: "failed", "address", "locked" or "busy")."""

    def __init__(self, status: int, reason: str, retry_after: int = 0):
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after


_limiter_lock = threading.Lock()


def _address_limiter(app) -> SlidingWindow:
    """The app's in-memory count of failed logins per client address (made on first use)."""
    limiter = getattr(app.state, "login_limiter", None)
    if limiter is None:
        with _limiter_lock:
            limiter = getattr(app.state, "login_limiter", None)
            if limiter is None:
                settings = get_settings()
                limiter = app.state.login_limiter = SlidingWindow(
                    settings.login_ip_max_failures, settings.login_ip_window_seconds
                )
    return limiter


def attempt_login(
    request: Request, session: Session, username: str, password: str, *, via: str
) -> User:
    """Check a login from this request's client, within the limits; LoginDenied when refused.

    The attempt counts against the client address before the password is checked (and is
    taken back if it succeeds), so a burst of parallel guesses is cut off at the limit too."""
    limiter = _address_limiter(request.app)
    address = request.client.host if request.client else "unknown"
    stamp = time.monotonic()
    wait = limiter.hit(address, stamp)
    if wait:
        raise LoginDenied(429, "address", wait)
    try:
        result = authenticate(session, username, password, now=now(), via=via)
    except LoginBusy as exc:
        limiter.forgive(address, stamp)  # the server was busy; the client did nothing wrong
        raise LoginDenied(429, "busy", exc.retry_after) from None
    if result.user is None:
        raise (
            LoginDenied(429, "locked", result.retry_after)
            if result.outcome == "locked"
            else LoginDenied(401, "failed")
        )
    limiter.forgive(address, stamp)
    return result.user


_API_MESSAGES = {
    "failed": "wrong username or password",
    "address": "too many failed logins from this address; try again later",
    "locked": "this account is locked after too many failed logins; try again later or ask an administrator to unlock it",
    "busy": "too many logins are being checked at once; try again shortly",
}


def current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> User:
    """The authenticated user (login cookie for pages, HTTP Basic for API clients); 401 otherwise."""
    token = request.cookies.get(COOKIE)
    if token:
        user = user_for_token(session, token, now=now())
        if user is not None:
            return user
    if credentials is None:
        raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Basic"})
    # argon2 is slow by design; the app remembers who passed so a live call is not slowed
    # down on every request. The key holds a hash of the password, never the password.
    # Remembered credentials need no password check, so they pass the login limits too: a
    # flood of bad guesses does not lock out an integration that is already verified.
    _verified: dict = request.app.state.verified_logins
    key = (credentials.username, hashlib.sha256(credentials.password.encode()).hexdigest())
    cached = _verified.get(key)
    if cached:
        user = session.get(User, cached[0])
        if user is not None and user.active and cached[1] == user.password_hash:
            return user
        _verified.pop(key, None)
    try:
        user = attempt_login(
            request, session, credentials.username, credentials.password, via="basic"
        )
    except LoginDenied as denied:
        headers = (
            {"WWW-Authenticate": "Basic"}
            if denied.status == 401
            else {"Retry-After": str(denied.retry_after)}
        )
        raise HTTPException(denied.status, _API_MESSAGES[denied.reason], headers=headers) from None
    _verified[key] = (user.id, user.password_hash)
    return user


def require(*roles: str) -> Callable[..., User]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise HTTPException(
                403, f"role {user.role!r} may not do this; needs one of {', '.join(roles)}"
            )
        return user

    return check


# Who may call a route, named once: every route declares its caller as one of these.
AnyUser = Annotated[User, Depends(require(*ROLES))]
AgentUser = Annotated[User, Depends(require("agent", "team_lead", "admin"))]
DeskUser = Annotated[User, Depends(require("agent", "team_lead", "expert", "admin"))]
LeadUser = Annotated[User, Depends(require("team_lead", "admin"))]
EditorUser = Annotated[User, Depends(require("knowledge_editor", "admin"))]
AdminUser = Annotated[User, Depends(require("admin"))]
PLANNERS = ("team_lead", "admin")  # workforce: the pages check the same roles


def page_user(request: Request, session: Session) -> User | None:
    """The user logged in with the cookie, for pages (they redirect to /login instead of 401)."""
    token = request.cookies.get(COOKIE)
    return user_for_token(session, token, now=now()) if token else None


def page_access(
    request: Request, session: Session, roles: tuple[str, ...]
) -> tuple[User | None, RedirectResponse | None]:
    """For a page: (user, None) when their role may open it, (None, redirect to /login) when
    nobody is logged in; 403 for a role that may not."""
    user = page_user(request, session)
    if user is None:
        return None, RedirectResponse("/login", status_code=303)
    if user.role not in roles:
        raise HTTPException(403, f"role {user.role!r} may not open this page")
    return user, None


def socket_user(websocket: WebSocket, session: Session, roles: tuple[str, ...]) -> User | None:
    """The cookie's user on a WebSocket when their role is one of `roles`, else None."""
    token = websocket.cookies.get(COOKIE)
    user = user_for_token(session, token, now=now()) if token else None
    return user if user is not None and user.role in roles else None
