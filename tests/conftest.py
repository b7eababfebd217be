"""Fixtures: a temporary instance, real databases (SQLite always, PostgreSQL when CI gives one)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from moqi.accounts import logins as accounts_logins
from moqi.accounts import services as accounts_services
from moqi.assist.engine import default_engine
from moqi.db import make_engine, make_sessionmaker
from moqi.db.migrate import upgrade
from moqi.secret import create_secret
from moqi.settings import get_settings

# Tests hash and check passwords with argon2 at its lowest cost: the shipped parameters spend
# ~0.2 s of CPU on purpose, at every test user made and every login, which would be minutes of
# every run. The algorithm and the code paths are the same.
_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
accounts_services.hasher = _cheap_hasher
accounts_logins.hasher = _cheap_hasher

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_URL = os.environ.get("MOQI_TEST_POSTGRES_URL")
PASSWORD = "correct-horse-1"  # every test user's password


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data or ../shared/heldout; the test is skipped when it is absent.

    With MOQI_REQUIRE_SHARED=1 (set by .ci/run where ../shared is present) a missing file fails
    the test instead: a renamed data file must not turn a real-data test into a silent skip.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("MOQI_REQUIRE_SHARED") == "1":
            pytest.fail(f"real data {path} is missing and MOQI_REQUIRE_SHARED=1")
        pytest.skip(f"real data {path} is not on this machine")
    return path


@pytest.fixture(autouse=True)
def instance(tmp_path, monkeypatch) -> Path:
    """Every test gets its own MOQI_HOME, so nothing leaks between tests or into ./moqi-data."""
    home = tmp_path / "moqi-home"
    monkeypatch.setenv("MOQI_HOME", str(home))
    monkeypatch.delenv("MOQI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MOQI_SECRET_KEY", raising=False)
    # Knowledge search with words alone: the semantic stage embeds the shipped content's ~740
    # passages (~40 s of CPU) on a background thread of each process, which would more than
    # double the run of the tests that search. Its own tests turn it on with a table embedder
    # (tests/knowledge/test_search_semantic*.py); MOQI_TEST_SEMANTIC_SEARCH=on runs them all with it.
    monkeypatch.setenv("MOQI_SEMANTIC_SEARCH", os.environ.get("MOQI_TEST_SEMANTIC_SEARCH", "off"))
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


def _load_shipped(db) -> None:
    """The shipped content, the demo customers and the shipped clocks, as `moqi init --demo`."""
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


class _Templates:
    """A migrated database, and one with the shipped content loaded, made once per backend and
    copied for each test: migrating and loading take seconds, a copy milliseconds. The loaded
    copy keeps its secret (the key of the demo customers' phone hashes) beside it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[tuple[str, bool], str] = {}
        self.secret = "test-instance-secret-" + uuid.uuid4().hex
        self.pg_names: list[str] = []

    def source(self, backend: str, loaded: bool) -> str:
        key = (backend, loaded)
        if key not in self.made:
            name = f"moqi_tpl_{uuid.uuid4().hex[:12]}"
            if backend == "sqlite":
                url = f"sqlite:///{self.root / (name + '.sqlite3')}"
            else:
                _pg_create(name)
                self.pg_names.append(name)
                url = _pg_url(name)
            eng = make_engine(url)
            upgrade(eng)
            if loaded:
                # Hash the demo customers' phones with the template's own secret.
                saved = os.environ.get("MOQI_SECRET_KEY")
                os.environ["MOQI_SECRET_KEY"] = self.secret
                get_settings.cache_clear()
                try:
                    _load_shipped(make_sessionmaker(eng))
                finally:
                    if saved is None:
                        os.environ.pop("MOQI_SECRET_KEY")
                    else:
                        os.environ["MOQI_SECRET_KEY"] = saved
                    get_settings.cache_clear()
            eng.dispose()
            self.made[key] = name if backend == "postgresql" else url
        return self.made[key]

    def drop(self) -> None:
        for name in self.pg_names:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _pg_admin(sql: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def _pg_create(name: str, template: str | None = None) -> None:
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


@pytest.fixture(scope="session")
def _templates(tmp_path_factory):
    templates = _Templates(tmp_path_factory.mktemp("db-templates"))
    yield templates
    templates.drop()


@pytest.fixture(params=_backends())
def db_url(request, tmp_path, monkeypatch, instance, _templates) -> str:
    """A fresh, migrated database on each backend; also set as MOQI_DATABASE_URL. A test that
    asks for `loaded_db` gets it with the shipped content and demo customers already in."""
    loaded = "loaded_db" in request.fixturenames
    source = _templates.source(request.param, loaded)
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(make_url(source).database, path)
        url = f"sqlite:///{path}"
    else:
        name = f"moqi_test_{uuid.uuid4().hex[:12]}"
        _pg_create(name, template=source)
        url = _pg_url(name)
    if loaded:
        # The demo customers' phone hashes were made with the template's secret.
        (instance / "secret.key").write_text(_templates.secret, encoding="utf-8")
    monkeypatch.setenv("MOQI_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    if request.param == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(db_url):
    """A session factory on the fresh database."""
    eng = make_engine(db_url)
    yield make_sessionmaker(eng)
    eng.dispose()


@pytest.fixture
def loaded_db(db):
    """The fresh database with the shipped content and the demo customers in it (copied from a
    template that `db_url` made once; see _Templates)."""
    return db


def add_users(db, **roles: str) -> None:
    """Test users, username=role (a `role/team` value puts the user in that team)."""
    from moqi.accounts.services import add_user
    from moqi.db import session_scope

    with session_scope(db) as s:
        for username, role in roles.items():
            role, _, team = role.partition("/")
            add_user(s, username, PASSWORD, role, **({"team": team} if team else {}))


def serving(database_url: str | None = None):
    """An app on `database_url`, for a fixture to `yield from`: its pooled connections are closed
    after the test whether or not its lifespan ran (a test that only logs in never starts it),
    rather than left to the collector, which warns about them in some later test."""
    from moqi.app import create_app

    app = create_app(database_url)
    yield app
    app.state.db.kw["bind"].dispose()


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
