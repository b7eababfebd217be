"""Users: create and change them, and the password policy (logging in is moqi.accounts.logins).

Hashes are argon2, never the password itself. Every change an administrator makes, and every
login, is written to the audit log (moqi.accounts.audit)."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast, overload

from argon2 import PasswordHasher
from sqlalchemy import CursorResult, Subquery, delete, func, select
from sqlalchemy.orm import Session

from moqi.accounts import ROLES, audit
from moqi.accounts.models import LoginSession, User
from moqi.accounts.policy import password_problem
from moqi.errors import Conflict, Invalid, NotFound
from moqi.settings import get_settings

hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
# A team is a name people read (可以是中文), one line, no control characters.
_TEAM = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
SYSTEM = "system"  # the actor of changes made by moqi itself (demo users at `moqi init --demo`)


class AccountError(Invalid):
    """A user that cannot be created or changed as asked (422 on the API).

    Carries the message twice: English for the API and the CLI, Chinese for the pages."""

    def __init__(self, message: str, zh: str = ""):
        super().__init__(message)
        self.zh = zh or message


class UnknownUser(NotFound, AccountError):
    """No user has that name (404)."""


class UserConflict(Conflict, AccountError):
    """The change clashes with what is there: the name is taken, the last admin would go (409)."""


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins lock an account, for how long, and how hashing is bounded."""

    max_failures: int
    lockout: timedelta
    hash_slots: int
    hash_wait: float
    min_length: int

    @classmethod
    def from_settings(cls) -> LoginPolicy:
        s = get_settings()
        return cls(
            max_failures=max(1, s.login_user_max_failures),
            lockout=timedelta(minutes=max(1, s.login_lockout_minutes)),
            hash_slots=max(1, s.login_hash_slots),
            hash_wait=max(0.0, s.login_hash_wait_seconds),
            min_length=max(1, s.password_min_length),
        )


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
@overload
def aware(moment: datetime | None) -> datetime | None: ...
def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives timestamps back without their zone; they are all UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


# --- passwords ---------------------------------------------------------------------------


def check_password(password: str, username: str = "") -> None:
    """Refuse a password the policy does not allow (AccountError saying why)."""
    problem = password_problem(
        password, username, min_length=LoginPolicy.from_settings().min_length
    )
    if problem:
        raise AccountError(*problem)


def new_password(username: str = "") -> str:
    """A random password that passes the policy, good enough to print for a new user."""
    nbytes = max(12, math.ceil(LoginPolicy.from_settings().min_length * 3 / 4) + 1)
    while True:
        password = secrets.token_urlsafe(nbytes)
        # Rarely a random string contains a short username or looks like a word: draw again.
        if (
            password_problem(password, username, min_length=LoginPolicy.from_settings().min_length)
            is None
        ):
            return password


def hash_password(password: str) -> str:
    """The argon2 hash stored for a password."""
    return hasher.hash(password)


# --- users -------------------------------------------------------------------------------


def _check_fields(
    *, role: str | None = None, team: str | None = None, display_name: str | None = None
) -> None:
    if role is not None and role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}", f"未知角色 {role}")
    if team is not None and not _TEAM.match(team):
        raise AccountError("a team name is 1–64 characters on one line", "团队名称须为 1–64 个字符")
    if display_name is not None and (
        len(display_name) > 64 or not _TEAM.match(display_name or "x")
    ):
        raise AccountError(
            "a display name is at most 64 characters on one line", "显示名称最多 64 个字符"
        )


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    team: str = "default",
    *,
    actor: str = SYSTEM,
) -> User:
    """Create a user with an argon2-hashed password that passes the password policy."""
    if not _USERNAME.match(username):
        raise AccountError(
            "username must be 2–64 letters, digits, _ . or -",
            "用户名须为 2–64 个字母、数字或 _ . -",
        )
    team = team.strip()
    _check_fields(role=role, team=team, display_name=display_name)
    check_password(password, username)
    # Hash before touching the database, so no connection is held while argon2 works.
    password_hash = hash_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserConflict(f"user {username!r} already exists", f"用户 {username} 已存在")
    user = User(
        username=username,
        password_hash=password_hash,
        role=role,
        display_name=display_name or username,
        team=team,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.created",
        target_kind="user",
        target_id=username,
        detail={"role": role, "team": team},
    )
    return user


