"""Logging in and out: check a password within the limits, lock out guessers, and the browser
logins (a random token in the cookie, only its hash stored).

No database connection is held while a password is hashed (argon2 is slow by design), and only
a few hashes run at once per process: a flood of bad logins cannot stall the live path."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.orm import Session

from moqi.accounts import audit
from moqi.accounts.limits import Busy, HashGate
from moqi.accounts.models import LoginSession, User
from moqi.accounts.services import LoginPolicy, aware, hasher
from moqi.db.base import utcnow

# A run of failures older than this is forgotten: someone who mistypes once a week is never
# locked out by the sum of a year's typos.
FAILURES_FORGOTTEN_AFTER = timedelta(days=1)


LoginBusy = Busy  # every hashing slot was taken: answer 429 with Retry-After, don't queue


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: the user when it succeeded; when the account is locked,
    how many seconds are left."""

    user: User | None
    outcome: Literal["ok", "failed", "locked"]
    retry_after: int = 0


_gate: HashGate | None = None


_gate_lock = threading.Lock()


_dummy: str | None = None


def hash_gate() -> HashGate:
    """The process's bound on concurrent password checks (sized from the settings at first use)."""
    global _gate
    with _gate_lock:
        if _gate is None:
            policy = LoginPolicy.from_settings()
            _gate = HashGate(policy.hash_slots, policy.hash_wait)
        return _gate


def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so they take as long as known ones."""
    global _dummy
    with _gate_lock:
        if _dummy is None:
            _dummy = hasher.hash(secrets.token_urlsafe(32))
        return _dummy


def _verify(password_hash: str, password: str) -> bool:
    """Whether `password` matches, checked in one of the process's few hashing slots (LoginBusy
    when none frees up within the wait)."""
    with hash_gate().slot():
        try:
            return hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _release(session: Session) -> None:
    """End the session's transaction so its connection goes back to the pool.

    argon2 takes tens of milliseconds per check on purpose; a connection held through it
    would let a flood of bad logins empty the pool and stall every other request."""
    session.rollback()


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    via: str = "form",
) -> LoginResult:
    """Check a login: the active user with this name and password, or why not.

    It reads the user, ends the session's transaction (no database connection is held while
    the password is hashed), checks the password in one of the process's few hashing slots
    (LoginBusy when they stay taken), then stores the outcome (failure count, lockout, audit
    entry) and commits, so the record stays even when the request then fails. The session
    may be used again afterwards, as the route that called it does.

    Call it before changing anything in the session: ending the transaction would drop what
    is not yet committed (pending changes are refused with RuntimeError).

    A locked account is refused without a password check; N failures in a row lock it for
    the lockout period (settings), a success resets the count."""
    if session.new or session.dirty or session.deleted:
        # Ending the transaction would silently drop them.
        raise RuntimeError(
            "authenticate() ends its session's transaction: call it before changing anything in that session"
        )
    now = now or utcnow()
    policy = LoginPolicy.from_settings()
    row = session.execute(
        select(User.id, User.password_hash, User.active, User.locked_until).where(
            User.username == username
        )
    ).one_or_none()
    _release(session)
    known = row if row is not None and row.active else None  # an active user's row
    if known is not None:
        until = aware(known.locked_until)
        wait = math.ceil((until - now).total_seconds()) if until is not None else 0
        if wait > 0:
            audit.record(
                session,
                actor=username,
                action="login.refused",
                target_kind="user",
                target_id=username,
                detail={"via": via},
                now=now,
            )
            session.commit()
            return LoginResult(None, "locked", wait)
    # Unknown and inactive names are checked against a dummy hash: they take as long as a
    # wrong password, so timing does not tell which names exist.
    matched = _verify(known.password_hash if known is not None else _dummy_hash(), password)
    if known is not None and matched:
        user = session.get(User, known.id)
        if user is not None and user.active:
            if (
                user.failed_logins
                or user.locked_until is not None
                or user.last_failed_at is not None
            ):
                user.failed_logins, user.locked_until, user.last_failed_at = 0, None, None
            audit.record(
                session,
                actor=username,
                action="login.succeeded",
                target_kind="user",
                target_id=username,
                detail={"via": via},
                now=now,
            )
            session.commit()
            return LoginResult(user, "ok")
    result = _failed(
        session,
        username,
        known.id if known is not None else None,
        reason="bad_password"
        if known is not None
        else ("inactive" if row is not None else "unknown_user"),
        now=now,
        policy=policy,
        via=via,
    )
    session.commit()
    return result


def _failed(
    session: Session,
    username: str,
    user_id: int | None,
    *,
    reason: str,
    now: datetime,
    policy: LoginPolicy,
    via: str,
) -> LoginResult:
    """Count a failed login against the user (locking them out at the limit) and log it."""
    if user_id is None:
        # Not the typed name: it may be a password typed into the wrong field.
        actor = username if reason == "inactive" else audit.NOBODY
        audit.record(
            session,
            actor=actor,
            action="login.failed",
            target_kind="user",
            target_id=actor if reason == "inactive" else "",
            detail={"via": via, "reason": reason},
            now=now,
        )
        return LoginResult(None, "failed")
    # One UPDATE, so failures arriving at once on several workers are all counted.
    stale = now - FAILURES_FORGOTTEN_AFTER
    fresh_run = or_(User.last_failed_at.is_(None), User.last_failed_at < stale)
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            failed_logins=case((fresh_run, 1), else_=User.failed_logins + 1), last_failed_at=now
        )
        .execution_options(synchronize_session=False)
    )
    failures = session.scalar(select(User.failed_logins).where(User.id == user_id)) or 0
    if failures >= policy.max_failures:
        until = now + policy.lockout
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(failed_logins=0, locked_until=until)
            .execution_options(synchronize_session=False)
        )
        detail = {
            "via": via,
            "failures": failures,
            "minutes": int(policy.lockout.total_seconds() // 60),
        }
        audit.record(
            session,
            actor=username,
            action="login.locked_out",
            target_kind="user",
            target_id=username,
            detail=detail,
            now=now,
        )
        return LoginResult(None, "locked", int(policy.lockout.total_seconds()))
    audit.record(
        session,
        actor=username,
        action="login.failed",
        target_kind="user",
        target_id=username,
        detail={"via": via, "reason": reason, "failures": failures},
        now=now,
    )
    return LoginResult(None, "failed")


LOGIN_DAYS = 1


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(session: Session, user: User, *, now: datetime) -> str:
    """A new browser login for `user`; returns the token for the cookie (only its hash is stored)."""
    # Sweep the user's expired logins while we are here, so the table does not only grow.
    session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=now + timedelta(days=LOGIN_DAYS),
        )
    )
    return token


def user_for_token(session: Session, token: str, *, now: datetime) -> User | None:
    """The active user a login token belongs to, while it has not expired."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None:
        return None
    if aware(login.expires_at) <= now:
        return None
    user = session.get(User, login.user_id)
    return user if user is not None and user.active else None


def end_login(session: Session, token: str) -> User | None:
    """Log out: forget the token; returns whose login it was (None for an unknown token)."""
    login = session.get(LoginSession, _token_hash(token))
    if login is None:
        return None
    user = session.get(User, login.user_id)
    session.delete(login)
    if user is not None:
        audit.record(
            session,
            actor=user.username,
            action="logout",
            target_kind="user",
            target_id=user.username,
        )
    return user
