"""Reading the desk: a ticket with its clocks, the queues (mine, my team's, breaching soon),
history, SLA alerts, callbacks and surveys, as plain mappings for the API, pages and CLI."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.service import clocks
from moqi.service.followup import WHY
from moqi.service.models import Callback, Survey, Ticket, TicketContact, TicketEvent
from moqi.service.tickets import CLOCK_LABELS, CLOCKS, OPEN, STATUS_LABELS, aware, due_of


def clock_view(ticket: Ticket, now: datetime) -> list[dict]:
    """Each running clock: due time, minutes left, state (ok, warning, breached)."""
    out = []
    for clock in CLOCKS:
        due = due_of(ticket, clock)
        if due is None:
            continue
        left = (due - now).total_seconds() / 60
        out.append(
            {
                "clock": clock,
                "label": CLOCK_LABELS[clock],
                "due_at": due.isoformat(),
                "minutes_left": round(left),
                "state": "breached" if left < 0 else "warning" if left <= 60 else "ok",
            }
        )
    return out


def as_dict(ticket: Ticket, now: datetime) -> dict:
    """A ticket for the API, the queue and the customer card, with its clocks."""
    due = aware(ticket.due_at)
    assert due is not None
    left = (due - now).total_seconds() / 3600
    running = clock_view(ticket, now)
    return {
        "id": ticket.id,
        "kind": ticket.kind,
        "kind_label": clocks.KINDS.get(ticket.kind, ticket.kind),
        "priority": ticket.priority,
        "priority_label": clocks.PRIORITIES.get(ticket.priority, ticket.priority),
        "title": ticket.title,
        "reason": ticket.reason,
        "businesses": list(ticket.businesses or ()),
        "channel": ticket.channel,
        "customer_id": ticket.customer_id,
        "owner": ticket.owner,
        "assignee": ticket.assignee,
        "team": ticket.team,
        "status": ticket.status,
        "status_label": STATUS_LABELS.get(ticket.status, ticket.status),
        "escalated": ticket.escalated,
        "escalation": ticket.escalation,
        "contact_id": ticket.contact_id,
        "calendar": ticket.calendar,
        "created_at": aware(ticket.created_at).isoformat(),  # type: ignore[union-attr]
        "updated_at": aware(ticket.updated_at).isoformat(),  # type: ignore[union-attr]
        "due_at": due.isoformat(),
        "hours_left": round(left, 1),
        "overdue": ticket.status in OPEN and left < 0,
        "clocks": running,
        "breached": any(c["state"] == "breached" for c in running),
        "warning": any(c["state"] == "warning" for c in running),
        "resolution": ticket.resolution,
        "resolution_code": ticket.resolution_code,
        "customer_answer": ticket.customer_answer,
        "reopened": ticket.reopened,
        "closed_at": ticket.closed_at and aware(ticket.closed_at).isoformat(),  # type: ignore[union-attr]
        "close_reason": ticket.close_reason,
    }


def open_tickets(session: Session, customer_id: str | None, *, now: datetime) -> list[dict]:
    """A customer's tickets not yet closed, the most urgent first (the workbench's card)."""
    if customer_id is None:
        return []
    rows = session.scalars(
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.status != "closed")
        .order_by(Ticket.due_at)
    )
    return [as_dict(t, now) for t in rows]


QUEUES = ("mine", "team", "breaching", "all")


def listing(
    session: Session,
    *,
    queue: str,
    username: str,
    team: str,
    status: str | None,
    now: datetime,
    within_minutes: int = 120,
    limit: int = 200,
) -> list[dict]:
    """A queue, the most urgent first: mine (I own it or work on it), my team's, breaching soon
    (a running clock due within `within_minutes`, or past it), all."""
    query = select(Ticket).order_by(Ticket.due_at).limit(limit)
    if queue == "mine":
        query = query.where(or_(Ticket.owner == username, Ticket.assignee == username))
    elif queue == "team":
        query = query.where(Ticket.team == team)
    elif queue == "breaching":
        soon = now + timedelta(minutes=within_minutes)
        query = query.where(
            Ticket.status == "open",
            or_(
                Ticket.due_at <= soon,
                Ticket.update_due <= soon,
                (Ticket.first_responded_at.is_(None)) & (Ticket.first_response_due <= soon),
            ),
        )
    elif queue != "all":
        raise errors.Invalid(f"queue must be one of {', '.join(QUEUES)}")
    if status:
        query = query.where(Ticket.status == status)
    return [as_dict(t, now) for t in session.scalars(query)]


def history(session: Session, ticket: Ticket, *, internal: bool = True) -> list[dict]:
    """The ticket's history, oldest first (only what the customer may see when not internal)."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    if not internal:
        query = query.where(TicketEvent.internal.is_(False))
    return [
        {
            "id": e.id,
            "at": aware(e.at).isoformat(),  # type: ignore[union-attr]
            "actor": e.actor,
            "kind": e.kind,
            "field": e.field,
            "old": e.old,
            "new": e.new,
            "body": e.body,
            "internal": e.internal,
            "summary": summary(e.kind, e.field, e.old, e.new),
        }
        for e in session.scalars(query)
    ]


