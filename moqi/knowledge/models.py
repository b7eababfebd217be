"""Tables holding the live content; `moqi init` fills them from moqi/data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime, utcnow


class BusinessRow(Base):
    __tablename__ = "businesses"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")


class RelationRow(Base):
    __tablename__ = "business_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    src: Mapped[str] = mapped_column(String(64), index=True)
    dst: Mapped[str] = mapped_column(String(64))
    relation: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


class MomentRow(Base):
    __tablename__ = "moments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(32))
    cues: Mapped[list] = mapped_column(JSON, default=list)


class ReasonRow(Base):
    __tablename__ = "reasons"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(64))
    moment: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    cues: Mapped[list] = mapped_column(JSON, default=list)
    businesses: Mapped[list] = mapped_column(JSON, default=list)
    events: Mapped[dict] = mapped_column(JSON, default=dict)


class LexiconRow(Base):
    __tablename__ = "lexicon_entries"

    word: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[int] = mapped_column(Integer)
    escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    churn: Mapped[bool] = mapped_column(Boolean, default=False)
    domain: Mapped[str] = mapped_column(String(16), default="telecom")


class ModifierRow(Base):
    """Negation words (weight null) and degree adverbs (weight = multiplier)."""

    __tablename__ = "lexicon_modifiers"

    word: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float | None] = mapped_column(Float, nullable=True)


class ScriptRow(Base):
    __tablename__ = "scripts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[str] = mapped_column(String(64), default="*")
    emotion: Mapped[str] = mapped_column(String(32), default="*")
    brand: Mapped[str] = mapped_column(String(32), default="*")
    region: Mapped[str] = mapped_column(String(32), default="*")
    stage: Mapped[str] = mapped_column(String(32), default="*")
    text: Mapped[str] = mapped_column(Text)
    conditions: Mapped[list] = mapped_column(JSON, default=list)  # of SCRIPT_CONDITIONS


class ContentDocRow(Base):
    """Whole structured documents: handling advice, operation phrases."""

    __tablename__ = "content_docs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[Any] = mapped_column(JSON)  # a mapping or a list, as the document's key says


class ContentRevisionRow(Base):
    """One row per change of the live content; the engine rebuilds when the newest id moves."""

    __tablename__ = "content_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class ArticleRow(Base):
    """A published knowledge article (the newest version; older ones are in content_versions)."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text)
    steps: Mapped[list] = mapped_column(JSON, default=list)
    key_points: Mapped[list] = mapped_column(JSON, default=list)
    businesses: Mapped[list] = mapped_column(JSON, default=list)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    brands: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)


class ItemVersionRow(Base):
    """Every published version of a versioned item (article, script, business, lexicon entry).

    `body` is the item's fields as plain JSON; None records that the version deleted it.
    """

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("kind", "key", "version", name="uq_content_versions_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    author: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProposalRow(Base):
    """An agent's proposed new item or change, reviewed by a knowledge editor."""

    __tablename__ = "content_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="workbench")
    source_ref: Mapped[str] = mapped_column(String(64), default="")
    proposer: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    reviewer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ProposalCommentRow(Base):
    """A reviewer's or proposer's comment on a proposal (edits are logged here too)."""

    __tablename__ = "content_proposal_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("content_proposals.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SearchLogRow(Base):
    """One knowledge search (query masked), how many hits it had and what was clicked."""

    __tablename__ = "knowledge_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(String(200))
    hits: Mapped[int] = mapped_column(Integer)
    clicked: Mapped[str | None] = mapped_column(String(100), nullable=True)


class ItemUseRow(Base):
    """An item opened, copied or used in a contact (the "most used" list)."""

    __tablename__ = "knowledge_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(16))


class StoryRow(Base):
    """A success story: how an agent solved a hard case, rated by colleagues."""

    __tablename__ = "success_stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    situation: Mapped[str] = mapped_column(Text)
    what_worked: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    businesses: Mapped[list] = mapped_column(JSON, default=list)
    author: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    proposal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StoryRatingRow(Base):
    """One colleague's 1–5 rating of a story (one per person, changeable)."""

    __tablename__ = "success_story_ratings"
    __table_args__ = (
        UniqueConstraint("story_id", "username", name="uq_success_story_ratings_rater"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("success_stories.id", ondelete="CASCADE"), index=True
    )
    username: Mapped[str] = mapped_column(String(64))
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
