"""Insight's tables: what customers said of a contact (satisfaction 1–5, recommendation 0–10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class ContactRating(Base):
    """One customer's answer about one contact, from one source (the chat widget's rating, the
    IVR's post-call survey, an SMS survey, an imported file); a source answers once per contact,
    a second answer replaces the first."""

    __tablename__ = "contact_ratings"
    __table_args__ = (
        UniqueConstraint("contact_id", "source", name="uq_contact_ratings_source"),
        Index("ix_contact_ratings_answered", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # chat | ivr | sms | import
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1–5
    recommend: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0–10 (NPS)
    comment: Mapped[str] = mapped_column(String(400), default="")  # masked
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
