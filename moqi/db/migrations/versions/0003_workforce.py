"""workforce: queues, ACD import batches, interval rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "wfm_queues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("interval_min", sa.Integer(), nullable=False),
        sa.Column("threshold_s", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_queues")),
        sa.UniqueConstraint("name", name=op.f("uq_wfm_queues_name")),
    )
    op.create_table(
        "wfm_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("first_start", sa.DateTime(), nullable=False),
        sa.Column("last_start", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["wfm_queues.id"],
            name=op.f("fk_wfm_imports_queue_id_wfm_queues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_imports")),
    )
    with op.batch_alter_table("wfm_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wfm_imports_queue_id"), ["queue_id"], unique=False)

    op.create_table(
        "wfm_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.Column("answered_in_threshold", sa.Integer(), nullable=False),
        sa.Column("aht_s", sa.Float(), nullable=False),
        sa.Column("agents", sa.Float(), nullable=False),
        sa.Column("asa_s", sa.Float(), nullable=True),
        sa.Column("abandoned_in_threshold", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["wfm_imports.id"],
            name=op.f("fk_wfm_intervals_import_id_wfm_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["wfm_queues.id"],
            name=op.f("fk_wfm_intervals_queue_id_wfm_queues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_intervals")),
        sa.UniqueConstraint("queue_id", "start", name="uq_wfm_intervals_queue_start"),
    )
    with op.batch_alter_table("wfm_intervals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wfm_intervals_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wfm_intervals_queue_id"), ["queue_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("wfm_intervals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_intervals_queue_id"))
        batch_op.drop_index(batch_op.f("ix_wfm_intervals_import_id"))

    op.drop_table("wfm_intervals")
    with op.batch_alter_table("wfm_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_imports_queue_id"))

    op.drop_table("wfm_imports")
    op.drop_table("wfm_queues")
