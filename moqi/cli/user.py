"""`moqi user add`: create a user who can log in."""

from __future__ import annotations

from typing import Annotated

import typer

from moqi.accounts import ROLES
from moqi.accounts.services import AccountError, add_user, new_password
from moqi.cli.common import fail, open_database
from moqi.db import session_scope

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    password: Annotated[str | None, typer.Option(help="Password (8+ characters); a random one is printed when omitted.")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Add a user with an argon2-hashed password."""
    secret = password or new_password()
    try:
        with session_scope(open_database()) as session:
            add_user(session, username, secret, role, name)
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"user {username} ({role}) created" + ("" if password else f"; password: {secret}"))
