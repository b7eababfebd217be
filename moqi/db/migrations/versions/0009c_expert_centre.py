"""expert centre

Expert departments and partner firms, the experts in them, and agents' consultations.

Revision ID: 0009c
Revises: 0009b
Create Date: 2026-12-07 10:04:51.167862

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0009c"
down_revision: Union[str, Sequence[str], None] = "0009b"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "expert_departments",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("partner", sa.Boolean(), nullable=False),
        sa.Column("businesses", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("calendar", sa.String(length=64), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_expert_departments")),
    )
    op.create_table(
        "experts",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department"],
            ["expert_departments.code"],
            name=op.f("fk_experts_department_expert_departments"),
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_experts")),
    )
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experts_department"), ["department"], unique=False)

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("business", sa.String(length=64), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.String(length=64), nullable=False),
        sa.Column("expert", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_consultations_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department"],
            ["expert_departments.code"],
            name=op.f("fk_consultations_department_expert_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_consultations_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultations_asked_by"), ["asked_by"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultations_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consultations_department"), ["department"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultations_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_expert"), ["expert"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "consultation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_messages_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_messages")),
    )
    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_messages_consultation_id"),
            ["consultation_id"],
            unique=False,
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_messages_consultation_id"))

    op.drop_table("consultation_messages")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_consultations_status"))
        batch_op.drop_index(batch_op.f("ix_consultations_expert"))
        batch_op.drop_index(batch_op.f("ix_consultations_due_at"))
        batch_op.drop_index(batch_op.f("ix_consultations_department"))
        batch_op.drop_index(batch_op.f("ix_consultations_contact_id"))
        batch_op.drop_index(batch_op.f("ix_consultations_asked_by"))

    op.drop_table("consultations")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experts_department"))

    op.drop_table("experts")
    op.drop_table("expert_departments")