FIELD_LABELS = {
    "status": "状态",
    "priority": "优先级",
    "kind": "类型",
    "title": "标题",
    "owner": "首问责任人",
    "assignee": "处理人",
    "businesses": "业务",
    "escalated": "升级风险",
    "escalation": "升级渠道",
    "commitment": "承诺",
    "contact": "关联接触",
}
_VALUES = {
    "status": STATUS_LABELS,
    "priority": clocks.PRIORITIES,
    "kind": clocks.KINDS,
    "escalated": {"True": "是", "False": "否"},
}
_KINDS = {
    "created": "建单",
    "note": "内部备注",
    "reply": "回复客户",
    "expert": "专家意见",
    "customer": "客户反馈",
    "survey": "回访",
    "callback": "外呼回访",
}


def summary(kind: str, field: str, old: str, new: str) -> str:
    """One line of history in words: 把优先级从“普通”改为“紧急”, 首次响应超时, 回复客户."""
    if kind == "change":
        label, values = FIELD_LABELS.get(field, field), _VALUES.get(field, {})
        if field in ("commitment", "contact"):
            return f"{label}：{old}{'→' if old else ''}{new}"
        return f"{label}：“{values.get(old, old) or '—'}” → “{values.get(new, new) or '—'}”"
    if kind == "alert":
        what = "承诺" if field == "commitment" else CLOCK_LABELS.get(field, field)
        return f"⚠ {what}{'即将到期' if new == 'warn' else '超时'}"
    if kind == "created":
        return f"建单（{new}）"
    return _KINDS.get(kind, kind) + (f"：{new}" if kind in ("customer", "callback") and new else "")


def alerts(
    session: Session, *, since: int, username: str, team: str, queue: str, limit: int = 100
) -> list[dict]:
    """SLA warnings and breaches raised after event `since`, newest last: on my tickets, my
    team's, or all (the workbench and the team lead's wall poll this)."""
    query = (
        select(TicketEvent, Ticket)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind == "alert", TicketEvent.id > since)
        .order_by(TicketEvent.id.desc())
        .limit(limit)
    )
    if queue == "mine":
        query = query.where(or_(Ticket.owner == username, Ticket.assignee == username))
    elif queue == "team":
        query = query.where(Ticket.team == team)
    rows = session.execute(query).all()
    return [
        {
            "id": e.id,
            "ticket_id": t.id,
            "title": t.title,
            "owner": t.owner,
            "clock": e.field,
            "stage": e.new,
            "text": e.body,
            "at": aware(e.at).isoformat(),  # type: ignore[union-attr]
        }
        for e, t in reversed(rows)
    ]


def for_contact(session: Session, contact_id: int) -> int | None:
    """The id of the ticket a contact opened or joined, if any."""
    return session.scalar(
        select(TicketContact.ticket_id)
        .where(TicketContact.contact_id == contact_id)
        .order_by(TicketContact.ticket_id.desc())
        .limit(1)
    )


def callbacks(
    session: Session,
    *,
    owner: str | None = None,
    ticket_id: int | None = None,
    pending_only: bool = True,
) -> list[dict]:
    """Callback tasks, the earliest due first."""
    query = select(Callback).order_by(Callback.due_at)
    if owner is not None:
        query = query.where(Callback.owner == owner)
    if ticket_id is not None:
        query = query.where(Callback.ticket_id == ticket_id)
    if pending_only:
        query = query.where(Callback.done_at.is_(None))
    return [
        {
            "id": c.id,
            "ticket_id": c.ticket_id,
            "owner": c.owner,
            "attempt": c.attempt,
            "why": c.why,
            "why_label": WHY[c.why],
            "due_at": aware(c.due_at).isoformat(),  # type: ignore[union-attr]
            "done_at": c.done_at and aware(c.done_at).isoformat(),  # type: ignore[union-attr]
            "outcome": c.outcome,
            "notes": c.notes,
        }
        for c in session.scalars(query)
    ]


def surveys(session: Session, ticket_id: int) -> list[dict]:
    """The ticket's surveys, oldest first."""
    rows = session.scalars(select(Survey).where(Survey.ticket_id == ticket_id).order_by(Survey.id))
    return [
        {
            "id": s.id,
            "channel": s.channel,
            "status": s.status,
            "sent_at": aware(s.sent_at).isoformat(),  # type: ignore[union-attr]
            "solved": s.solved,
            "score": s.score,
            "comment": s.comment,
            "commitment_id": s.commitment_id,
        }
        for s in rows
    ]
