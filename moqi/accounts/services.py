"""Create users and check passwords; hashes are argon2, never the password itself."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.accounts import ROLES
from moqi.accounts.models import LoginSession, User

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


class AccountError(ValueError):
    """A user that cannot be created as asked."""


def new_password() -> str:
    """A random password good enough to print for a demo user."""
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    """The argon2 hash stored for a password."""
    return _hasher.hash(password)


def add_user(session: Session, username: str, password: str, role: str, display_name: str = "", team: str = "default") -> User:
    """Create a user with an argon2-hashed password."""
    if not _USERNAME.match(username):
        raise AccountError("username must be 2–64 letters, digits, _ . or -")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise AccountError("password must have at least 8 characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role, display_name=display_name or username, team=team)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        # Hash anyway so a wrong name takes as long as a wrong password.
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


LOGIN_DAYS = 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(session: Session, user: User, *, now: datetime) -> str:
    """A new browser login for `user`; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_token_hash(token), user_id=user.id, expires_at=now + timedelta(days=LOGIN_DAYS)))
    return token


def user_for_token(session: Session, token: str, *, now: datetime) -> User | None:
    """The active user a login token belongs to, while it has not expired."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None:
        return None
    expires = login.expires_at if login.expires_at.tzinfo else login.expires_at.replace(tzinfo=UTC)
    if expires <= now:
        return None
    user = session.get(User, login.user_id)
    return user if user is not None and user.active else None


def end_login(session: Session, token: str) -> None:
    """Log out: forget the token."""
    login = session.get(LoginSession, _token_hash(token))
    if login is not None:
        session.delete(login)
