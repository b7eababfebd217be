"""Tickets: what a contact could not finish, owned by the agent who took the first contact
(首问负责制) until the customer says it is solved. Opening, reading and the SLA clocks; the
work on a ticket is in ticket_work.py, the follow-up with the customer in followup.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.errors import Conflict
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.secret import instance_secret
from moqi.service import clocks
from moqi.service.models import Contact, Ticket, TicketContact, TicketEvent, TicketPause

LEADS = ("team_lead", "admin")
OPEN = ("open", "waiting")  # the clocks run (or stand still while waiting on the customer)
STATUS_LABELS = {
    "open": "处理中",
    "waiting": "等待客户",
    "resolved": "待客户确认",
    "closed": "已关闭",
}
CLOCKS = ("first_response", "update", "resolution")
CLOCK_LABELS = {"first_response": "首次响应", "update": "进展告知", "resolution": "办结"}
TRACKING_DAYS = 30  # a closed ticket's tracking link works this long after closing


class Closed(Conflict):
    """The ticket is no longer open."""


def aware(value: datetime | None) -> datetime | None:
    """A stored time with its UTC offset (SQLite hands timestamps back naive)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def clean(text: str, limit: int) -> str:
    """Text as stored: normalised (traditional → simplified, full-width) and masked."""
    return mask_pii(normalize(text.strip()))[:limit]


def tracking_token(ticket_id: int) -> str:
    """The customer's link token: 192 bits of an HMAC with the instance secret, so only this
    instance can make it and the database (which keeps a hash) cannot give it away."""
    digest = hmac.new(instance_secret(), f"moqi-track:{ticket_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode()


def tracking_key(token: str) -> str:
    """What the ticket stores to find its token: a SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def get(session: Session, ticket_id: int) -> Ticket:
    """A ticket; NotFound otherwise."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise errors.NotFound(f"no ticket {ticket_id}")
    return ticket


def record(
    session: Session,
    ticket: Ticket,
    *,
    actor: str,
    kind: str,
    now: datetime,
    field: str = "",
    old: str = "",
    new: str = "",
    body: str = "",
    internal: bool = True,
) -> TicketEvent:
    """One line of the ticket's history."""
    event = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor=actor,
        kind=kind,
        field=field,
        old=str(old)[:200],
        new=str(new)[:200],
        body=body,
        internal=internal,
    )
    session.add(event)
    ticket.updated_at = now
    return event


def create(
    session: Session,
    *,
    kind: str,
    priority: str,
    title: str,
    owner: str,
    now: datetime,
    team: str = "",
    customer_id: str | None = None,
    contact_id: int | None = None,
    channel: str = "voice",
    businesses: list[str] | tuple[str, ...] = (),
    reason: str = "",
    escalation: str = "",
    description: str = "",
) -> Ticket:
    """Open a ticket with its clocks started from `now`; Invalid for an unknown kind/priority."""
    if kind not in clocks.KINDS:
        raise errors.Invalid(f"kind must be one of {', '.join(clocks.KINDS)}")
    if priority not in clocks.PRIORITIES:
        raise errors.Invalid(f"priority must be one of {', '.join(clocks.PRIORITIES)}")
    title = clean(title, 200)
    if not title:
        raise errors.Invalid("a ticket needs a title")
    policy = clocks.policy(session, kind, priority)
    ticket = Ticket(
        customer_id=customer_id,
        contact_id=contact_id,
        kind=kind,
        priority=priority,
        channel=channel,
        businesses=list(dict.fromkeys(businesses)),
        reason=reason,
        title=title,
        owner=owner,
        assignee=owner,
        team=team,
        status="open",
        escalated=bool(escalation),
        escalation=escalation[:64],
        calendar=policy.calendar,
        created_at=now,
        updated_at=now,
        due_at=now,  # set by restart_clocks below
        alerted="",
    )
    restart_clocks(session, ticket, now=now, stops=[])
    session.add(ticket)
    session.flush()
    ticket.tracking_key = tracking_key(tracking_token(ticket.id))
    if contact_id is not None:
        session.add(TicketContact(ticket_id=ticket.id, contact_id=contact_id))
    record(
        session,
        ticket,
        actor=owner,
        kind="created",
        now=now,
        body=clean(description, 4000),
        new=f"{clocks.KINDS[kind]} · {clocks.PRIORITIES[priority]}",
    )
    session.flush()
    return ticket


def open_for_contact(
    session: Session,
    contact: Contact,
    *,
    reason_label: str,
    now: datetime,
    team: str = "",
    businesses: list[str] | tuple[str, ...] = (),
    escalation: str = "",
) -> Ticket:
    """The ticket promised at wrap-up: its kind from the call's moment of truth and reason, its
    priority from the escalation threat and the call's peak risk. A customer calling again
    about a matter that already has a ticket (same reason, not closed) gets no second ticket:
    the call joins the first one, which takes up a new threat to escalate."""
    again = _still_open(session, contact)
    if again is not None:
        return _called_again(session, again, contact, now=now, escalation=escalation)
    # A fault is a repair job unless the customer threatens to take it further: then it is a
    # complaint, handled under the complaint clocks.
    fault = "fault" in contact.reason or "outage" in contact.reason
    kind = (
        "fault"
        if fault and not escalation
        else "complaint"
        if contact.moment == "complaint" or escalation
        else "consultation"
        if contact.moment == "inquiry"
        else "handling"
    )
    priority = "urgent" if escalation else "high" if contact.peak_risk >= 0.6 else "normal"
    notes = (contact.notes or "").strip()
    first_line = notes.splitlines()[0] if notes else ""
    title = f"{reason_label}：{first_line}" if first_line else reason_label
    return create(
        session,
        kind=kind,
        priority=priority,
        title=title,
        owner=contact.agent,
        team=team,
        now=now,
        customer_id=contact.customer_id,
        contact_id=contact.id,
        channel=contact.channel,
        businesses=businesses,
        reason=contact.reason,
        escalation=escalation,
        description=notes,
    )


