"""script A/B experiments

A variant of one published line tested against the line, and the closed contacts exposed.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 22:50:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "script_experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("script_id", sa.String(length=32), nullable=False),
        sa.Column("control_text", sa.Text(), nullable=False),
        sa.Column("variant_text", sa.Text(), nullable=False),
        sa.Column("brand", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("mde", sa.Float(), nullable=False),
        sa.Column("sd", sa.Float(), nullable=False),
        sa.Column("per_arm", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_experiments")),
    )
    op.create_index(op.f("ix_script_experiments_script_id"), "script_experiments", ["script_id"])
    op.create_index(op.f("ix_script_experiments_status"), "script_experiments", ["status"])
    op.create_table(
        "script_experiment_exposures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("arm", sa.String(length=8), nullable=False),
        sa.Column("read_out", sa.Boolean(), nullable=False),
        sa.Column("emotion_change", sa.Float(), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_script_experiment_exposures_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["script_experiments.id"],
            name=op.f("fk_script_experiment_exposures_experiment_id_script_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_experiment_exposures")),
        sa.UniqueConstraint("experiment_id", "contact_id", name="uq_script_exposures_contact"),
    )
    op.create_index(
        op.f("ix_script_experiment_exposures_experiment_id"),
        "script_experiment_exposures",
        ["experiment_id"],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("script_experiment_exposures")
    op.drop_table("script_experiments")
