"""Role-play sessions: one agent practising one scenario against the simulated customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from moqi.db.base import Base, UtcDateTime


class RoleplaySession(Base):
    """A practice call: the scenario as it was played (a copy, so later edits of the content do
    not change what was scored), the seed that chose the customer's wordings, every line said
    (normalised and masked) with the customer's mood after it, and the score card once over."""

    __tablename__ = "roleplay_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    scenario_key: Mapped[str] = mapped_column(String(48))
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[dict] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(
        String(16), default="active"
    )  # active|resolved|hung_up|ended
    turns: Mapped[list] = mapped_column(JSON, default=list)
    anger: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_roleplay_sessions_started_at", "started_at"),)
