"""Who is calling, and may they: HTTP Basic against the users table, checked per route."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy.orm import Session

from moqi.accounts.models import User
from moqi.accounts.services import authenticate, user_for_token
from moqi.db import session_scope
from moqi.web.clock import now

_basic = HTTPBasic(auto_error=False)


def get_db(request: Request) -> Iterator[Session]:
    """A session per request, committed when the route returns without error."""
    with session_scope(request.app.state.db) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


COOKIE = "moqi_session"


def current_user(request: Request, session: SessionDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> User:
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
    _verified: dict = request.app.state.verified_logins
    key = (credentials.username, hashlib.sha256(credentials.password.encode()).hexdigest())
    cached = _verified.get(key)
    user = session.get(User, cached[0]) if cached else authenticate(session, credentials.username, credentials.password)
    if user is None or not user.active or (cached and cached[1] != user.password_hash):
        _verified.pop(key, None)
        raise HTTPException(401, "wrong username or password", headers={"WWW-Authenticate": "Basic"})
    _verified[key] = (user.id, user.password_hash)
    return user


def require(*roles: str) -> Callable[..., User]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise HTTPException(403, f"role {user.role!r} may not do this; needs one of {', '.join(roles)}")
        return user

    return check


def page_user(request: Request, session: Session) -> User | None:
    """The user logged in with the cookie, for pages (they redirect to /login instead of 401)."""
    token = request.cookies.get(COOKIE)
    return user_for_token(session, token, now=now()) if token else None


def page_access(request: Request, session: Session, roles: tuple[str, ...]) -> tuple[User | None, RedirectResponse | None]:
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
