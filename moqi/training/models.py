"""Training's tables: courses as built at a content revision, and quiz attempts with their
questions frozen when made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class TrainingCourse(Base):
    """One course as built from one state of the content (revision and fingerprint); a new
    content revision builds a new row, the old one stays as the version it was."""

    __tablename__ = "training_courses"
    __table_args__ = (
        UniqueConstraint("course_key", "revision", name="uq_training_courses_revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_key: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    built_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[Any] = mapped_column(JSON)  # Course.as_dict()


class QuizAttempt(Base):
    """One agent's quiz: the questions as generated (frozen), then the answers and the score."""

    __tablename__ = "training_quizzes"
    __table_args__ = (Index("ix_training_quizzes_agent", "agent", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seed: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    questions: Mapped[Any] = mapped_column(JSON)  # [Question.as_dict()]
    focus: Mapped[Any] = mapped_column(JSON, default=list)  # [WeakArea.as_dict()] it aimed at
    answers: Mapped[Any | None] = mapped_column(JSON, nullable=True)  # [int | None] once submitted
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int] = mapped_column(Integer)
