"""Migrations: they build the schema the models describe, and carry an older instance's data forward."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, String, column, create_engine, insert, select, table

from moqi.db.migrate import alembic_config
from moqi.models import metadata


def test_the_migrated_schema_is_the_models(db_url):
    eng = create_engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    eng.dispose()
    assert diff == [], "a model changed without a migration (or the reverse)"


def test_scripts_of_an_older_instance_get_the_conditions_their_words_implied(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    eng = create_engine(url)
    cfg = alembic_config(url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    scripts = table("scripts", *(column(c, String) for c in ("id", "kind", "reason", "emotion", "brand", "region", "stage", "text")))
    rows = [
        ("A1", "guidance", "*", "您先说说遇到了什么情况？"),
        ("A2", "apology", "*", "让您为同一件事打了这么多次电话，真的很抱歉。"),
        ("A3", "confirmation", "*", "跟您确认：尾号{number}的{business}已经办理成功。"),
        ("A4", "confirmation", "*", "跟您如实说明：{business}这次没有办理成功。"),
        ("A5", "empathy", "bill_dispute", "多扣的钱我一定帮您查清楚。"),
    ]
    with eng.begin() as conn:
        conn.execute(insert(scripts).values([{"id": i, "kind": k, "reason": r, "emotion": "*", "brand": "*", "region": "*", "stage": "*", "text": t} for i, k, r, t in rows]))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with eng.connect() as conn:
        now = table("scripts", column("id", String), column("conditions", JSON))
        got = dict(conn.execute(select(now.c.id, now.c.conditions).order_by(now.c.id)).all())
    eng.dispose()
    assert got == {"A1": ["need_open"], "A2": ["repeat_contact"], "A3": ["succeeded"], "A4": ["failed"], "A5": []}
