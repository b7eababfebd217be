"""Tickets: commitments made on a contact, owned by the first agent until resolved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.errors import Conflict, Forbidden, Invalid
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service.models import Contact, Ticket
from moqi.service.services import NotFound
from moqi.service.sla import load_sla

LEADS = ("team_lead", "admin")


class Closed(Conflict):
    """The ticket is no longer open."""


def open_for_contact(
    session: Session, contact: Contact, *, reason_label: str, now: datetime
) -> Ticket:
    """The follow-up promised at wrap-up: a complaint ticket for complaints, else a follow-up."""
    kind = "complaint" if contact.moment == "complaint" else "follow_up"
    first_line = (
        (contact.notes or "").strip().splitlines()[0] if (contact.notes or "").strip() else ""
    )
    title = mask_pii(normalize(f"{reason_label}：{first_line}" if first_line else reason_label))[
        :200
    ]
    ticket = Ticket(
        customer_id=contact.customer_id,
        contact_id=contact.id,
        kind=kind,
        reason=contact.reason,
        title=title,
        owner=contact.agent,
        created_at=now,
        due_at=load_sla().due(contact.reason, contact.moment, now),
    )
    session.add(ticket)
    session.flush()
    return ticket


def as_dict(ticket: Ticket, now: datetime) -> dict:
    """A ticket for the API and the customer card, with its SLA clock."""
    due = ticket.due_at if ticket.due_at.tzinfo else ticket.due_at.replace(tzinfo=now.tzinfo)
    left = (due - now).total_seconds() / 3600
    return {
        "id": ticket.id,
        "kind": ticket.kind,
        "kind_label": "投诉" if ticket.kind == "complaint" else "跟进",
        "title": ticket.title,
        "reason": ticket.reason,
        "owner": ticket.owner,
        "status": ticket.status,
        "contact_id": ticket.contact_id,
        "created_at": ticket.created_at.isoformat(),
        "due_at": due.isoformat(),
        "hours_left": round(left, 1),
        "overdue": ticket.status == "open" and left < 0,
        "resolution": ticket.resolution,
    }


def open_tickets(session: Session, customer_id: str | None, *, now: datetime) -> list[dict]:
    """A customer's open tickets, the most urgent first."""
    if customer_id is None:
        return []
    rows = session.scalars(
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.status == "open")
        .order_by(Ticket.due_at)
    )
    return [as_dict(t, now) for t in rows]


def listing(
    session: Session, *, owner: str | None, status: str | None, now: datetime, limit: int = 200
) -> list[dict]:
    """Tickets, the most urgent first; an owner's own or everyone's."""
    query = select(Ticket).order_by(Ticket.due_at).limit(limit)
    if owner:
        query = query.where(Ticket.owner == owner)
    if status:
        query = query.where(Ticket.status == status)
    return [as_dict(t, now) for t in session.scalars(query)]


def resolve(
    session: Session, ticket_id: int, *, username: str, role: str, resolution: str, now: datetime
) -> Ticket:
    """Close a ticket with what was done; only its owner or a team lead may."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    if ticket.owner != username and role not in LEADS:
        raise Forbidden(f"ticket {ticket_id} belongs to {ticket.owner} (首问负责)")
    if ticket.status != "open":
        raise Closed(f"ticket {ticket_id} is already {ticket.status}")
    if not resolution.strip():
        raise Invalid("say how it was resolved")
    ticket.status, ticket.resolved_at, ticket.resolution = (
        "resolved",
        now,
        mask_pii(normalize(resolution.strip())),
    )
    session.flush()
    return ticket
