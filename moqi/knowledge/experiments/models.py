"""Script experiments and the contacts exposed to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime, utcnow


class ExperimentRow(Base):
    """A/B test of one published line (control) against one variant text."""

    __tablename__ = "script_experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    script_id: Mapped[str] = mapped_column(String(32), index=True)
    control_text: Mapped[str] = mapped_column(Text)  # the published line when it was created
    variant_text: Mapped[str] = mapped_column(Text)
    brand: Mapped[str] = mapped_column(String(16), default="")  # "" = every brand
    reason: Mapped[str] = mapped_column(String(64), default="")  # "" = every reason
    outcome: Mapped[str] = mapped_column(String(16), default="emotion")  # emotion | rating
    mde: Mapped[float] = mapped_column(Float)
    sd: Mapped[float] = mapped_column(Float)
    per_arm: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    proposal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ExposureRow(Base):
    """One closed contact in which the experiment's line was shown, with its outcome."""

    __tablename__ = "script_experiment_exposures"
    __table_args__ = (
        UniqueConstraint("experiment_id", "contact_id", name="uq_script_exposures_contact"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("script_experiments.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    arm: Mapped[str] = mapped_column(String(8))
    read_out: Mapped[bool] = mapped_column(Boolean, default=False)
    emotion_change: Mapped[float | None] = mapped_column(Float, nullable=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
