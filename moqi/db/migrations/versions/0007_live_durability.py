"""live durability

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 00:30:00

The live writer keeps aside what it cannot store (dead letters) instead of dropping it; the
customer's answer to a read-back is stored when it is given, with the turn it was given at, so a
restarted server replays the call to the same state; phone keys become keyed HMACs with a
version prefix, which needs a wider column.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dead_letters_contact_id"), ["contact_id"], unique=False
        )
    with op.batch_alter_table("confirmations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_turn", sa.Integer(), nullable=True))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "phone_key",
            existing_type=sa.String(length=64),
            type_=sa.String(length=80),
            existing_nullable=True,
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column(
            "phone_key",
            existing_type=sa.String(length=80),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
    with op.batch_alter_table("confirmations", schema=None) as batch_op:
        batch_op.drop_column("answered_turn")
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letters_contact_id"))
    op.drop_table("dead_letters")
