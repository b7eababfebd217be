"""channel routing

Conversations (the unit routing queues and hands to an agent), agent presence with chat skills
and limits, and the routing rules as versioned content; each channel message names its
conversation.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:20:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "channel_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("skill", sa.String(length=32), nullable=False),
        sa.Column("first_skill", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("why", sa.String(length=200), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skill_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replies_since_inbound", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_channel_conversations_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_channel_conversations_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_conversations")),
    )
    with op.batch_alter_table("channel_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channel_conversations_agent"), ["agent"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_channel_conversations_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            "ix_channel_conversations_queue", ["status", "priority", "queued_at"], unique=False
        )
        batch_op.create_index(
            "ix_channel_conversations_sender", ["channel", "sender", "status"], unique=False
        )

    op.create_table(
        "agent_presence",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("max_chats", sa.Integer(), nullable=False),
        sa.Column("last_routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_agent_presence")),
    )
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
        sa.UniqueConstraint("version", name=op.f("uq_routing_rules_version")),
    )
    op.create_table(
        "self_service_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_self_service_offers_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_self_service_offers_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_service_offers")),
        sa.UniqueConstraint("contact_id", "reason", name=op.f("uq_self_service_offers_contact_id")),
    )
    with op.batch_alter_table("self_service_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_service_offers_agent"), ["agent"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_self_service_offers_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_self_service_offers_offered_at"), ["offered_at"], unique=False
        )
    with op.batch_alter_table("channel_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_service", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_channel_messages_self_service"), ["self_service"], unique=False
        )
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_channel_messages_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_channel_messages_conversation_id_channel_conversations"),
            "channel_conversations",
            ["conversation_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("channel_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_channel_messages_conversation_id_channel_conversations"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_channel_messages_conversation_id"))
        batch_op.drop_column("conversation_id")
        batch_op.drop_index(batch_op.f("ix_channel_messages_self_service"))
        batch_op.drop_column("self_service")
    op.drop_table("self_service_offers")
    op.drop_table("routing_rules")
    op.drop_table("agent_presence")
    with op.batch_alter_table("channel_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_conversations_sender")
        batch_op.drop_index("ix_channel_conversations_queue")
        batch_op.drop_index(batch_op.f("ix_channel_conversations_contact_id"))
        batch_op.drop_index(batch_op.f("ix_channel_conversations_agent"))
    op.drop_table("channel_conversations")
