"""fixed customer panel and journey research

A panel of customers drawn from a segment, its waves and the call-back tasks that carry each
member's answers; the need points of a call (with their history) and imported journey survey
answers.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 22:03:48.419492

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "insight_journey_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_journey_needs")),
        sa.UniqueConstraint("code", name=op.f("uq_insight_journey_needs_code")),
    )
    op.create_table(
        "insight_journey_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_journey_surveys")),
    )
    op.create_table(
        "insight_panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("segment", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("stratify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_panels")),
        sa.UniqueConstraint("name", name=op.f("uq_insight_panels_name")),
    )
    op.create_table(
        "insight_journey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("brand", sa.String(length=32), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("performance", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["insight_journey_needs.id"],
            name=op.f("fk_insight_journey_answers_need_id_insight_journey_needs"),
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["insight_journey_surveys.id"],
            name=op.f("fk_insight_journey_answers_survey_id_insight_journey_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_journey_answers")),
    )
    with op.batch_alter_table("insight_journey_answers", schema=None) as batch_op:
        batch_op.create_index("ix_journey_answers_survey", ["survey_id"], unique=False)

    op.create_table(
        "insight_journey_need_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.String(length=200), nullable=False),
        sa.Column("after", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["insight_journey_needs.id"],
            name=op.f("fk_insight_journey_need_changes_need_id_insight_journey_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_journey_need_changes")),
    )
    op.create_table(
        "insight_panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_insight_panel_members_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["insight_panels.id"],
            name=op.f("fk_insight_panel_members_panel_id_insight_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_panel_members")),
        sa.UniqueConstraint("panel_id", "customer_id", name="uq_panel_member"),
    )
    op.create_table(
        "insight_panel_waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["insight_panels.id"],
            name=op.f("fk_insight_panel_waves_panel_id_insight_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_panel_waves")),
        sa.UniqueConstraint("panel_id", "number", name="uq_panel_wave"),
    )
    op.create_table(
        "insight_panel_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["insight_panel_members.id"],
            name=op.f("fk_insight_panel_tasks_member_id_insight_panel_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["insight_panel_waves.id"],
            name=op.f("fk_insight_panel_tasks_wave_id_insight_panel_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_panel_tasks")),
        sa.UniqueConstraint("wave_id", "member_id", name="uq_panel_task"),
    )
    with op.batch_alter_table("insight_panel_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_panel_tasks_owner", ["owner", "status"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("insight_panel_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_tasks_owner")

    op.drop_table("insight_panel_tasks")
    op.drop_table("insight_panel_waves")
    op.drop_table("insight_panel_members")
    op.drop_table("insight_journey_need_changes")
    with op.batch_alter_table("insight_journey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_journey_answers_survey")

    op.drop_table("insight_journey_answers")
    op.drop_table("insight_panels")
    op.drop_table("insight_journey_surveys")
    op.drop_table("insight_journey_needs")
