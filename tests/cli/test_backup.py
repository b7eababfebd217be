"""`moqi backup` copies the database while it is being written (SQLite online backup, pg_dump),
`moqi restore --force` puts that moment back; bad copies and a restore without --force are
refused with one line."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from moqi.db import make_engine, make_sessionmaker, session_scope
from moqi.service.models import Contact


def moqi(*args: str, home: Path, db_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MOQI_HOME": str(home), "MOQI_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, env=env, timeout=300
    )


def contacts(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            return s.scalar(select(func.count()).select_from(Contact)) or 0
    finally:
        engine.dispose()


def test_backup_while_calls_are_stored_then_restore_that_moment(db_url, instance):
    done = moqi("init", home=instance, db_url=db_url)
    assert done.returncode == 0, done.stderr
    engine = make_engine(db_url)
    factory = make_sessionmaker(engine)
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        while not stop.is_set():
            with session_scope(factory) as s:
                s.add(Contact(agent="a1", title="备份期间的来电", started_at=datetime.now(UTC)))
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            pass
        done = moqi("backup", home=instance, db_url=db_url)
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert done.returncode == 0, done.stderr
    copy = Path(re.search(r"backed up to (\S+)", done.stdout).group(1))
    assert copy.parent == instance / "backups"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.with_suffix(copy.suffix + ".secret.key").is_file()
    after_backup = contacts(db_url)
    assert after_backup >= 20

    refused = moqi("restore", str(copy), home=instance, db_url=db_url)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert contacts(db_url) == after_backup  # nothing touched

    done = moqi("restore", str(copy), "--force", home=instance, db_url=db_url)
    assert done.returncode == 0, done.stderr
    restored = contacts(db_url)
    assert 20 <= restored <= after_backup  # the moment of the copy, whole
    check = moqi("init", home=instance, db_url=db_url)
    assert check.returncode == 0, check.stderr


def test_restore_refuses_what_is_not_a_copy(tmp_path, instance):
    db_url = f"sqlite:///{tmp_path / 'moqi.sqlite3'}"
    assert moqi("init", home=instance, db_url=db_url).returncode == 0
    bogus = tmp_path / "moqi-bogus.sqlite3"
    bogus.write_bytes(b"this is not a database" * 100)
    done = moqi("restore", str(bogus), "--force", home=instance, db_url=db_url)
    assert done.returncode == 2
    assert "not a readable SQLite database" in done.stderr
    assert done.stderr.count("\n") == 1  # one line, no traceback
    wrong = tmp_path / "moqi-x.pgdump"
    wrong.write_text("x")
    done = moqi("restore", str(wrong), "--force", home=instance, db_url=db_url)
    assert done.returncode == 2 and "is not an SQLite copy" in done.stderr
    assert contacts(db_url) == 0  # the database is still the one init made


def test_backup_of_an_instance_never_initialised(tmp_path, instance):
    db_url = f"sqlite:///{tmp_path / 'absent.sqlite3'}"
    done = moqi("backup", home=instance, db_url=db_url)
    assert done.returncode == 2 and "nothing to back up" in done.stderr
