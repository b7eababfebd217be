"""Contacts' outcomes by agent and reason, and customers' stored words: what training reads
(through services.py) to find an agent's weak areas and to quote real calls."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from moqi.service.models import Contact, Ticket, Utterance


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def reason_outcomes(
    session: Session, *, since: datetime, high_risk: float, agents: Collection[str] | None = None
) -> list[tuple[str, str, int, int]]:
    """(agent, reason, contacts, risky) of closed contacts begun at `since` or later, where a
    risky contact's peak risk reached `high_risk` or its ticket was escalated; only these
    agents' contacts when `agents` is given. For training's weak areas."""
    if agents is not None and not agents:
        return []
    escalated = (
        select(Ticket.contact_id)
        .where(Ticket.escalated.is_(True), Ticket.contact_id.is_not(None))
        .scalar_subquery()
    )
    risky = case((or_(Contact.peak_risk >= high_risk, Contact.id.in_(escalated)), 1), else_=0)
    query = (
        select(Contact.agent, Contact.reason, func.count(), func.sum(risky))
        .where(Contact.status == "closed", Contact.started_at >= _utc(since), Contact.agent != "")
        .group_by(Contact.agent, Contact.reason)
    )
    if agents is not None:
        query = query.where(Contact.agent.in_(sorted(set(agents))))
    return [(a, r or "", int(n), int(k or 0)) for a, r, n, k in session.execute(query)]


def customer_lines(session: Session, *, limit: int = 5000) -> list[str]:
    """What customers said on closed contacts, newest contact first, as stored (normalised and
    masked): real words for training material."""
    query = (
        select(Utterance.text)
        .join(Contact, Contact.id == Utterance.contact_id)
        .where(Contact.status == "closed", Utterance.speaker == "customer")
        .order_by(Contact.started_at.desc(), Contact.id.desc(), Utterance.turn)
        .limit(limit)
    )
    return list(session.scalars(query))
