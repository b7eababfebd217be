"""Channel intake tables: every inbound message once, and who the senders are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_conversations.id"), index=True, nullable=True
    )
    # The call reason whose self-service path this message used (an SMS command, a menu click):
    # counted as uptake of an agent's offer.
    self_service: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)


class ChannelIdentity(Base):
    """A channel's id of a customer (a WeChat openid) linked to one stored, masked customer."""

    __tablename__ = "channel_identities"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


# A conversation waits in the queue, is routed to an agent (a live contact), and ends when the
# agent wraps the contact up or the customer leaves.
CONVERSATION_STATUSES = ("queued", "routed", "closed")


class Conversation(Base):
    """One customer's conversation on a channel, from the first message to the wrap-up: the
    unit routing queues and hands to an agent."""

    __tablename__ = "channel_conversations"
    __table_args__ = (
        Index("ix_channel_conversations_queue", "status", "priority", "queued_at"),
        Index("ix_channel_conversations_sender", "channel", "sender", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    skill: Mapped[str] = mapped_column(String(32))
    first_skill: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=1)  # index in routing.PRIORITIES
    why: Mapped[str] = mapped_column(String(200), default="")
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    skill_at: Mapped[datetime] = mapped_column(UtcDateTime)  # since when on this skill
    agent: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), index=True, nullable=True
    )
    routed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The customer's last message, and the replies sent since (WeChat's reply window).
    last_inbound_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replies_since_inbound: Mapped[int] = mapped_column(Integer, default=0)
    # Where replies go when the sender id is not the address (SMS: the number, sealed).
    address: Mapped[str] = mapped_column(String(255), default="")
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1–5, from the customer
    rating_note: Mapped[str] = mapped_column(String(200), default="")


class AgentPresence(Base):
    """An agent's presence, chat skills and parallel-chat limit (no row: offline, defaults)."""

    __tablename__ = "agent_presence"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="offline")
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)
    skills: Mapped[dict] = mapped_column(JSON, default=dict)  # {skill: level 1–5}
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    last_routed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RoutingRulesVersion(Base):
    """A version of the routing rules (content: routing.yaml); the highest is in force."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    doc: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class SelfServiceOffer(Base):
    """An agent told a customer the self-service path for their reason (以后发送CXHF到10086…);
    the customer's later use of that path counts as uptake."""

    __tablename__ = "self_service_offers"
    __table_args__ = (UniqueConstraint("contact_id", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), index=True, nullable=True
    )
    agent: Mapped[str] = mapped_column(String(64), index=True)
    team: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(64))
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


# A social post waits for the social team (new), is answered (replied) or set aside (dismissed).
SOCIAL_STATUSES = ("new", "replied", "dismissed")


class SocialPostRow(Base):
    """A public post that mentions the operator (微博, 抖音 …), stored once per platform and id
    however often a listening tool resends it, with its latest counts, the assessment of it,
    the drafted replies and what the social team did. Author and text are masked as parsed."""

    __tablename__ = "social_posts"
    __table_args__ = (
        UniqueConstraint("platform", "post_id", name="uq_social_posts_platform_post"),
        Index("ix_social_posts_status_priority", "status", "priority", "posted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)  # first seen
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)  # last resent
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    comments: Mapped[int] = mapped_column(BigInteger, default=0)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    followers: Mapped[int] = mapped_column(BigInteger, default=0)
    in_reply_to: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The assessment (moqi.channels.social.assess) at the latest reading.
    negative: Mapped[bool] = mapped_column(Boolean, default=False)
    escalating: Mapped[bool] = mapped_column(Boolean, default=False)
    reach: Mapped[float] = mapped_column(Float, default=0.0)
    priority: Mapped[str] = mapped_column(String(8), default="low")
    why: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[list] = mapped_column(JSON, default=list)  # escalation channel codes
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)  # call reason found
    draft_group: Mapped[str] = mapped_column(String(32), default="")
    draft_public: Mapped[str] = mapped_column(Text, default="")
    draft_private: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), index=True, nullable=True
    )
    status: Mapped[str] = mapped_column(String(10), default="new")
    replied_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reply: Mapped[str] = mapped_column(Text, default="")  # as sent, masked
