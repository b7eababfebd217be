"""`moqi user`: add, list, deactivate/activate, password, team, role, unlock; one-line errors."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from moqi.accounts import logins
from moqi.accounts.models import AuditRow
from moqi.cli import app as cli
from moqi.db import session_scope
from moqi.settings import get_settings
from tests.conftest import PASSWORD, add_users

runner = CliRunner()


def moqi(*args: str, input: str | None = None):
    return runner.invoke(cli, list(args), input=input)


def can_log_in(db, username: str, password: str) -> str:
    with session_scope(db) as s:
        return logins.authenticate(s, username, password).outcome


def test_user_commands_change_what_they_say(db):
    done = moqi("user", "add", "zhang", "--role", "team_lead", "--team", "一组", "--name", "张班长")
    assert done.exit_code == 0, done.output
    secret = done.stdout.strip().rsplit("password: ", 1)[1]
    assert (
        "zhang (team_lead, team 一组) created" in done.stdout
        and can_log_in(db, "zhang", secret) == "ok"
    )
    assert (
        moqi("user", "add", "li", "--password", PASSWORD).stdout.strip()
        == "user li (agent, team default) created"
    )

    listing = moqi("user", "list").stdout.splitlines()
    assert listing[0].split()[:5] == ["username", "role", "team", "active", "locked"]
    assert listing[2].split() == ["zhang", "team_lead", "一组", "yes", "no", "张班长"]

    assert moqi("user", "team", "li", "二组").stdout.strip() == "user li is in team 二组"
    assert moqi("user", "role", "li", "expert").exit_code == 0
    assert moqi("user", "deactivate", "li").stdout.strip() == "user li deactivated"
    assert can_log_in(db, "li", PASSWORD) == "failed"
    listing = moqi("user", "list").stdout.splitlines()
    assert listing[1].split() == ["li", "expert", "二组", "no", "no", "li"]
    assert listing[1].index("no") == listing[2].index("yes")  # columns line up, Chinese or not
    assert moqi("user", "activate", "li").exit_code == 0 and can_log_in(db, "li", PASSWORD) == "ok"

    assert (
        moqi("user", "password", "li", "--password-stdin", input="stdin-password-1\n").exit_code
        == 0
    )
    assert can_log_in(db, "li", "stdin-password-1") == "ok"
    prompted = moqi("user", "password", "li", input="typed-password-2\ntyped-password-2\n")
    assert prompted.exit_code == 0 and "typed-password-2" not in prompted.stdout
    assert can_log_in(db, "li", "typed-password-2") == "ok"
    generated = (
        moqi("user", "password", "li", "--generate").stdout.strip().rsplit("password: ", 1)[1]
    )
    assert can_log_in(db, "li", generated) == "ok"

    with session_scope(db) as s:
        row = s.scalar(select(AuditRow).where(AuditRow.action == "user.deactivated"))
        assert (row.actor, row.target_id) == ("cli", "li")


def test_unlock_lifts_a_lockout(db, monkeypatch):
    monkeypatch.setenv("MOQI_LOGIN_USER_MAX_FAILURES", "2")
    get_settings.cache_clear()
    add_users(db, agent="agent")
    assert [can_log_in(db, "agent", "wrong-password-1") for _ in range(2)] == ["failed", "locked"]
    assert moqi("user", "list").stdout.splitlines()[1].split()[3:5] == ["yes", "yes"]
    assert moqi("user", "unlock", "agent").stdout.strip() == "user agent unlocked"
    assert can_log_in(db, "agent", PASSWORD) == "ok"


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (("user", "add", "x"), None, "username must be"),
        (("user", "add", "wang", "--role", "boss"), None, "unknown role"),
        (("user", "add", "wang", "--password", "short"), None, "at least 10 characters"),
        (("user", "add", "wang", "--password", "password1234"), None, "too common"),
        (("user", "add", "agent", "--password", PASSWORD), None, "already exists"),
        (("user", "deactivate", "ghost"), None, "no user 'ghost'"),
        (("user", "team", "agent", "a\tb"), None, "team name"),
        (("user", "role", "agent", "boss"), None, "unknown role"),
        (
            ("user", "password", "agent", "--password-stdin"),
            "agent-password\n",
            "must not contain the username",
        ),
        (("user", "password", "agent", "--password-stdin"), "", "no password on standard input"),
        (("user", "password", "agent", "--password-stdin", "--generate"), None, "either"),
        (("user", "password", "agent"), "one-password-1\nother-password-2\n", "no password given"),
    ],
)
def test_errors_are_one_plain_line_with_exit_2(db, args, input, message):
    add_users(db, agent="agent")
    done = moqi(*args, input=input)
    assert done.exit_code == 2, (done.stdout, done.stderr)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("moqi: error: ") and message in last and "Traceback" not in done.stderr


def test_the_installed_command_runs(db):
    env = {**os.environ}
    run = subprocess.run(
        [sys.executable, "-m", "moqi", "user", "add", "shell-user", "--team", "夜班"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (
        run.returncode == 0 and "shell-user (agent, team 夜班) created; password: " in run.stdout
    ), run.stderr
    again = subprocess.run(
        [sys.executable, "-m", "moqi", "user", "add", "shell-user"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (
        again.returncode == 2
        and again.stderr.strip() == "moqi: error: user 'shell-user' already exists"
    )