def get_user(session: Session, username: str) -> User:
    """The user with this name (UnknownUser when there is none)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(f"no user {username!r}", f"没有用户 {username}")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def locked_for(user: User, now: datetime) -> int:
    """Seconds left of the user's lockout (0: not locked)."""
    until = aware(user.locked_until)
    return max(0, math.ceil((until - now).total_seconds())) if until is not None else 0


def describe(user: User, now: datetime) -> dict:
    """A user as the API and the CLI show it (never the hash)."""
    locked = locked_for(user, now)
    until = aware(user.locked_until)  # set whenever the user is locked
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "team": user.team,
        "active": user.active,
        "locked": locked > 0,
        "locked_until": until.isoformat() if locked and until is not None else None,
        "failed_logins": user.failed_logins,
        "created_at": aware(user.created_at).isoformat(),
    }


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to remove the last active admin: nobody could administer the centre any more."""
    if user.role != "admin" or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise UserConflict("at least one active admin must remain", "至少需要保留一个启用的管理员")


def end_user_logins(session: Session, user: User) -> int:
    """Log the user out of every browser; returns how many logins ended."""
    # A DELETE run through the session answers with a CursorResult (which has the rowcount);
    # Session.execute is typed for any statement, so it says only Result.
    result = cast(
        "CursorResult[Any]",
        session.execute(
            delete(LoginSession)
            .where(LoginSession.user_id == user.id)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount or 0


def set_active(session: Session, username: str, active: bool, *, actor: str) -> User:
    """Activate or deactivate a user; deactivating also ends every login they have."""
    user = get_user(session, username)
    if user.active == active:
        return user
    if not active:
        if username == actor:
            raise UserConflict("you cannot deactivate yourself", "不能停用自己的账号")
        _keep_an_admin(session, user)
    user.active = active
    ended = 0 if active else end_user_logins(session, user)
    audit.record(
        session,
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        target_kind="user",
        target_id=username,
        detail=None if active else {"logins_ended": ended},
    )
    return user


def update_user(
    session: Session,
    username: str,
    *,
    actor: str,
    role: str | None = None,
    team: str | None = None,
    display_name: str | None = None,
) -> User:
    """Change a user's role, team or display name (what is None stays as it is)."""
    user = get_user(session, username)
    team = team.strip() if team is not None else None
    _check_fields(role=role, team=team, display_name=display_name)
    changes: dict[str, list[str]] = {}
    if role is not None and role != user.role:
        _keep_an_admin(session, user)
        changes["role"] = [user.role, role]
        user.role = role
    if team is not None and team != user.team:
        changes["team"] = [user.team, team]
        user.team = team
    if display_name is not None and display_name != user.display_name:
        # The name itself may be personal data: the log says it changed, not to what.
        changes["display_name"] = ["…", "…"]
        user.display_name = display_name or user.username
    if changes:
        audit.record(
            session,
            actor=actor,
            action="user.updated",
            target_kind="user",
            target_id=username,
            detail=changes,
        )
    return user


def set_password(
    session: Session, username: str, password: str | None, *, actor: str
) -> str | None:
    """Give the user a new password (a generated one when `password` is None, which is then
    returned, to be shown once); ends their logins and lifts a lockout."""
    user = get_user(session, username)
    generated = password is None
    secret = new_password(username) if password is None else password
    check_password(secret, username)
    user.password_hash = hash_password(secret)
    user.failed_logins, user.locked_until, user.last_failed_at = 0, None, None
    ended = end_user_logins(session, user)
    audit.record(
        session,
        actor=actor,
        action="user.password_reset",
        target_kind="user",
        target_id=username,
        detail={"generated": generated, "logins_ended": ended},
    )
    return secret if generated else None


def unlock(session: Session, username: str, *, actor: str) -> User:
    """Lift a lockout now and forget the failed logins that led to it."""
    user = get_user(session, username)
    was_locked = user.locked_until is not None or user.failed_logins > 0
    user.failed_logins, user.locked_until, user.last_failed_at = 0, None, None
    if was_locked:
        audit.record(
            session, actor=actor, action="user.unlocked", target_kind="user", target_id=username
        )
    return user


# --- logging in --------------------------------------------------------------------------


def user_teams() -> Subquery:
    """Each user's team, as a subquery other capabilities' reports join on `username`."""
    return select(User.username, User.team).subquery("user_teams")
