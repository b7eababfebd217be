"""What the agent was shown: one assist event per utterance, and the confirmations recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime, utcnow


class AssistEventRow(Base):
    __tablename__ = "assist_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    emotion: Mapped[str] = mapped_column(String(32))
    risk: Mapped[float] = mapped_column(Float)
    moment: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)


class ConfirmationRow(Base):
    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int] = mapped_column(Integer)
    business_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    business_name: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(32))
    success: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    # The call's turn when the agent recorded the customer's answer through the workbench (None:
    # unanswered, or answered in the customer's own words, which the stored utterances replay).
    answered_turn: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AlertRow(Base):
    """A contact crossed the risk threshold; the team lead's wall keeps the history."""

    __tablename__ = "assist_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    agent: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    risk: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WhisperRow(Base):
    """A team lead's private message to an agent during a contact."""

    __tablename__ = "assist_whispers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DeadLetterRow(Base):
    """Rows the live writer could not store even one unit at a time: kept here, never dropped,
    for an admin to read and repair (the payload is JSON text with every character escaped)."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
