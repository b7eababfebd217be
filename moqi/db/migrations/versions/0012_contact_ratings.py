"""contact ratings

What customers said of a contact — satisfaction 1–5 and recommendation 0–10 — from the chat
widget, the IVR's post-call survey, SMS or an imported file, one answer per contact and source.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 18:30:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "contact_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=400), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "source", name="uq_contact_ratings_source"),
    )
    op.create_index("ix_contact_ratings_answered", "contact_ratings", ["answered_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_contact_ratings_answered", table_name="contact_ratings")
    op.drop_table("contact_ratings")
