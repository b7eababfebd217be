"""Workforce tables: queues (skills), ACD import batches and the interval rows they brought."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime, utcnow


class QueueRow(Base):
    """A queue (skill group) whose calls the ACD reports per interval."""

    __tablename__ = "wfm_queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    interval_min: Mapped[int] = mapped_column(Integer)
    threshold_s: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ImportRow(Base):
    """One ACD file imported into a queue, as a whole or not at all."""

    __tablename__ = "wfm_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("wfm_queues.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    first_start: Mapped[datetime] = mapped_column(DateTime)
    last_start: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class IntervalRow(Base):
    """One ACD interval of one queue; `start` is the local wall-clock time the interval opens."""

    __tablename__ = "wfm_intervals"
    __table_args__ = (UniqueConstraint("queue_id", "start", name="uq_wfm_intervals_queue_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("wfm_queues.id", ondelete="CASCADE"), index=True
    )
    import_id: Mapped[int] = mapped_column(
        ForeignKey("wfm_imports.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime] = mapped_column(DateTime)
    offered: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)
    answered_in_threshold: Mapped[int] = mapped_column(Integer)
    aht_s: Mapped[float] = mapped_column(Float)
    agents: Mapped[float] = mapped_column(Float)
    asa_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    abandoned_in_threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DocumentRow(Base):
    """A version of one of the workforce's run-time documents (holidays, roster rules, ACD column
    names), kept as the YAML its author wrote, comments included; the highest version is in force."""

    __tablename__ = "wfm_documents"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
