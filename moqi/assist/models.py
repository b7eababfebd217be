"""What the agent was shown: one assist event per utterance, and the confirmations recorded."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base


class AssistEventRow(Base):
    __tablename__ = "assist_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    emotion: Mapped[str] = mapped_column(String(32))
    risk: Mapped[float] = mapped_column(Float)
    moment: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)


class ConfirmationRow(Base):
    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    business_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    business_name: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(32))
    success: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
