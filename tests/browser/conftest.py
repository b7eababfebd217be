"""A real moqi server and Debian's Chromium driven by Playwright, both started by the tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from moqi.accounts.services import add_user
from moqi.cli.common import setup_database
from moqi.db import session_scope
from moqi.settings import get_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PASSWORD = "browser-pass-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`moqi serve` on a free loopback port, on a fresh SQLite instance with demo content."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is not installed (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed")
    home = tmp_path_factory.mktemp("browser-home")
    old = os.environ.get("MOQI_HOME")
    os.environ["MOQI_HOME"] = str(home)
    get_settings.cache_clear()
    factory, _ = setup_database(demo=True)
    with session_scope(factory) as s:
        add_user(s, "agent_li", PASSWORD, "agent", "李坐席")
        add_user(s, "lead_wang", PASSWORD, "team_lead", "王班长")
        add_user(s, "editor_zhao", PASSWORD, "knowledge_editor", "赵编辑")
    port = _free_port()
    env = {**os.environ, "MOQI_HOME": str(home)}
    env.pop("MOQI_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy 2-core machine takes a while to start one
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(
            "moqi serve did not start: " + proc.stdout.read().decode(errors="replace")
        )
    yield {"url": base, "home": home, "env": env, "factory": factory}
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()
    if old is None:
        os.environ.pop("MOQI_HOME", None)
    else:
        os.environ["MOQI_HOME"] = old
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def shot():
    """Save a screenshot of a page under artifacts/ (kept by CI as test artifacts)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return lambda page, name: page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def login(browser, server):
    """Log a user in a fresh browser context (closed after the test); returns the landing page."""
    contexts = []

    def _login(username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server['url']}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.wait_for_load_state("load")
        return page

    yield _login
    for context in contexts:
        context.close()
