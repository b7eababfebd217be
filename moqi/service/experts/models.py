"""Expert departments, the experts in them, and the consultations agents open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moqi.db.base import Base, UtcDateTime


class ExpertDepartment(Base):
    """A department or partner firm whose experts answer agents (content, from YAML)."""

    __tablename__ = "expert_departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    partner: Mapped[bool] = mapped_column(Boolean, default=False)
    businesses: Mapped[list] = mapped_column(JSON, default=list)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    calendar: Mapped[str] = mapped_column(String(64))  # duty hours
    response_minutes: Mapped[int] = mapped_column(Integer, default=30)


class Expert(Base):
    """A user with the expert role, in a department, on duty or not."""

    __tablename__ = "experts"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    department: Mapped[str] = mapped_column(ForeignKey("expert_departments.code"), index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)


class Consultation(Base):
    """An agent's question to the expert centre, from a live contact or a ticket."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True, nullable=True
    )
    business: Mapped[str] = mapped_column(String(64), default="")
    skill: Mapped[str] = mapped_column(String(64), default="")
    department: Mapped[str] = mapped_column(ForeignKey("expert_departments.code"), index=True)
    question: Mapped[str] = mapped_column(Text)  # masked
    asked_by: Mapped[str] = mapped_column(String(64), index=True)
    expert: Mapped[str] = mapped_column(String(64), default="", index=True)  # who took it
    status: Mapped[str] = mapped_column(
        String(16), default="open", index=True
    )  # open | answered | closed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    proposal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    messages: Mapped[list[ConsultationMessage]] = relationship(
        cascade="all, delete-orphan", order_by="ConsultationMessage.id"
    )


class ConsultationMessage(Base):
    """One message of a consultation thread (the agent's question and follow-ups, the answers)."""

    __tablename__ = "consultation_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    author: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # agent | expert
    body: Mapped[str] = mapped_column(Text)  # masked
