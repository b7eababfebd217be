"""The administration API: users (add, change role/team, deactivate, reset a password, unlock)
and the audit log. Every route is for admins only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from moqi.accounts import audit, services
from moqi.accounts.schemas import PasswordIn, UserIn, UserPatch
from moqi.web.auth import AdminUser, SessionDep
from moqi.web.clock import now

router = APIRouter(prefix="/api/admin", tags=["admin"])


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments a filter from day `since` to day `until` (both included, UTC) spans."""
    start = datetime.combine(since, time(), tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC) if until else None
    return start, end


@router.get("/users", summary="Every user")
def list_users(admin: AdminUser, session: SessionDep) -> dict:
    at = now()
    return {"users": [services.describe(u, at) for u in services.list_users(session)]}


@router.post(
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


@router.get("/users/{username}", summary="One user")
def get_user(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(services.get_user(session, username), now())


@router.patch(
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


@router.post("/users/{username}/deactivate", summary="Deactivate a user and end their logins")
def deactivate(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(
        services.set_active(session, username, False, actor=admin.username), now()
    )


@router.post("/users/{username}/activate", summary="Activate a user again")
def activate(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(
        services.set_active(session, username, True, actor=admin.username), now()
    )


@router.post("/users/{username}/unlock", summary="Lift a lockout after failed logins")
def unlock(username: str, admin: AdminUser, session: SessionDep) -> dict:
    return services.describe(services.unlock(session, username, actor=admin.username), now())


@router.post(
    "/users/{username}/password", summary="Set a new password (a generated one is answered once)"
)
def reset_password(
    username: str, admin: AdminUser, session: SessionDep, body: PasswordIn | None = None
) -> dict:
    generated = services.set_password(
        session, username, body.password if body else None, actor=admin.username
    )
    return {"username": username, **({"password": generated} if generated else {})}


@router.get("/audit", summary="The audit log, newest first")
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
    start, end = day_range(since, until)
    rows, total = audit.entries(
        session, actor=actor, action=action, since=start, until=end, page=page, per_page=per_page
    )
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "entries": [audit.as_dict(r) for r in rows],
    }
