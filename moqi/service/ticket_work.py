"""The work on a ticket: changes, notes, replies to the customer, transfers, waits, commitments
and resolving. Every change is a line of history (who, when, old → new)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.service import clocks
from moqi.service.models import Commitment, Ticket, TicketContact, TicketPause
from moqi.service.tickets import (
    LEADS,
    OPEN,
    Closed,
    aware,
    clean,
    get,
    record,
    restart_clocks,
    schedule_alerts,
)


def may_work(ticket: Ticket, *, username: str, role: str) -> None:
    """Only the owner, whoever works on it now, an expert or a lead may change a ticket."""
    if username not in (ticket.owner, ticket.assignee) and role not in (*LEADS, "expert"):
        raise errors.Forbidden(f"ticket {ticket.id} belongs to {ticket.owner} (首问负责)")


def _open(ticket: Ticket) -> None:
    if ticket.status not in OPEN:
        raise Closed(f"ticket {ticket.id} is {ticket.status}")


def change(
    session: Session, ticket_id: int, *, username: str, role: str, now: datetime, **fields
) -> Ticket:
    """Change kind, priority, title, businesses or the escalation flag; each change recorded.
    A new kind or priority restarts the clocks from the ticket's opening under its policy."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    _open(ticket)
    restart = False
    for name, value in fields.items():
        if value is None:
            continue
        if name == "kind" and value not in clocks.KINDS:
            raise errors.Invalid(f"kind must be one of {', '.join(clocks.KINDS)}")
        if name == "priority" and value not in clocks.PRIORITIES:
            raise errors.Invalid(f"priority must be one of {', '.join(clocks.PRIORITIES)}")
        if name == "title":
            value = clean(value, 200)
            if not value:
                raise errors.Invalid("a ticket needs a title")
        if name not in ("kind", "priority", "title", "businesses", "escalated", "escalation"):
            raise errors.Invalid(f"{name} cannot be changed here")
        old = getattr(ticket, name)
        if old == value:
            continue
        setattr(ticket, name, value)
        show = (lambda v: ",".join(v)) if name == "businesses" else str
        record(
            session,
            ticket,
            actor=username,
            kind="change",
            now=now,
            field=name,
            old=show(old),
            new=show(value),
        )
        restart = restart or name in ("kind", "priority")
    if restart:
        restart_clocks(session, ticket, now=now)
    session.flush()
    return ticket


def note(
    session: Session, ticket_id: int, *, username: str, role: str, body: str, now: datetime
) -> Ticket:
    """An internal note (never shown to the customer)."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    text = clean(body, 4000)
    if not text:
        raise errors.Invalid("the note is empty")
    record(session, ticket, actor=username, kind="note", now=now, body=text)
    session.flush()
    return ticket


def reply(
    session: Session, ticket_id: int, *, username: str, role: str, body: str, now: datetime
) -> Ticket:
    """A reply to the customer (shown on the tracking page): the first one meets the first
    response clock, each one restarts the next-update clock."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    _open(ticket)
    text = clean(body, 2000)
    if not text:
        raise errors.Invalid("the reply is empty")
    record(session, ticket, actor=username, kind="reply", now=now, body=text, internal=False)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    restart_clocks(session, ticket, now=now, last=now)
    return ticket


def transfer(
    session: Session, ticket_id: int, *, username: str, role: str, to: str, note: str, now: datetime
) -> Ticket:
    """Hand the work to someone else (another agent, a back office); the owner stays the owner."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    _open(ticket)
    to = to.strip()
    if not to:
        raise errors.Invalid("say who takes the work")
    old, ticket.assignee = ticket.assignee, to
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="assignee",
        old=old,
        new=to,
        body=clean(note, 1000),
    )
    session.flush()
    return ticket


def reassign(
    session: Session,
    ticket_id: int,
    *,
    username: str,
    role: str,
    to: str,
    reason: str,
    now: datetime,
) -> Ticket:
    """Give the ticket a new owner: team leads only, with a reason that is recorded."""
    ticket = get(session, ticket_id)
    if role not in LEADS:
        raise errors.Forbidden("only a team lead may change a ticket's owner (首问负责)")
    why = clean(reason, 1000)
    if not why:
        raise errors.Invalid("say why the ticket changes owner")
    to = to.strip()
    if not to or to == ticket.owner:
        raise errors.Invalid("name a new owner")
    old = ticket.owner
    ticket.owner = to
    if ticket.assignee == old:
        ticket.assignee = to
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="owner",
        old=old,
        new=to,
        body=why,
    )
    session.flush()
    return ticket


def wait_on_customer(
    session: Session, ticket_id: int, *, username: str, role: str, note: str, now: datetime
) -> Ticket:
    """Pause the clocks: the ticket waits for something from the customer."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    if ticket.status != "open":
        raise Closed(f"ticket {ticket.id} is {ticket.status}")
    ticket.status, ticket.paused_at = "waiting", now
    session.add(TicketPause(ticket_id=ticket.id, started_at=now))
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="status",
        old="open",
        new="waiting",
        body=clean(note, 1000),
        internal=False,
    )
    schedule_alerts(ticket, warn_minutes=clocks.desk_settings().warn_minutes)
    session.flush()
    return ticket


