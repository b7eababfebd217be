"""service desk

Tickets grow into a service desk: kinds and priorities, history, contacts, pauses,
commitments, surveys and callbacks, and the SLA clocks' calendars and policies. Older
tickets migrate: follow_up → handling, resolved → closed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:04:51.167862

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "service_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_calendars")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_service_calendars_name")),
    )
    with op.batch_alter_table("service_calendars", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_calendars_name"), ["name"], unique=False)

    op.create_table(
        "sla_policies",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("calendar", sa.String(length=64), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("next_update_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "priority", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_callbacks_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
    )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbacks_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbacks_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerted", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_commitments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_alert_at"), ["alert_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticket_contacts",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_ticket_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_contacts_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "contact_id", name=op.f("pk_ticket_contacts")),
    )
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old", sa.String(length=200), nullable=False),
        sa.Column("new", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticket_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_pauses_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_pauses")),
    )
    with op.batch_alter_table("ticket_pauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_pauses_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_surveys_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_surveys_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority", sa.String(length=8), nullable=False, server_default="normal")
        )
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="voice")
        )
        batch_op.add_column(sa.Column("businesses", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("assignee", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("team", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("escalation", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("calendar", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
        batch_op.add_column(
            sa.Column("first_response_due", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("update_due", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("alert_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("alerted", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("resolution_code", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("customer_answer", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("close_reason", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reopened", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("tracking_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_alert_at"), ["alert_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_assignee"), ["assignee"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_team"), ["team"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_tickets_tracking_key"), ["tracking_key"])

    # Tickets of an older instance: a follow-up was business handling; "resolved" was the
    # agent's word and final, so it is closed; the owner works on what it owns.
    op.execute("UPDATE tickets SET kind = 'handling' WHERE kind = 'follow_up'")
    op.execute(
        "UPDATE tickets SET status = 'closed', closed_at = resolved_at, close_reason = 'agent'"
        " WHERE status = 'resolved'"
    )
    op.execute("UPDATE tickets SET assignee = owner, updated_at = created_at")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tickets_tracking_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_tickets_team"))
        batch_op.drop_index(batch_op.f("ix_tickets_assignee"))
        batch_op.drop_index(batch_op.f("ix_tickets_alert_at"))
        batch_op.drop_column("tracking_key")
        batch_op.drop_column("reopened")
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("customer_answer")
        batch_op.drop_column("resolution_code")
        batch_op.drop_column("alerted")
        batch_op.drop_column("alert_at")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("update_due")
        batch_op.drop_column("first_responded_at")
        batch_op.drop_column("first_response_due")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("calendar")
        batch_op.drop_column("escalation")
        batch_op.drop_column("escalated")
        batch_op.drop_column("team")
        batch_op.drop_column("assignee")
        batch_op.drop_column("businesses")
        batch_op.drop_column("channel")
        batch_op.drop_column("priority")

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_surveys_expires_at"))

    op.drop_table("surveys")
    with op.batch_alter_table("ticket_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_pauses_ticket_id"))

    op.drop_table("ticket_pauses")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))

    op.drop_table("ticket_events")
    op.drop_table("ticket_contacts")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_commitments_owner"))
        batch_op.drop_index(batch_op.f("ix_commitments_alert_at"))

    op.drop_table("commitments")
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callbacks_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_callbacks_owner"))

    op.drop_table("callbacks")
    op.drop_table("sla_policies")
    with op.batch_alter_table("service_calendars", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_calendars_name"))

    op.drop_table("service_calendars")
