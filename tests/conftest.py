"""Fixtures: a temporary instance, real databases (SQLite always, PostgreSQL when CI gives one)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from moqi.assist.engine import default_engine
from moqi.db import make_engine, make_sessionmaker
from moqi.db.migrate import upgrade
from moqi.secret import create_secret
from moqi.settings import get_settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_URL = os.environ.get("MOQI_TEST_POSTGRES_URL")
PASSWORD = "correct-horse-1"  # every test user's password


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data or ../shared/heldout; the test is skipped when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data {path} is not on this machine")
    return path


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch) -> Path:
    """Every test gets its own MOQI_HOME, so nothing leaks between tests or into ./moqi-data."""
    home = tmp_path / "moqi-home"
    monkeypatch.setenv("MOQI_HOME", str(home))
    monkeypatch.delenv("MOQI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MOQI_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    create_secret()  # what `moqi init` makes: the key of the customers' phone hashes
    yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def engine():
    """The assist engine on the shipped content (built once; it is read-only)."""
    return default_engine()


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if PG_URL:
        params.append(pytest.param("postgresql", id="postgresql"))
    elif os.environ.get("MOQI_REQUIRE_POSTGRES"):
        raise RuntimeError("MOQI_REQUIRE_POSTGRES is set but MOQI_TEST_POSTGRES_URL is not")
    return params


@pytest.fixture(params=_backends())
def db_url(request, tmp_path, monkeypatch) -> str:
    """A fresh, migrated database on each backend; also set as MOQI_DATABASE_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        cleanup = None
    else:
        name = f"moqi_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    monkeypatch.setenv("MOQI_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    if cleanup:
        cleanup()


@pytest.fixture
def db(db_url):
    """A session factory on the fresh database."""
    eng = make_engine(db_url)
    yield make_sessionmaker(eng)
    eng.dispose()


@pytest.fixture
def loaded_db(db):
    """The fresh database with the shipped content and the demo customers in it."""
    from moqi.content import load_files
    from moqi.content.files import load_demo_customers
    from moqi.db import session_scope
    from moqi.knowledge import services as knowledge
    from moqi.service import clocks
    from moqi.service import services as desk
    from moqi.web.clock import now

    with session_scope(db) as s:
        knowledge.replace_content(s, load_files(), note="test")
        for item in load_demo_customers():
            desk.upsert_customer(s, item, now=now())
        clocks.import_shipped(s, now=now())
    return db


def add_users(db, **roles: str) -> None:
    """Test users, username=role (a `role/team` value puts the user in that team)."""
    from moqi.accounts.services import add_user
    from moqi.db import session_scope

    with session_scope(db) as s:
        for username, role in roles.items():
            role, _, team = role.partition("/")
            add_user(s, username, PASSWORD, role, **({"team": team} if team else {}))


def login(app, username: str):
    """A browser-like client of `app` with `username` logged in (session cookie)."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.post(
        "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 303 and "moqi_session" in r.cookies
    return client


def count(db, table) -> int:
    """Rows in a table (to check that a refused request stored nothing)."""
    from sqlalchemy import func, select

    from moqi.db import session_scope

    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(table))


def pytest_terminal_summary(terminalreporter) -> None:
    """Say what this run did not cover, and why: skips by reason, and a missing PostgreSQL."""
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        reasons: dict[str, int] = {}
        for report in skipped:
            reason = (
                report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            )
            reason = reason.removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
        terminalreporter.section("not covered in this run")
        for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
            terminalreporter.write_line(f"{count:4d} skipped: {reason}")
    if not PG_URL:
        if not skipped:
            terminalreporter.section("not covered in this run")
        terminalreporter.write_line(
            "PostgreSQL: not tested (every database test ran on SQLite only); "
            "set MOQI_TEST_POSTGRES_URL to a PostgreSQL server to run them there too, as CI does"
        )