def resume(
    session: Session, ticket_id: int, *, actor: str, now: datetime, body: str = ""
) -> Ticket:
    """End a wait (the customer answered, or the agent resumes): the clocks run again, later by
    the working time the wait took."""
    ticket = get(session, ticket_id)
    if ticket.status != "waiting":
        raise Closed(f"ticket {ticket.id} is not waiting on the customer")
    pause = session.scalar(
        select(TicketPause).where(
            TicketPause.ticket_id == ticket.id, TicketPause.ended_at.is_(None)
        )
    )
    if pause is not None:
        pause.ended_at = max(now, aware(pause.started_at))  # type: ignore[type-var]
    ticket.status, ticket.paused_at = "open", None
    record(
        session,
        ticket,
        actor=actor,
        kind="change",
        now=now,
        field="status",
        old="waiting",
        new="open",
        body=body,
        internal=False,
    )
    session.flush()
    restart_clocks(session, ticket, now=now)
    return ticket


def link_contact(
    session: Session, ticket_id: int, contact_id: int, *, actor: str, now: datetime
) -> None:
    """Another contact about the ticket (the customer called again, wrote on WeChat)."""
    ticket = get(session, ticket_id)
    if session.get(TicketContact, (ticket.id, contact_id)) is None:
        session.add(TicketContact(ticket_id=ticket.id, contact_id=contact_id))
        record(
            session,
            ticket,
            actor=actor,
            kind="change",
            now=now,
            field="contact",
            new=str(contact_id),
        )


def commit_to(
    session: Session,
    ticket_id: int,
    *,
    username: str,
    role: str,
    text: str,
    due_at: datetime,
    now: datetime,
    owner: str | None = None,
) -> Commitment:
    """A promise made to the customer, with its own due time and owner (the ticket's owner
    unless said otherwise)."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    _open(ticket)
    what = clean(text, 400)
    if not what:
        raise errors.Invalid("say what was promised")
    if due_at.tzinfo is None:
        raise errors.Invalid("the due time needs a UTC offset")
    if due_at <= now:
        raise errors.Invalid("a promise is due in the future")
    item = Commitment(
        ticket_id=ticket.id,
        text=what,
        owner=(owner or ticket.owner).strip(),
        due_at=due_at,
        created_at=now,
        created_by=username,
        alert_at=due_at - timedelta(minutes=clocks.desk_settings().warn_minutes),
    )
    session.add(item)
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="commitment",
        new=f"{what}（{due_at.isoformat(timespec='minutes')}）",
        internal=False,
    )
    session.flush()
    return item


def keep_commitment(
    session: Session, commitment_id: int, *, username: str, role: str, now: datetime
) -> Commitment:
    """Mark a promise kept."""
    item = session.get(Commitment, commitment_id)
    if item is None:
        raise errors.NotFound(f"no commitment {commitment_id}")
    ticket = get(session, item.ticket_id)
    if username != item.owner:
        may_work(ticket, username=username, role=role)
    if item.done_at is not None:
        raise errors.Conflict(f"commitment {commitment_id} is already kept")
    item.done_at, item.alert_at = now, None
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="commitment",
        old=item.text,
        new="已兑现",
        internal=False,
    )
    session.flush()
    return item


def commitments(session: Session, ticket_id: int) -> list[dict]:
    """The ticket's promises, the earliest due first."""
    rows = session.scalars(
        select(Commitment).where(Commitment.ticket_id == ticket_id).order_by(Commitment.due_at)
    )
    return [
        {
            "id": c.id,
            "text": c.text,
            "owner": c.owner,
            "due_at": aware(c.due_at).isoformat(),  # type: ignore[union-attr]
            "done_at": c.done_at and aware(c.done_at).isoformat(),  # type: ignore[union-attr]
            "created_by": c.created_by,
        }
        for c in rows
    ]
