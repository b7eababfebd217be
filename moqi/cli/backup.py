"""`moqi backup` and `moqi restore`: a consistent copy of the instance while it serves.

SQLite (the default) is copied with SQLite's online backup API: a snapshot of one moment,
taken while the server keeps writing, never a half-written file. PostgreSQL is copied with
`pg_dump` (custom format), restored with `pg_restore`. The instance secret (secret.key, the key
of the customers' phone lookups) is copied beside the database copy: a database restored
without it cannot find its customers by phone.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail

PAGES_PER_STEP = 1024  # the server may write between steps: a step holds its lock briefly


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup(
    to: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write the copy into (default: MOQI_HOME/backups).", file_okay=False
        ),
    ] = None,
) -> None:
    """Copy the database (and the instance secret) while moqi keeps serving."""
    from sqlalchemy.engine import make_url

    from moqi.secret import secret_path
    from moqi.settings import get_settings

    settings = get_settings()
    folder = to or settings.home / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite":
        source = Path(url.database or "")
        if not source.is_file():
            fail(f"no database at {source}: nothing to back up (run `moqi init` first)")
        target = folder / f"moqi-{_stamp()}.sqlite3"
        _sqlite_copy(source, target)
    elif url.get_backend_name() == "postgresql":
        target = folder / f"moqi-{_stamp()}.pgdump"
        _pg_dump(url, target)
    else:
        fail(f"cannot back up a {url.get_backend_name()} database")
    secret = secret_path(settings)
    if secret.is_file():
        shutil.copy2(secret, target.with_suffix(target.suffix + ".secret.key"))
    typer.echo(f"backed up to {target}")


def restore(
    copy: Annotated[Path, typer.Argument(help="A copy written by `moqi backup`.", exists=True)],
    force: Annotated[
        bool, typer.Option(help="Replace the current database (stop the server first).")
    ] = False,
) -> None:
    """Put a copy made by `moqi backup` back as the instance database (the server stopped)."""
    from sqlalchemy.engine import make_url

    from moqi.secret import secret_path
    from moqi.settings import get_settings

    settings = get_settings()
    url = make_url(settings.db_url)
    if not force:
        fail("restoring replaces the current database: stop moqi, then run again with --force")
    if url.get_backend_name() == "sqlite":
        if copy.suffix != ".sqlite3":
            fail(f"{copy} is not an SQLite copy (moqi-….sqlite3)")
        _check_sqlite(copy)
        target = Path(url.database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(copy, target)
    elif url.get_backend_name() == "postgresql":
        if copy.suffix != ".pgdump":
            fail(f"{copy} is not a PostgreSQL copy (moqi-….pgdump)")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", _libpq(url), str(copy)])
    else:
        fail(f"cannot restore a {url.get_backend_name()} database")
    secret = copy.with_suffix(copy.suffix + ".secret.key")
    if secret.is_file():
        shutil.copy2(secret, secret_path(settings))
        secret_path(settings).chmod(0o600)
    typer.echo(f"restored {copy}; run `moqi init` to bring its schema up to this version")


def _sqlite_copy(source: Path, target: Path) -> None:
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        partial.chmod(0o600)
        src.backup(dst, pages=PAGES_PER_STEP)
    finally:
        dst.close()
        src.close()
    partial.replace(target)  # the copy appears whole or not at all


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        fail(f"{path} is not a readable SQLite database: {exc}")
    if verdict != "ok":
        fail(f"{path} is damaged: {verdict}")


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_dump(url, target: Path) -> None:
    partial = target.with_suffix(".partial")
    _run(["pg_dump", "--format=custom", "--no-owner", "-f", str(partial), _libpq(url)])
    partial.chmod(0o600)
    partial.replace(target)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        fail(f"{command[0]} is not installed (Debian: apt install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