def _still_open(session: Session, contact: Contact) -> Ticket | None:
    if contact.customer_id is None or not contact.reason:
        return None
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.customer_id == contact.customer_id,
            Ticket.reason == contact.reason,
            Ticket.status != "closed",
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    )


def _called_again(
    session: Session, ticket: Ticket, contact: Contact, *, now: datetime, escalation: str
) -> Ticket:
    session.add(TicketContact(ticket_id=ticket.id, contact_id=contact.id))
    notes = (contact.notes or "").strip()
    record(
        session,
        ticket,
        actor=contact.agent,
        kind="change",
        now=now,
        field="contact",
        new=str(contact.id),
        body=clean(f"客户再次来电：{notes}" if notes else "客户再次来电", 4000),
    )
    if escalation and not ticket.escalated:
        ticket.escalated, ticket.escalation = True, escalation[:64]
        record(
            session,
            ticket,
            actor=contact.agent,
            kind="change",
            now=now,
            field="escalated",
            old="False",
            new="True",
            body=escalation[:64],
        )
        if ticket.priority != "urgent" and ticket.status in OPEN:
            record(
                session,
                ticket,
                actor=contact.agent,
                kind="change",
                now=now,
                field="priority",
                old=ticket.priority,
                new="urgent",
            )
            ticket.priority = "urgent"
            restart_clocks(session, ticket, now=now)
    session.flush()
    return ticket


def pauses(session: Session, ticket: Ticket) -> list[tuple[datetime, datetime]]:
    """The ticket's closed pauses (waits on the customer) as (from, to)."""
    rows = session.scalars(
        select(TicketPause).where(
            TicketPause.ticket_id == ticket.id, TicketPause.ended_at.is_not(None)
        )
    )
    return [(aware(p.started_at), aware(p.ended_at)) for p in rows]  # type: ignore[misc]


def restart_clocks(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    stops: list[tuple[datetime, datetime]] | None = None,
    last: datetime | None = None,
) -> None:
    """Work the due times out again from the policy, the calendar and the pauses (after
    opening, a change of kind or priority, a reply, or the end of a wait). A caller that knows
    the pauses (none, for a new ticket) or the last reply passes them, saving the queries."""
    policy = clocks.policy(session, ticket.kind, ticket.priority)
    cal = clocks.calendar(session, policy.calendar)
    ticket.calendar = policy.calendar
    if stops is None:
        stops = pauses(session, ticket)
    created = aware(ticket.created_at)
    assert created is not None
    ticket.due_at = cal.due(created, policy.resolution_minutes, stops)
    if ticket.first_responded_at is None:
        ticket.first_response_due = cal.due(created, policy.first_response_minutes, stops)
        ticket.update_due = None
    else:
        last = last or last_update(session, ticket) or aware(ticket.first_responded_at)
        assert last is not None
        ticket.update_due = cal.due(last, policy.next_update_minutes, stops)
    schedule_alerts(ticket, warn_minutes=clocks.desk_settings().warn_minutes)


def last_update(session: Session, ticket: Ticket) -> datetime | None:
    """When the customer last heard from us (a reply on the ticket)."""
    at = session.scalar(
        select(TicketEvent.at)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "reply")
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )
    return aware(at)


def due_of(ticket: Ticket, clock: str) -> datetime | None:
    """A clock's due time, or None when it does not run (met, or waiting on the customer)."""
    if ticket.status != "open":
        return None
    if clock == "first_response":
        return None if ticket.first_responded_at else aware(ticket.first_response_due)
    if clock == "update":
        return aware(ticket.update_due)
    return aware(ticket.due_at)


def schedule_alerts(ticket: Ticket, *, warn_minutes: int) -> None:
    """Set `alert_at` to the next warning or breach the sweep must raise (None: nothing to do,
    e.g. while waiting on the customer)."""
    ticket.alerted, ticket.alert_at = plan_alerts(
        ticket, set(filter(None, ticket.alerted.split(","))), warn_minutes=warn_minutes
    )


def alert_points(ticket: Ticket, *, warn_minutes: int):
    """Each alert the running clocks call for: (clock, stage, when, tag, due), a warning
    `warn_minutes` before each due time and a breach at it. The tag names the due time, so an
    alert raised for one due time is not taken for the next."""
    for clock in CLOCKS:
        due = due_of(ticket, clock)
        if due is None:
            continue
        stamp = f"{int(due.timestamp())}"
        for stage, at in (("warn", due - timedelta(minutes=warn_minutes)), ("breach", due)):
            yield clock, stage, at, f"{clock}:{stage}:{stamp}", due


def plan_alerts(
    ticket: Ticket, raised: set[str], *, warn_minutes: int
) -> tuple[str, datetime | None]:
    """(what stays raised, when the next alert falls due) given the alerts raised so far. A
    raised alert stays raised for the due time it was raised for: a moved due time starts that
    clock's alerts afresh."""
    keep: set[str] = set()
    nxt: datetime | None = None
    for _, _, at, tag, _ in alert_points(ticket, warn_minutes=warn_minutes):
        if tag in raised:
            keep.add(tag)
        elif nxt is None or at < nxt:
            nxt = at
    return ",".join(sorted(keep)), nxt


def add_expert_comment(
    session: Session, ticket_id: int, *, expert: str, body: str, now: datetime
) -> None:
    """An expert's answer on the ticket's history (the virtual expert centre calls this)."""
    ticket = get(session, ticket_id)
    record(session, ticket, actor=expert, kind="expert", now=now, body=clean(body, 4000))
