"""What the commands share: settings, the database, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# The database, content and capability modules are imported inside the functions that use
# them: `moqi --help` and the commands that never open a database start in well under a second.


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one plain line on stderr and exit non-zero."""
    print(f"moqi: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def now() -> datetime:
    """The clock, read in one place (commands pass it down)."""
    return datetime.now(UTC)


def setup_database(*, demo: bool, content_dir=None) -> tuple[sessionmaker[Session], dict]:
    """Create or upgrade the schema, make the instance secret, re-key customers stored under
    the old unkeyed phone hash, load content (and demo customers); returns counts.

    SecretMissing when the database holds keys made with a secret this machine lacks.
    """
    from moqi.content import load_files
    from moqi.content.files import load_demo_customers
    from moqi.db import make_engine, make_sessionmaker, session_scope
    from moqi.db.engine import make_private
    from moqi.db.migrate import upgrade
    from moqi.knowledge import services as knowledge
    from moqi.secret import SecretMissing, create_secret, secret_configured
    from moqi.service import services as desk
    from moqi.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.db_url)
    check_schema(engine, upgrading=True)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    if not secret_configured(settings):
        with session_scope(factory) as session:
            keyed = desk.keyed_customers(session)
        if keyed:
            # A second machine on a shared database: a fresh secret here would make every
            # stored key unfindable from this machine.
            engine.dispose()
            raise SecretMissing(
                f"the customers in {engine.url.render_as_string()} were keyed with an instance secret this machine does not have: "
                f"copy secret.key from the machine that first ran `moqi init` into {settings.home}, or set MOQI_SECRET_KEY"
            )
    secret_file, secret_created = create_secret()
    with session_scope(factory) as session:
        rekeyed, unrecoverable = desk.rekey_customers(session)
        # The database is the source of truth once loaded: edits published through the review
        # loop must survive a second `moqi init`. Only an explicit --content folder replaces it.
        revision = knowledge.current_revision(session)
        if content_dir or not revision:
            content = load_files(content_dir) if content_dir else load_files()
            revision = knowledge.replace_content(
                session,
                content,
                note=f"moqi init: {'content from ' + str(content_dir) if content_dir else 'shipped content'}",
            )
        else:
            content = knowledge.load_content(session)
        from moqi.service import clocks

        # Calendars and SLA policies: from the content folder when it has them, else shipped.
        own = content_dir is not None and (content_dir / "service").is_dir()
        desk_counts = clocks.import_shipped(
            session, now=now(), folder=content_dir / "service" if own else clocks.DATA, replace=own
        )
        from moqi.service.experts import departments

        experts_file = content_dir / "service" / "experts.yaml" if own else departments.DEFAULT
        if own and not experts_file.exists():
            experts_file = departments.DEFAULT
        desk_counts["expert_departments"] = departments.load_departments(session, experts_file).get(
            "departments", 0
        )
        from moqi.channels import rules as routing_rules

        desk_counts["routing_rules_version"] = routing_rules.import_shipped(session, now=now())
        from moqi.workforce import documents as workforce_documents

        desk_counts["workforce_documents"] = len(
            workforce_documents.import_shipped(session, now=now())
        )
        customers, users, queue = 0, {}, None
        if demo:
            for item in load_demo_customers():
                desk.upsert_customer(session, item, now=now())
                customers += 1
            users = _demo_users(session)
            _demo_chat_skills(session)
            queue = _demo_queue(session)
            _demo_expert(session)
    secret = {
        "file": secret_file,
        "created": secret_created,
        "rekeyed": rekeyed,
        "unrecoverable": unrecoverable,
        "made_private": make_private(settings.db_url, settings.home),
    }
    return factory, {
        **content.counts(),
        **desk_counts,
        "revision": revision,
        "demo_customers": customers,
        "demo_users": users,
        "demo_queue": queue,
        "secret": secret,
    }


def _demo_expert(session: Session) -> None:
    """demo_expert answers in the hotline's catch-all expert group (7×24), on duty, so a
    newcomer's first consultation finds someone."""
    from moqi.service.experts import departments

    if departments.expert_of(session, "demo_expert") is None:
        departments.set_expert(session, "demo_expert", "hotline_support", [])
        departments.set_duty(session, "demo_expert", True)


