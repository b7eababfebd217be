"""The SQLite file holds customer records: moqi creates it (and its -wal/-shm files) readable by
its owner only, in an instance directory it creates 0700."""

import os
import stat

from sqlalchemy import text

from moqi.db import make_engine


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_file_and_its_directory_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        home = tmp_path / "new-home"
        engine = make_engine(f"sqlite:///{home / 'moqi.sqlite3'}")
        with engine.begin() as conn:
            conn.execute(text("create table t (x integer)"))
            conn.execute(text("insert into t values (1)"))
            files = sorted(p.name for p in home.iterdir())
            modes = {p.name: mode(p) for p in home.iterdir()}
        engine.dispose()
    finally:
        os.umask(old)
    assert mode(home) == 0o700
    assert "moqi.sqlite3-wal" in files  # WAL mode: the journal files exist while connected
    assert modes == {name: 0o600 for name in files}


def test_an_existing_file_and_memory_databases_are_left_alone(tmp_path):
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)  # the owner chose group-readable: kept
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o640
    with make_engine("sqlite://").connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    with make_engine("sqlite:///:memory:").connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    assert not (tmp_path / ":memory:").exists()


def test_moqi_init_makes_an_older_world_readable_instance_private(tmp_path, monkeypatch):
    from moqi.cli.common import setup_database
    from moqi.settings import get_settings

    home = tmp_path / "old-home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    db = home / "moqi.sqlite3"
    db.touch()
    os.chmod(db, 0o644)  # as an older moqi left it
    monkeypatch.setenv("MOQI_HOME", str(home))
    get_settings.cache_clear()
    factory, counts = setup_database(demo=False)
    factory.kw["bind"].dispose()
    assert str(db) in counts["secret"]["made_private"]
    assert mode(db) == 0o600 and mode(home) == 0o700
    assert all(mode(p) == 0o600 for p in home.glob("moqi.sqlite3*"))
    # A second run has nothing left to change.
    factory, counts = setup_database(demo=False)
    factory.kw["bind"].dispose()
    assert counts["secret"]["made_private"] == []


def test_moqi_init_never_closes_a_folder_that_is_not_its_own(tmp_path, monkeypatch):
    """A database file put in a shared folder (/tmp, a home directory) by MOQI_DATABASE_URL:
    the file is made private, the folder keeps its mode — closing /tmp to 0700 once stopped a
    PostgreSQL server that kept its socket there."""
    from moqi.cli.common import setup_database
    from moqi.settings import get_settings

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # as /tmp is
    db = shared / "moqi.sqlite3"
    db.touch()
    os.chmod(db, 0o644)
    monkeypatch.setenv("MOQI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOQI_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    factory, counts = setup_database(demo=False)
    factory.kw["bind"].dispose()
    assert mode(shared) == 0o1777
    assert (
        str(db) in counts["secret"]["made_private"]
        and str(shared) not in counts["secret"]["made_private"]
    )
    assert all(mode(p) == 0o600 for p in shared.glob("moqi.sqlite3*"))
