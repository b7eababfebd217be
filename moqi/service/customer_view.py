"""What a customer may see of their own account, for the self-service portal: the account's
recent events and their open tickets as the tracking page shows them (never an internal note
or an agent's name)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.service import tracking
from moqi.service.models import Customer, Ticket
from moqi.service.tickets import tracking_token


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def customer_account(session: Session, customer_id: str, *, now: datetime) -> dict:
    """What the customer's self-service check reads of their account: title, region, city,
    brand, plan and recent events ({type, days_ago, detail}); NotFound for an unknown id."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise errors.NotFound(f"no customer {customer_id!r}")
    return {
        "id": customer.id,
        "title": customer.title,
        "phone_masked": customer.phone_masked,
        "brand": customer.brand,
        "plan": customer.plan,
        "region": customer.region,
        "city": customer.city,
        "events": [
            {
                "type": e.type,
                "days_ago": max(0.0, (now - _aware(e.occurred_at)).total_seconds() / 86400),
                "detail": e.detail,
            }
            for e in customer.events
        ],
    }


def customer_tickets(session: Session, customer_id: str, *, now: datetime) -> list[dict]:
    """The customer's own tickets not yet closed, as their tracking page shows them (no
    internal note, no agent's name), each with `url`, the path of that page (/t/<token>)."""
    rows = session.scalars(
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.status != "closed")
        .order_by(Ticket.due_at, Ticket.id)
    )
    out = []
    for ticket in rows:
        view = tracking.view(session, ticket, now=now)
        out.append({**view, "state": ticket.status, "url": f"/t/{tracking_token(ticket.id)}"})
    return out
