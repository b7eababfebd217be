"""role-play sessions

Agents practise against a simulated customer built from real dialogues: one row per practice
call, with the scenario played, the seed, the masked transcript with the mood after each line,
and the score card.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 22:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "roleplay_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("scenario_key", sa.String(length=48), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("anger", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roleplay_sessions_agent", "roleplay_sessions", ["agent"])
    op.create_index("ix_roleplay_sessions_started_at", "roleplay_sessions", ["started_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_roleplay_sessions_started_at", table_name="roleplay_sessions")
    op.drop_index("ix_roleplay_sessions_agent", table_name="roleplay_sessions")
    op.drop_table("roleplay_sessions")
