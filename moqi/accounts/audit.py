"""The audit log: who did what to which thing, and when.

Every capability records through `record()`: admin actions, logins (succeeded, failed, locked
out), and reads of a customer's contacts. The rows are for administrators to read on
/admin/audit; they hold account names and record ids, never personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from moqi.accounts.models import AuditRow
from moqi.db.base import utcnow
from moqi.nlp.mask import mask_pii

# The actions moqi itself records; other capabilities add their own ("contact.read", …), named
# "<thing>.<verb>" so the page can filter by the part before the dot.
ACTIONS = {
    "login.succeeded": "登录成功",
    "login.failed": "登录失败",
    "login.locked_out": "账号被锁定",
    "login.refused": "锁定期间尝试登录",
    "logout": "退出登录",
    "user.created": "新建用户",
    "user.updated": "修改用户",
    "user.deactivated": "停用用户",
    "user.activated": "启用用户",
    "user.password_reset": "重置密码",
    "user.unlocked": "解除锁定",
    "contact.read": "查看客户接触记录",
}
# Who acts when nobody is logged in (a failed login under an unknown name) or from the shell.
NOBODY = "-"
CLI = "cli"
_MAX_TEXT = 500


def _clean(value: Any) -> Any:
    """`value` with personal data masked out of every string, and strings cut to a sane length."""
    if isinstance(value, str):
        return mask_pii(value)[:_MAX_TEXT]
    if isinstance(value, dict):
        return {str(k)[:64]: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clean(str(value))


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str | int,
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditRow:
    """Add one entry to the audit log, in the caller's transaction (it is stored when the
    caller commits, and not at all if the action it records is rolled back)."""
    row = AuditRow(
        at=now or utcnow(),
        actor=(actor or NOBODY)[:64],
        action=action[:64],
        target_kind=target_kind[:32],
        target_id=mask_pii(str(target_id))[:128],
        detail=_clean(detail) if detail else None,
    )
    session.add(row)
    return row


def entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditRow], int]:
    """One page of the log, newest first, and how many entries match in all.

    `action` matches the action itself or every action under it ("login" finds "login.failed");
    `since` is inclusive and `until` exclusive."""
    query = select(AuditRow)
    if actor:
        query = query.where(AuditRow.actor == actor)
    if action:
        query = query.where(
            or_(
                AuditRow.action == action,
                AuditRow.action.startswith(action.rstrip(".") + ".", autoescape=True),
            )
        )
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page, per_page = max(1, page), min(max(1, per_page), 500)
    rows = list(
        session.scalars(
            query.order_by(AuditRow.id.desc()).offset((page - 1) * per_page).limit(per_page)
        )
    )
    return rows, total


def as_dict(row: AuditRow) -> dict:
    """An entry as the API answers it."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite gives it back naive
    return {
        "id": row.id,
        "at": at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "target_kind": row.target_kind,
        "target_id": row.target_id,
        "detail": row.detail,
    }


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments a filter from day `since` to day `until` (both included, UTC) spans."""
    start = datetime.combine(since, time(), tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC) if until else None
    return start, end
