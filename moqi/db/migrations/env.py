"""Alembic environment: moqi's metadata, on the connection moqi hands over (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from moqi.models import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # moqi.db.migrate.alembic_config always sets it
        raise RuntimeError("the Alembic config names no sqlalchemy.url")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
