"""The portal's tables: the one-time sign-in codes and the customers' sessions. Neither holds a
phone number or a code or a token in the clear: a number is its keyed phone hash, a code and a
token their HMAC / SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class PortalCode(Base):
    """One SMS code asked for a number. Written for an unknown number too (without a customer
    and without an SMS), so the answer, the throttle and the limits are the same either way."""

    __tablename__ = "portal_codes"
    __table_args__ = (Index("ix_portal_codes_phone_created", "phone_key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_key: Mapped[str] = mapped_column(String(80))  # services.phone_key of the number
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True, nullable=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the code under the instance secret
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes typed
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    address: Mapped[str] = mapped_column(String(64), default="")  # client address, masked /24


class PortalSession(Base):
    """A signed-in customer: the cookie holds a random token, this row only its SHA-256."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
