"""Engine and session factory, made by whoever starts moqi (app factory, CLI), never at import."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout, and are
    created readable by their owner only."""
    if url.startswith("sqlite"):
        parsed = make_url(url)
        path = parsed.database
        if path and path != ":memory:" and not parsed.query.get("uri"):
            # The file holds customer records: create it 0600 (SQLite gives its -wal and -shm
            # files the same mode) in a directory moqi creates 0700. An existing file or
            # directory keeps the mode its owner gave it.
            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_private(url: str) -> list[str]:
    """Make an existing SQLite database private, as moqi now creates it: its file, -wal and
    -shm 0600 and its folder 0700 (an instance made by an older moqi was world-readable).
    Returns the paths changed; other databases have no file here."""
    if not url.startswith("sqlite"):
        return []
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("uri"):
        return []
    path = Path(parsed.database)
    changed = []
    for target, mode in (
        (path.parent, 0o700),
        (path, 0o600),
        (Path(f"{path}-wal"), 0o600),
        (Path(f"{path}-shm"), 0o600),
    ):
        with suppress(FileNotFoundError, PermissionError):
            if target.stat().st_mode & 0o777 & ~mode:
                target.chmod(mode)
                changed.append(str(target))
    return changed


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine`."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back everything on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
