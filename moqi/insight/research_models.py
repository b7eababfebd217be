"""Tables of the fixed customer panel (a sample of customers called back wave after wave) and of
journey research (the need points of a call and the answers imported from a survey)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class Panel(Base):
    """A fixed panel: who was chosen (the segment filter), how many, and the seed of the draw."""

    __tablename__ = "insight_panels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    segment: Mapped[dict] = mapped_column(JSON, default=dict)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    stratify: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class PanelMember(Base):
    __tablename__ = "insight_panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "customer_id", name="uq_panel_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("insight_panels.id", ondelete="CASCADE"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    region: Mapped[str] = mapped_column(String(32), default="")  # when drawn


class PanelWave(Base):
    """One wave: planned for a day, started (tasks made) with the questionnaire of that day."""

    __tablename__ = "insight_panel_waves"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_panel_wave"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("insight_panels.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    questions: Mapped[list] = mapped_column(JSON, default=list)


class PanelTask(Base):
    """A call-back to one member in one wave, for a service manager; the answers when done."""

    __tablename__ = "insight_panel_tasks"
    __table_args__ = (
        UniqueConstraint("wave_id", "member_id", name="uq_panel_task"),
        Index("ix_panel_tasks_owner", "owner", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("insight_panel_waves.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("insight_panel_members.id", ondelete="CASCADE")
    )
    owner: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|answered|unreachable
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_by: Mapped[str] = mapped_column(String(64), default="")


class JourneyNeed(Base):
    """A need point of a stage of the call; retired ones stay (old answers name them)."""

    __tablename__ = "insight_journey_needs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    stage: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)


class JourneyNeedChange(Base):
    """The history of the questionnaire: who added, renamed, retired or restored a need point."""

    __tablename__ = "insight_journey_need_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("insight_journey_needs.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))  # add|rename|retire|restore
    before: Mapped[str] = mapped_column(String(200), default="")
    after: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(64), default="")


class JourneySurvey(Base):
    __tablename__ = "insight_journey_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    respondents: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by: Mapped[str] = mapped_column(String(64), default="")


class JourneyAnswer(Base):
    """One respondent's two scores of one need point (importance and performance, 1–5)."""

    __tablename__ = "insight_journey_answers"
    __table_args__ = (Index("ix_journey_answers_survey", "survey_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("insight_journey_surveys.id", ondelete="CASCADE")
    )
    respondent: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(32), default="")
    brand: Mapped[str] = mapped_column(String(32), default="")
    need_id: Mapped[int] = mapped_column(ForeignKey("insight_journey_needs.id"))
    importance: Mapped[int] = mapped_column(Integer)
    performance: Mapped[int] = mapped_column(Integer)