def _demo_users(session: Session) -> dict[str, str | None]:
    """One demo user per role (demo_agent, demo_team_lead, …): a new one gets a fresh password
    (returned); one that exists keeps the password its user may have written down (None)."""
    from sqlalchemy import select

    from moqi.accounts import ROLES
    from moqi.accounts import services as accounts
    from moqi.accounts.models import User

    created: dict[str, str | None] = {}
    for role in ROLES:
        username = f"demo_{role}"
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            created[username] = None
            continue
        password = accounts.new_password()
        accounts.add_user(session, username, password, role, f"演示{role}")
        created[username] = password
    return created


def _demo_chat_skills(session: Session) -> None:
    """The demo agent and team lead can take every kind of chat (a newcomer's first chat is
    routed to them at once, whatever it is about); they still choose 可接入 themselves."""
    from moqi.channels import presence
    from moqi.channels import rules as routing_rules
    from moqi.channels.models import AgentPresence

    current = routing_rules.current(session)
    for username in ("demo_agent", "demo_team_lead"):
        if session.get(AgentPresence, username) is None:
            skills = {code: 3 for code in current.codes}
            presence.set_routing(
                session, username, skills=skills, max_chats=3, rules=current, now=now()
            )


DEMO_QUEUE = "10086人工"


def _demo_queue(session: Session) -> str | None:
    """Eight weeks of a synthetic 10086-like ACD history (seeded, the same every time) in the
    queue 10086人工, so the workforce pages have something to plan on; None when any queue
    exists already (an operator's own data is never mixed with the demo's)."""
    from moqi.workforce import demo as acd_demo
    from moqi.workforce import services as workforce

    if workforce.list_queues(session):
        return None
    weeks = 8
    rows = acd_demo.generate(acd_demo.default_start(weeks, now().date()), weeks, 30, 1200, 10086)
    data = acd_demo.to_csv(rows).encode("utf-8")
    summary = workforce.import_acd(session, data, "demo.csv", DEMO_QUEUE, "system")
    return f"{DEMO_QUEUE} ({summary.rows} intervals)"


def open_database() -> sessionmaker[Session]:
    """The instance database, initialised with shipped and demo content on first use."""
    from moqi.db import make_engine, make_sessionmaker
    from moqi.db.migrate import is_initialised
    from moqi.secret import SecretMissing, instance_secret
    from moqi.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.db_url)
    if not is_initialised(engine):
        print(
            f"moqi: first use: creating the database at {settings.db_url} with the shipped content",
            file=sys.stderr,
        )
        factory, _ = setup_database(demo=True)
        return factory
    check_schema(engine, upgrading=False)
    try:
        instance_secret()
    except SecretMissing as exc:
        engine.dispose()
        fail(str(exc))
    return make_sessionmaker(engine)


@contextmanager
def database_session() -> Iterator[Session]:
    """A session on the instance database in one transaction; the engine's pooled connections
    are closed when it ends (a command run in-process, as tests do, leaves none open)."""
    from moqi.db import session_scope

    factory = open_database()
    try:
        with session_scope(factory) as session:
            yield session
    finally:
        factory.kw["bind"].dispose()


def in_transaction(work):
    """Run `work(session)` on the instance database in one transaction; a domain error
    becomes one line on stderr and exit 2, and nothing of the work is kept."""
    from moqi.db import session_scope
    from moqi.errors import MoqiError

    factory = open_database()
    try:
        with session_scope(factory) as session:
            return work(session)
    except MoqiError as exc:
        fail(str(exc))
    finally:
        factory.kw["bind"].dispose()


def check_schema(engine, *, upgrading: bool) -> None:
    """Refuse a database this moqi cannot read: one a newer moqi wrote, or (unless this
    command is the upgrade) one an older moqi left behind."""
    from moqi.db.migrate import schema_mismatch

    mismatch = schema_mismatch(engine)
    if mismatch is None:
        return
    current, head, known = mismatch
    where = engine.url.render_as_string()
    if not known:
        fail(
            f"the database at {where} has schema {current}, written by a newer moqi; this one knows schemas up to {head}: upgrade moqi"
        )
    if not upgrading:
        fail(
            f"the database at {where} has schema {current or 'none'} and this moqi needs {head}: run `moqi init` to upgrade it (published content and records are kept)"
        )
