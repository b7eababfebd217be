"""Channel intake tables: every inbound message once, and who the senders are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime

# What becomes of a message: waiting for an agent to take its conversation, fed into a live
# contact as a customer utterance, or kept without feeding (events: subscribe, menu clicks).
STATUSES = ("queued", "fed", "kept")


class ChannelMessage(Base):
    """One inbound message, stored once however often the channel retries it."""

    __tablename__ = "channel_messages"
    __table_args__ = (Index("ix_channel_messages_sender_status", "channel", "sender", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # "<channel>:<the adapter's key>" (WeChat: msg:<MsgId> or evt:<openid>:<time>:<event>).
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    sender: Mapped[str] = mapped_column(String(128))  # the channel's id of the customer (openid)
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), index=True, nullable=True
    )
    msg_type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")  # normalised and masked
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(8), default="queued")


class ChannelIdentity(Base):
    """A channel's id of a customer (a WeChat openid) linked to one stored, masked customer."""

    __tablename__ = "channel_identities"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)
