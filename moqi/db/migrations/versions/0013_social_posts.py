"""social posts

Public posts that mention the operator (微博, 抖音, 小红书, 知乎 …) from a listening tool's
webhook or CSV export: one row per platform and post id, with its latest counts, the
assessment, the drafted replies, the ticket it opened and what the social team did.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "social_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reposts", sa.BigInteger(), nullable=False),
        sa.Column("comments", sa.BigInteger(), nullable=False),
        sa.Column("likes", sa.BigInteger(), nullable=False),
        sa.Column("followers", sa.BigInteger(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=64), nullable=True),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("escalating", sa.Boolean(), nullable=False),
        sa.Column("reach", sa.Float(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("draft_group", sa.String(length=32), nullable=False),
        sa.Column("draft_public", sa.Text(), nullable=False),
        sa.Column("draft_private", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("replied_by", sa.String(length=64), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "post_id", name="uq_social_posts_platform_post"),
    )
    op.create_index(
        "ix_social_posts_status_priority", "social_posts", ["status", "priority", "posted_at"]
    )
    op.create_index("ix_social_posts_ticket_id", "social_posts", ["ticket_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_social_posts_ticket_id", table_name="social_posts")
    op.drop_index("ix_social_posts_status_priority", table_name="social_posts")
    op.drop_table("social_posts")
