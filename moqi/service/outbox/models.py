"""The outbox: every message moqi sends a customer, written before any gateway sees it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class OutboxMessage(Base):
    """One message to a customer. `dedupe_key` makes a second write of the same message a no-op,
    so a retried request or a sweep run twice never sends twice."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # sms | wechat | app
    kind: Mapped[str] = mapped_column(String(32))  # survey | notice | payment_reminder | …
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True, nullable=True
    )
    recipient: Mapped[str] = mapped_column(String(64))  # masked: 138****5678
    # The full address, sealed (Fernet, keyed from the instance secret) for the gateway alone;
    # "" when the masked recipient and customer_id are all a gateway needs (docs/outbox.md).
    recipient_sealed: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    consent: Mapped[str] = mapped_column(String(200), default="")  # who agreed, when, how
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    gateway: Mapped[str] = mapped_column(String(16), default="")  # the one that took it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(400), default="")
