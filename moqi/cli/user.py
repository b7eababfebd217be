"""`moqi user`: add users, list them, change role and team, deactivate, reset a password, unlock.

Every change is written to the audit log with the actor "cli"."""

from __future__ import annotations

import sys
import unicodedata
from typing import Annotated

import typer

from moqi.accounts import ROLES
from moqi.cli.common import fail, now, open_database

app = typer.Typer(help="Manage users.", no_args_is_help=True)


def _run(change):
    """Run `change(session, accounts)` in one transaction, with the accounts service module as
    `accounts` and the actor "cli" as `accounts.audit.CLI`; account errors become one line."""
    from moqi.accounts import services
    from moqi.db import session_scope

    factory = open_database()
    try:
        with session_scope(factory) as session:
            return change(session, services)
    except services.AccountError as exc:
        fail(str(exc))
    finally:
        # Close the pooled connections now, not whenever the collector gets to them.
        factory.kw["bind"].dispose()


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (10+ characters, not a common one); a random one is printed when omitted."
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    team: Annotated[str, typer.Option(help="Team (班组) the user belongs to.")] = "default",
) -> None:
    """Add a user with an argon2-hashed password."""
    from moqi.accounts.services import new_password

    secret = password or new_password(username)
    _run(lambda s, acc: acc.add_user(s, username, secret, role, name, team, actor=acc.audit.CLI))
    typer.echo(
        f"user {username} ({role}, team {team}) created"
        + ("" if password else f"; password: {secret}")
    )


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


@app.command("list")
def list_users() -> None:
    """List every user: name, role, team, active, locked, display name."""
    at = now()
    rows = _run(lambda s, acc: [acc.describe(u, at) for u in acc.list_users(s)])
    table = [("username", "role", "team", "active", "locked", "display name")]
    table += [
        (
            r["username"],
            r["role"],
            r["team"],
            "yes" if r["active"] else "no",
            "yes" if r["locked"] else "no",
            r["display_name"],
        )
        for r in rows
    ]
    widths = [max(_width(line[i]) for line in table) for i in range(5)]
    for line in table:
        typer.echo(
            "  ".join(_pad(cell, w) for cell, w in zip(line[:5], widths, strict=True))
            + "  "
            + line[5]
        )


@app.command("deactivate")
def deactivate(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Deactivate a user: they can no longer log in, and their logins end now."""
    _run(lambda s, acc: acc.set_active(s, username, False, actor=acc.audit.CLI))
    typer.echo(f"user {username} deactivated")


@app.command("activate")
def activate(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Activate a deactivated user again."""
    _run(lambda s, acc: acc.set_active(s, username, True, actor=acc.audit.CLI))
    typer.echo(f"user {username} activated")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("no password on standard input")
        return line.rstrip("\r\n")
    try:
        return typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    except typer.Abort:
        fail("no password given")


@app.command("password")
def password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the new password from the first line of standard input."
        ),
    ] = False,
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate a random password and print it.")
    ] = False,
) -> None:
    """Set a user's password: typed twice at a prompt, read with --password-stdin, or generated.

    Their logins end, and a lockout is lifted."""
    if password_stdin and generate:
        fail("use either --password-stdin or --generate, not both")
    secret = None if generate else _read_password(password_stdin)
    generated = _run(lambda s, acc: acc.set_password(s, username, secret, actor=acc.audit.CLI))
    typer.echo(
        f"password of {username} changed" + (f"; password: {generated}" if generated else "")
    )


@app.command("team")
def team(
    username: Annotated[str, typer.Argument(help="Login name.")],
    team_name: Annotated[str, typer.Argument(metavar="TEAM", help="The team to put the user in.")],
) -> None:
    """Put a user in a team."""
    _run(lambda s, acc: acc.update_user(s, username, team=team_name, actor=acc.audit.CLI))
    typer.echo(f"user {username} is in team {team_name}")


@app.command("role")
def role(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role_name: Annotated[str, typer.Argument(metavar="ROLE", help=f"One of: {', '.join(ROLES)}.")],
) -> None:
    """Give a user another role."""
    _run(lambda s, acc: acc.update_user(s, username, role=role_name, actor=acc.audit.CLI))
    typer.echo(f"user {username} has role {role_name}")


@app.command("unlock")
def unlock(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Lift a lockout after too many failed logins."""
    _run(lambda s, acc: acc.unlock(s, username, actor=acc.audit.CLI))
    typer.echo(f"user {username} unlocked")
