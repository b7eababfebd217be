"""Customers with masked identity, their recent events, contacts and utterances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moqi.db.base import Base, UtcDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_masked: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(32), default="")
    phone_masked: Mapped[str] = mapped_column(String(32), default="")
    # Lookup by number without storing it: a keyed hash (see service.services.phone_key).
    phone_key: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    brand: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    plan: Mapped[str] = mapped_column(String(100), default="")
    stage: Mapped[str] = mapped_column(String(32), default="")
    vip: Mapped[str] = mapped_column(String(32), default="")
    tenure_months: Mapped[int] = mapped_column(Integer, default=0)
    arpu: Mapped[float] = mapped_column(Float, default=0.0)

    events: Mapped[list[CustomerEventRow]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="CustomerEventRow.occurred_at.desc()",
    )


class CustomerEventRow(Base):
    __tablename__ = "customer_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="events")


class Contact(Base):
    """One call or chat."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    channel: Mapped[str] = mapped_column(String(16), default="voice")
    agent: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    result: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(String(64), default="")
    moment: Mapped[str] = mapped_column(String(16), default="")
    peak_risk: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="closed")  # open while live
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)

    utterances: Mapped[list[Utterance]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Utterance.turn"
    )


class Utterance(Base):
    __tablename__ = "utterances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)  # masked before it gets here
    ts: Mapped[float | None] = mapped_column(Float, nullable=True)

    contact: Mapped[Contact] = relationship(back_populates="utterances")


class Ticket(Base):
    """What a contact could not finish: owned by the agent who took the first contact (首问负责制)
    until the customer says it is solved, with SLA clocks on a calendar.

    Status: open → (waiting on the customer, clocks paused) → resolved (the agent's word; the
    survey is out) → closed (the customer's word, or the callbacks ran out). A customer who
    says "not solved" reopens it for its owner."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), index=True, nullable=True
    )  # the first contact; later ones are in ticket_contacts
    kind: Mapped[str] = mapped_column(String(16))  # complaint | fault | handling | consultation
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    channel: Mapped[str] = mapped_column(String(16), default="voice")
    businesses: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(64), index=True)  # first-contact owner
    assignee: Mapped[str] = mapped_column(String(64), default="", index=True)  # working on it now
    team: Mapped[str] = mapped_column(String(64), default="", index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation: Mapped[str] = mapped_column(String(64), default="")  # 工信部, 媒体, …
    calendar: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    first_response_due: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    update_due: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # resolution
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The sweep's bookmark: when something is next to be raised (NULL: nothing), and what has
    # been raised already ("first_response:warn", "resolution:breach", …), so a restart neither
    # misses an alert nor raises one twice.
    alert_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    alerted: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolution_code: Mapped[str] = mapped_column(String(32), default="")
    customer_answer: Mapped[str] = mapped_column(String(16), default="")  # solved | not_solved
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    close_reason: Mapped[str] = mapped_column(String(32), default="")
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    # SHA-256 of the customer's tracking token: the token itself is only in the link.
    tracking_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="TicketEvent.id"
    )


class TicketEvent(Base):
    """One line of a ticket's history: a change (field, old → new), a note, a reply, an alert."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))  # a username, "customer" or "system"
    # created | change | note | reply | expert | customer | alert | survey | callback
    kind: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(32), default="")
    old: Mapped[str] = mapped_column(String(200), default="")
    new: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # masked
    internal: Mapped[bool] = mapped_column(Boolean, default=True)  # hidden from the customer

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketContact(Base):
    """Every contact about a ticket (the customer called again, wrote on WeChat, …)."""

    __tablename__ = "ticket_contacts"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )


class TicketPause(Base):
    """A time the ticket waited on the customer: its clocks stood still."""

    __tablename__ = "ticket_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Commitment(Base):
    """A promise made to the customer (call back by 16:00, refund by Friday), with its owner."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(400))
    owner: Mapped[str] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    alert_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    alerted: Mapped[str] = mapped_column(String(40), default="")


class Survey(Base):
    """The short survey sent when a ticket is resolved or a commitment falls due."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), nullable=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # While the survey waits for an answer, when waiting ends (NULL once answered or expired).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="sent")  # sent | answered | expired
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    solved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")


class Callback(Base):
    """An outbound call the owner must make: the customer said "not solved", scored ≤ 2 or did
    not answer the survey."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    why: Mapped[str] = mapped_column(String(16))  # not_solved | low_score | no_answer
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    done_by: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(
        String(16), default=""
    )  # solved | not_solved | unreachable
    notes: Mapped[str] = mapped_column(Text, default="")


class ServiceCalendar(Base):
    """A version of a named calendar (opening periods, holidays, 调休): content, imported from
    YAML; the highest version of a name is in force."""

    __tablename__ = "service_calendars"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100), default="")
    doc: Mapped[dict] = mapped_column(JSON)  # the YAML form, as parse_calendar reads it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class SlaPolicy(Base):
    """Targets per ticket kind × priority, in working minutes on a calendar."""

    __tablename__ = "sla_policies"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    priority: Mapped[str] = mapped_column(String(8), primary_key=True)
    calendar: Mapped[str] = mapped_column(String(64))
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    next_update_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
