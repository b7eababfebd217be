"""`moqi tickets`: the queue, one ticket and the sweep from the command line, on the database
MOQI_DATABASE_URL names; bad options get one line and a non-zero exit."""

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from moqi.cli import app
from moqi.db import session_scope
from moqi.service import tickets


def _run(*args):
    return CliRunner().invoke(app, ["tickets", *args])


def test_list_show_and_sweep(loaded_db):
    long_ago = datetime.now(UTC) - timedelta(days=3)
    with session_scope(loaded_db) as s:
        t = tickets.create(
            s,
            kind="complaint",
            priority="urgent",
            title="扬言向工信部申诉",
            owner="agent_li",
            now=long_ago,
        )
        tid = t.id
    listed = _run("list", "--json")
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert row["id"] == tid and row["breached"]
    assert "扬言向工信部申诉" in _run("list", "--queue", "breaching").output

    swept = _run("sweep")
    assert swept.exit_code == 0 and "breaches 2" in swept.output
    assert "breaches 0" in _run("sweep").output  # raised once
    shown = _run("show", str(tid))
    assert shown.exit_code == 0 and "alert" in shown.output and "已超时" in shown.output


def test_bad_input_gets_one_line():
    assert _run("list", "--queue", "mine").exit_code != 0
    missing = _run("show", "424242")
    assert missing.exit_code != 0
    assert "no ticket 424242" in missing.output


def test_serve_refuses_a_webhook_gateway_without_its_url(loaded_db, monkeypatch):
    from moqi.settings import get_settings

    monkeypatch.setenv("MOQI_GATEWAY", "webhook")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "MOQI_WEBHOOK_URL" in result.output
