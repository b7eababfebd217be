"""What reports need of the service desk as subqueries another capability's SQL joins on:
tickets with their clocks and outcomes, outbox messages with their sending times, and
customers with their region and brand. Re-exported by services.py."""

from __future__ import annotations

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from moqi.service.models import Customer, Ticket
from moqi.service.outbox.models import OutboxMessage


def ticket_facts() -> Subquery:
    """Each ticket's facts, joinable on `ticket_id`: kind, team, owner, when it was created,
    its first-response and resolution deadlines and when they were met, its resolution code,
    how often the customer reopened it, and the customer's region and brand."""
    return (
        select(
            Ticket.id.label("ticket_id"),
            Ticket.kind,
            Ticket.team,
            Ticket.owner,
            Ticket.status,
            Ticket.created_at,
            Ticket.first_response_due,
            Ticket.first_responded_at,
            Ticket.due_at,
            Ticket.resolved_at,
            Ticket.resolution_code,
            Ticket.reopened,
            func.coalesce(Customer.region, "").label("region"),
            func.coalesce(Customer.brand, "").label("brand"),
        )
        .outerjoin(Customer, Customer.id == Ticket.customer_id)
        .subquery("ticket_facts")
    )


def outbox_facts() -> Subquery:
    """Each outbox message's facts, joinable on `message_id`: channel, kind, status, when it
    was written and when it was sent, and the customer's region and brand."""
    return (
        select(
            OutboxMessage.id.label("message_id"),
            OutboxMessage.channel,
            OutboxMessage.kind,
            OutboxMessage.status,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            func.coalesce(Customer.region, "").label("region"),
            func.coalesce(Customer.brand, "").label("brand"),
        )
        .outerjoin(Customer, Customer.id == OutboxMessage.customer_id)
        .subquery("outbox_facts")
    )


def customer_facts() -> Subquery:
    """Each customer's region and brand, joinable on `customer_id`."""
    return select(Customer.id.label("customer_id"), Customer.region, Customer.brand).subquery(
        "customer_facts"
    )


def customer_counts(session: Session, by: str | None = None) -> dict[str, int]:
    """How many customers are on record, in all ({"": n}) or per region or brand."""
    if by is None:
        return {"": session.scalar(select(func.count()).select_from(Customer)) or 0}
    if by not in ("region", "brand"):
        raise ValueError(f"customers are counted by region or brand, not {by!r}")
    column = getattr(Customer, by)
    return {k or "": n for k, n in session.execute(select(column, func.count()).group_by(column))}
