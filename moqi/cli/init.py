"""`moqi init`: create or upgrade the database and load the shipped content."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail, setup_database


def init(
    demo: Annotated[
        bool, typer.Option("--demo", help="Also load the demo customers used by examples/.")
    ] = False,
    demo_history: Annotated[
        bool,
        typer.Option(
            "--demo-history",
            help="Also write eight weeks of demo contacts, tickets, surveys, ratings and SMS (implies --demo; a few seconds).",
        ),
    ] = False,
    content: Annotated[
        Path | None,
        typer.Option(help="Load content from this folder instead of the shipped moqi/data."),
    ] = None,
) -> None:
    """Create or upgrade the database and load the content (catalogue, lexicon, taxonomy, scripts)."""
    from moqi.content import ContentError
    from moqi.secret import SecretMissing
    from moqi.settings import get_settings

    try:
        factory, counts = setup_database(demo=demo or demo_history, content_dir=content)
    except ContentError as exc:
        fail(f"content not loaded, database unchanged: {exc}")
    except SecretMissing as exc:
        fail(str(exc))
    history = _demo_history(factory) if demo_history else None
    # The command is done with the database; close its connections now rather than at exit.
    factory.kw["bind"].dispose()
    settings = get_settings()
    typer.echo(f"database: {settings.db_url}")
    secret = counts.pop("secret")
    if secret["file"] is None:
        typer.echo("secret: MOQI_SECRET_KEY")
    else:
        typer.echo(f"secret: {secret['file']} ({'created' if secret['created'] else 'kept'})")
    if secret["rekeyed"] or secret["unrecoverable"]:
        typer.echo(
            f"customers re-keyed with the secret: {secret['rekeyed']}; numbers not recoverable (found by id only now): {secret['unrecoverable']}"
        )
    if secret["made_private"]:
        typer.echo("made readable by their owner only: " + ", ".join(secret["made_private"]))
    users = counts.pop("demo_users")
    queue = counts.pop("demo_queue")
    typer.echo("loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if queue:
        typer.echo(f"demo ACD history: queue {queue} (plan it at /workforce)")
    if history is not None:
        typer.echo(history)
    for username, password in users.items():
        if password is None:
            typer.echo(
                f"demo user {username}  password kept (`moqi user password {username} --generate` sets a new one)"
            )
        else:
            typer.echo(f"demo user {username}  password {password}")


def _demo_history(factory) -> str:
    """Eight weeks of service history for the KPI board; a line saying what was written, or
    why nothing was (the database has contacts already: a second run adds nothing)."""
    from moqi.cli.common import now
    from moqi.db import session_scope
    from moqi.errors import Conflict
    from moqi.service import demo_history
    from moqi.settings import get_settings

    try:
        with session_scope(factory) as session:
            counts = demo_history.generate(session, now=now(), link_base=get_settings().public_url)
    except Conflict as exc:
        return f"demo history: not added ({exc})"
    return "demo history (8 weeks; see /insight/kpis): " + ", ".join(
        f"{k} {v}" for k, v in counts.items()
    )
