"""script conditions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:40:00

Until now the engine worked out when a line may be offered from the line itself: read-backs of
a failed operation by their words, lines presuming a repeat contact by theirs, general guidance
by kind and reason. The column says it instead; existing rows get what those rules gave them
(the rules as they stood, copied here so that this migration never changes).
"""

import re
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_REPEAT = re.compile(
    r"第[二两三四五六七八九十几\d]+次|[好几两三四五六七八九十\d]+次(?:电话|了|打|来电)|这么多次|一次次|"
    r"又打(?:来|过来|电话)|反复(?:打|来电|找)|多次来电|上次(?:也|打|来电)|之前(?:为这件事)?(?:来电|打过|反映)"
)
_FAILED = re.compile(r"没有?(?:办理)?成功|未(?:能)?(?:办理)?成功|失败")


def _conditions(kind: str, reason: str, text: str) -> list[str]:
    out = []
    if kind == "guidance" and reason == "*":
        out.append("need_open")
    if _REPEAT.search(text):
        out.append("repeat_contact")
    if kind == "confirmation":
        out.append("failed" if _FAILED.search(text) else "succeeded")
    return out


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("scripts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conditions", sa.JSON(), nullable=False, server_default="[]"))
    scripts = sa.table(
        "scripts",
        sa.column("id", sa.String),
        sa.column("kind", sa.String),
        sa.column("reason", sa.String),
        sa.column("text", sa.Text),
        sa.column("conditions", sa.JSON),
    )
    conn = op.get_bind()
    for id_, kind, reason, text in conn.execute(
        sa.select(scripts.c.id, scripts.c.kind, scripts.c.reason, scripts.c.text)
    ).all():
        conditions = _conditions(kind, reason, text)
        if conditions:
            conn.execute(scripts.update().where(scripts.c.id == id_).values(conditions=conditions))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("scripts", schema=None) as batch_op:
        batch_op.drop_column("conditions")
