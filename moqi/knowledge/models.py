"""Tables holding the live content; `moqi init` fills them from moqi/data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, utcnow


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


class ContentDocRow(Base):
    """Whole structured documents: handling advice, operation phrases."""

    __tablename__ = "content_docs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[dict] = mapped_column(JSON)


class ContentRevisionRow(Base):
    """One row per change of the live content; the engine rebuilds when the newest id moves."""

    __tablename__ = "content_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
