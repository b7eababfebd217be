"""Accounts as a Python API: creating users, logging in, lockout, sessions, admin changes, audit."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from moqi.accounts import audit, logins, services
from moqi.accounts.models import AuditRow, LoginSession, User
from moqi.db import session_scope
from moqi.db.base import utcnow
from moqi.settings import get_settings
from tests.conftest import PASSWORD, add_users


@pytest.fixture
def few_failures(monkeypatch):
    """Lock after 3 failures for 15 minutes, so lockout tests need few slow hashes."""
    monkeypatch.setenv("MOQI_LOGIN_USER_MAX_FAILURES", "3")
    get_settings.cache_clear()


def actions(db, **where) -> list[tuple]:
    with session_scope(db) as s:
        query = select(AuditRow.actor, AuditRow.action, AuditRow.target_id).order_by(AuditRow.id)
        for key, value in where.items():
            query = query.where(getattr(AuditRow, key) == value)
        return [tuple(r) for r in s.execute(query)]


def test_add_user_validates_everything_and_stores_no_password(db):
    with session_scope(db) as s:
        user = services.add_user(s, "li.ming", PASSWORD, "agent", "李明", team="一组")
        assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
        assert (user.display_name, user.team, user.active, user.failed_logins) == (
            "李明",
            "一组",
            True,
            0,
        )
    cases = [
        (("x", PASSWORD, "agent"), "username must be", services.AccountError),
        (("bad name", PASSWORD, "agent"), "username must be", services.AccountError),
        (("wang", PASSWORD, "boss"), "unknown role", services.AccountError),
        (("wang", "short", "agent"), "at least 10", services.AccountError),
        (("wang", "password1234", "agent"), "too common", services.AccountError),
        (("wang", "wang-is-great-1", "agent"), "username", services.AccountError),
        (("li.ming", PASSWORD, "agent"), "already exists", services.UserConflict),
    ]
    for args, message, kind in cases:
        with pytest.raises(kind, match=message), session_scope(db) as s:
            services.add_user(s, *args)
    with pytest.raises(services.AccountError, match="team"), session_scope(db) as s:
        services.add_user(s, "wang", PASSWORD, "agent", team="a\nb")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1
    assert actions(db, action="user.created") == [("system", "user.created", "li.ming")]


def test_authenticate_gives_the_user_or_says_why_not(db):
    add_users(db, agent="agent")
    with session_scope(db) as s:
        ok = logins.authenticate(s, "agent", PASSWORD)
        assert ok.outcome == "ok" and ok.user.username == "agent"
        # The session that authenticated still works for the route that called it.
        assert s.get(User, ok.user.id).role == "agent"
        assert logins.authenticate(s, "agent", "wrong-password-1").outcome == "failed"
        assert logins.authenticate(s, "nobody", PASSWORD).outcome == "failed"
    with session_scope(db) as s:
        services.set_active(s, "agent", False, actor="cli")
    with session_scope(db) as s:
        assert logins.authenticate(s, "agent", PASSWORD).outcome == "failed"
    log = actions(db)
    assert ("agent", "login.succeeded", "agent") in log and (
        "agent",
        "login.failed",
        "agent",
    ) in log
    # A failure under an unknown name does not store the name (it may be a mistyped password).
    assert ("-", "login.failed", "") in log and not any("nobody" in str(row) for row in log)


def test_no_connection_is_held_while_the_password_is_hashed(db, monkeypatch):
    add_users(db, agent="agent")
    engine = db.kw["bind"]
    seen = []
    real = logins.hasher

    class Watching:
        def verify(self, hash_, password):
            seen.append(engine.pool.checkedout())
            return real.verify(hash_, password)

        def hash(self, password):
            return real.hash(password)

    monkeypatch.setattr(logins, "hasher", Watching())
    with session_scope(db) as s:
        s.scalar(select(User.id))  # the request has used its session before authenticating
        assert logins.authenticate(s, "agent", PASSWORD).user is not None
        assert logins.authenticate(s, "agent", "wrong-password-1").user is None
        assert logins.authenticate(s, "nobody", PASSWORD).user is None
        assert s.scalar(select(func.count()).select_from(User)) == 1
    assert seen == [0, 0, 0]


def test_authenticate_refuses_to_drop_pending_changes(db):
    add_users(db, agent="agent")
    with session_scope(db) as s:
        s.get(User, 1).team = "changed"
        with pytest.raises(RuntimeError, match="before changing anything"):
            logins.authenticate(s, "agent", PASSWORD)
        s.rollback()


def test_failures_lock_the_account_for_a_while_and_success_resets_them(db, few_failures):
    add_users(db, agent="agent", other="agent")
    start = utcnow()
    with session_scope(db) as s:
        assert logins.authenticate(s, "agent", "wrong-password-1", now=start).outcome == "failed"
        assert logins.authenticate(s, "agent", PASSWORD, now=start).outcome == "ok"
        assert s.get(User, 1).failed_logins == 0  # a success starts the count again
        results = [
            logins.authenticate(s, "agent", "wrong-password-1", now=start + timedelta(seconds=i))
            for i in range(3)
        ]
    assert [r.outcome for r in results] == ["failed", "failed", "locked"]
    assert results[-1].retry_after == 15 * 60
    with session_scope(db) as s:
        # Locked: even the right password is refused, without a hash, and the other user is not affected.
        later = start + timedelta(minutes=10)
        refused = logins.authenticate(s, "agent", PASSWORD, now=later)
        assert refused.outcome == "locked" and 0 < refused.retry_after <= 5 * 60 + 2
        assert logins.authenticate(s, "other", PASSWORD, now=later).outcome == "ok"
        user = s.scalar(select(User).where(User.username == "agent"))
        assert services.describe(user, later)["locked"] is True
    with session_scope(db) as s:
        # The lockout ends by itself.
        assert (
            logins.authenticate(s, "agent", PASSWORD, now=start + timedelta(minutes=16)).outcome
            == "ok"
        )
        user = s.scalar(select(User).where(User.username == "agent"))
        assert user.locked_until is None and user.failed_logins == 0
    log = [a for _, a, _ in actions(db, target_id="agent")]
    assert log.count("login.locked_out") == 1 and "login.refused" in log


def test_an_admin_lifts_a_lockout(db, few_failures):
    add_users(db, agent="agent")
    with session_scope(db) as s:
        for _ in range(3):
            logins.authenticate(s, "agent", "wrong-password-1")
        assert logins.authenticate(s, "agent", PASSWORD).outcome == "locked"
    with session_scope(db) as s:
        services.unlock(s, "agent", actor="boss")
    with session_scope(db) as s:
        assert logins.authenticate(s, "agent", PASSWORD).outcome == "ok"
    assert ("boss", "user.unlocked", "agent") in actions(db)


def test_old_failures_are_forgotten(db, few_failures):
    add_users(db, agent="agent")
    start = utcnow()
    with session_scope(db) as s:
        logins.authenticate(s, "agent", "wrong-password-1", now=start)
        logins.authenticate(s, "agent", "wrong-password-1", now=start)
        # A day later the count starts again, so the third failure does not lock.
        assert (
            logins.authenticate(
                s, "agent", "wrong-password-1", now=start + timedelta(days=2)
            ).outcome
            == "failed"
        )
        assert s.scalar(select(User.failed_logins)) == 1


def test_tokens_expire_and_unknown_ones_find_nobody(db):
    add_users(db, agent="agent")
    now = utcnow()
    with session_scope(db) as s:
        user = s.scalar(select(User))
        token = logins.start_login(s, user, now=now)
    with session_scope(db) as s:
        assert logins.user_for_token(s, token, now=now).username == "agent"
        assert (
            logins.user_for_token(s, token, now=now + timedelta(days=logins.LOGIN_DAYS, seconds=1))
            is None
        )
        assert logins.user_for_token(s, "no-such-token", now=now) is None
        # A new login sweeps the user's expired ones.
        logins.start_login(s, user, now=now + timedelta(days=2))
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_end_login_forgets_the_token_and_says_whose_it_was(db):
    add_users(db, agent="agent")
    now = utcnow()
    with session_scope(db) as s:
        token = logins.start_login(s, s.scalar(select(User)), now=now)
    with session_scope(db) as s:
        assert logins.end_login(s, token).username == "agent"
        assert logins.end_login(s, "no-such-token") is None
    with session_scope(db) as s:
        assert logins.user_for_token(s, token, now=now) is None
    assert ("agent", "logout", "agent") in actions(db)


def test_deactivating_ends_every_login_and_keeps_an_admin(db):
    add_users(db, boss="admin", agent="agent")
    now = utcnow()
    with session_scope(db) as s:
        agent = s.scalar(select(User).where(User.username == "agent"))
        tokens = [logins.start_login(s, agent, now=now) for _ in range(2)]
    with session_scope(db) as s:
        services.set_active(s, "agent", False, actor="boss")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(LoginSession)) == 0
        assert all(logins.user_for_token(s, t, now=now) is None for t in tokens)
        services.set_active(s, "agent", True, actor="boss")
    with pytest.raises(services.UserConflict, match="yourself"), session_scope(db) as s:
        services.set_active(s, "boss", False, actor="boss")
    with pytest.raises(services.UserConflict, match="one active admin"), session_scope(db) as s:
        services.set_active(s, "boss", False, actor="cli")
    with pytest.raises(services.UserConflict, match="one active admin"), session_scope(db) as s:
        services.update_user(s, "boss", role="agent", actor="cli")
    with pytest.raises(services.UnknownUser, match="no user 'ghost'"), session_scope(db) as s:
        services.set_active(s, "ghost", False, actor="cli")
    assert [a for _, a, t in actions(db) if t == "agent" and a.startswith("user.")][-2:] == [
        "user.deactivated",
        "user.activated",
    ]


def test_update_user_and_set_password(db):
    add_users(db, boss="admin", agent="agent")
    now = utcnow()
    with session_scope(db) as s:
        services.update_user(
            s, "agent", role="team_lead", team="二组", display_name="王班长", actor="boss"
        )
        token = logins.start_login(s, services.get_user(s, "agent"), now=now)
        generated = services.set_password(s, "agent", None, actor="boss")
        assert (
            generated
            and services.set_password(s, "agent", "another-good-one", actor="boss") is None
        )
        with pytest.raises(services.AccountError, match="at least"):
            services.set_password(s, "agent", "short", actor="boss")
        with pytest.raises(services.AccountError, match="unknown role"):
            services.update_user(s, "agent", role="boss", actor="boss")
    with session_scope(db) as s:
        user = services.get_user(s, "agent")
        assert (user.role, user.team, user.display_name) == ("team_lead", "二组", "王班长")
        assert logins.user_for_token(s, token, now=now) is None  # a new password ends the logins
        assert logins.authenticate(s, "agent", "another-good-one").outcome == "ok"
    with session_scope(db) as s:
        row = s.scalar(select(AuditRow).where(AuditRow.action == "user.updated"))
        # The audit entry says what changed; the display name (personal data) is not stored.
        assert row.detail["role"] == ["agent", "team_lead"] and row.detail["team"] == [
            "default",
            "二组",
        ]
        assert "王班长" not in str(row.detail)


def test_audit_masks_personal_data_and_pages_newest_first(db):
    with session_scope(db) as s:
        for i in range(7):
            audit.record(
                s, actor="agent", action="contact.read", target_kind="customer", target_id=f"C{i}"
            )
        audit.record(
            s,
            actor="lead",
            action="user.updated",
            target_kind="user",
            target_id="13812345678",
            detail={"note": "客户电话13812345678", "n": 3, "list": ["身份证441900199001011234"]},
        )
    with session_scope(db) as s:
        rows, total = audit.entries(s, action="contact", page=1, per_page=5)
        assert total == 7 and [r.target_id for r in rows] == ["C6", "C5", "C4", "C3", "C2"]
        rows, _ = audit.entries(s, action="contact", page=2, per_page=5)
        assert [r.target_id for r in rows] == ["C1", "C0"]
        assert audit.entries(s, actor="lead")[1] == 1
        assert audit.entries(s, action="contact.read")[1] == 7
        assert audit.entries(s, action="contac")[1] == 0  # a prefix only matches whole parts
        assert audit.entries(s, since=utcnow() + timedelta(hours=1))[1] == 0
        assert audit.entries(s, until=utcnow() + timedelta(hours=1))[1] == 8
        entry = audit.as_dict(audit.entries(s, actor="lead")[0][0])
    assert "13812345678" not in str(entry) and "441900199001011234" not in str(entry)
    assert entry["detail"]["n"] == 3 and entry["at"].endswith("+00:00")
