"""Create or upgrade the schema with Alembic, configured in code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at moqi's migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_initialised(engine: Engine) -> bool:
    """Whether the schema has been created (by `moqi init`)."""
    return inspect(engine).has_table("alembic_version")


def schema_mismatch(engine: Engine) -> tuple[str | None, str, bool] | None:
    """(the database's revision, the code's, whether the code knows the database's) when they
    differ, else None.

    A database left at an older revision by an earlier moqi is upgraded by `moqi init`;
    other commands must not run queries the old schema cannot answer."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = scripts.get_current_head()
    if head is None:  # moqi ships its migrations: only a broken install has none
        raise RuntimeError(f"no schema migrations found in {MIGRATIONS}")
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return None
    known = current is None or any(s.revision == current for s in scripts.walk_revisions())
    return current, head, known
