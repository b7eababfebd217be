"""Engine and session factory, made by whoever starts moqi (app factory, CLI), never at import."""

from __future__ import annotations

import os
import threading
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

        _queue_writers(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _queue_writers(engine: Engine) -> None:
    """Make this process's writers to a SQLite file wait their turn on a lock.

    SQLite lets one transaction write at a time; a second writer is told "busy" and its driver
    sleeps (1, 2, 5 … 100 ms) before trying again, so a few concurrent requests spend most of
    their time asleep while the file is free. Here a transaction takes an in-process lock at
    its first write and gives it back at commit or rollback: the next writer wakes the moment
    the file is free. Another process still meets SQLite's own busy wait; after 30 s of waiting
    on the lock (a transaction waiting on another of its own thread) a writer goes on without it."""
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def _take(conn, _cursor, statement, _params, _context, _many) -> None:
        info = conn.info
        if not info.get("moqi_writing") and statement.lstrip()[:7].upper().startswith(_WRITES):
            info["moqi_writing"] = lock.acquire(timeout=30)

    def _give(info: dict) -> None:
        if info.pop("moqi_writing", False):
            lock.release()

    event.listen(engine, "commit", lambda conn: _give(conn.info))
    event.listen(engine, "rollback", lambda conn: _give(conn.info))

    # A connection handed back to the pool without either (its transaction reset there).
    @event.listens_for(engine, "reset")
    def _reset(_dbapi_connection, connection_record, _reset_state) -> None:
        _give(connection_record.info)


def make_private(url: str, home: Path) -> list[str]:
    """Make an existing SQLite database private, as moqi now creates it: its file, -wal and
    -shm 0600, and the instance folder `home` 0700 when the file is in it (an instance made by
    an older moqi was world-readable). A folder that is not moqi's own — /tmp, a home
    directory, a shared data disk — is never touched: closing it would break whatever else
    lives there. Returns the paths changed; other databases have no file here."""
    if not url.startswith("sqlite"):
        return []
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("uri"):
        return []
    path = Path(parsed.database)
    targets = [(path, 0o600), (Path(f"{path}-wal"), 0o600), (Path(f"{path}-shm"), 0o600)]
    with suppress(OSError):
        if path.parent.resolve() == home.resolve():
            targets.insert(0, (path.parent, 0o700))
    changed = []
    for target, mode in targets:
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
