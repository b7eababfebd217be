"""Customers with masked identity, their recent events, contacts and utterances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moqi.db.base import Base, utcnow


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
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
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
    """A commitment made on a contact (follow-up or complaint), owned by the agent who took it
    (首问负责制) until resolved, with a due time from the SLA."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), index=True, nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # follow_up | complaint
    reason: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
