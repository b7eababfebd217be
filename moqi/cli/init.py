"""`moqi init`: create or upgrade the database and load the shipped content."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail, setup_database
from moqi.content import ContentError
from moqi.settings import get_settings


def init(
    demo: Annotated[bool, typer.Option("--demo", help="Also load the demo customers used by examples/.")] = False,
    content: Annotated[Path | None, typer.Option(help="Load content from this folder instead of the shipped moqi/data.")] = None,
) -> None:
    """Create or upgrade the database and load the content (catalogue, lexicon, taxonomy, scripts)."""
    try:
        _, counts = setup_database(demo=demo, content_dir=content)
    except ContentError as exc:
        fail(f"content not loaded, database unchanged: {exc}")
    settings = get_settings()
    typer.echo(f"database: {settings.db_url}")
    users = counts.pop("demo_users")
    typer.echo("loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for username, password in users.items():
        typer.echo(f"demo user {username}  password {password}")
