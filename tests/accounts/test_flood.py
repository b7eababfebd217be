"""A flood of bad logins against a real `moqi serve` stalls nobody: no 5xx, no exhausted
connection pool, the flood is answered 401/429, and an agent's live call goes on meanwhile."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest

from tests.conftest import PASSWORD, add_users

FLOOD = 200
# Generous: a hang must fail the test, not stall it; nothing here is a timing target.
TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(loaded_db, db_url, instance):
    add_users(loaded_db, flood_agent="agent", flood_api="agent")
    env = {**os.environ, "MOQI_HOME": str(instance), "MOQI_DATABASE_URL": db_url}
    port = _free_port()
    log_path = Path(instance) / "serve.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx2.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                time.sleep(0.1)
            if proc.poll() is not None:
                raise RuntimeError(
                    "moqi serve did not start: " + log_path.read_text(errors="replace")[-3000:]
                )
        else:
            raise RuntimeError("moqi serve did not answer within a minute")
        yield base, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_flood_of_bad_logins_stalls_nobody(server):
    base, log_path = server
    with (
        httpx2.Client(base_url=base, timeout=TIMEOUT) as agent,
        httpx2.Client(base_url=base, auth=("flood_api", PASSWORD), timeout=TIMEOUT) as api,
    ):
        _flood_while_working(base, log_path, agent, api)


def _flood_while_working(
    base: str, log_path: Path, agent: httpx2.Client, api: httpx2.Client
) -> None:
    assert (
        agent.post(
            "/login", data={"username": "flood_agent", "password": PASSWORD}, follow_redirects=False
        ).status_code
        == 303
    )
    assert api.get("/api/me").status_code == 200  # an integration verified before the flood
    opened = agent.post("/api/contacts", json={"customer": "C1001", "channel": "voice"})
    assert opened.status_code == 201, opened.text
    cid = opened.json()["contact_id"]

    statuses: list[int | str] = []
    start = threading.Barrier(FLOOD + 1)

    def bogus(i: int) -> None:
        with httpx2.Client(base_url=base, timeout=TIMEOUT) as client:
            start.wait(TIMEOUT)
            try:
                if i % 2:
                    r = client.get("/api/me", auth=(f"bogus{i}", "not-the-password-1"))
                else:
                    r = client.post(
                        "/login", data={"username": f"bogus{i}", "password": "not-the-password-1"}
                    )
                statuses.append(r.status_code)
            except httpx2.HTTPError as exc:
                statuses.append(type(exc).__name__)

    threads = [threading.Thread(target=bogus, args=(i,), daemon=True) for i in range(FLOOD)]
    for t in threads:
        t.start()
    start.wait(TIMEOUT)
    # While the flood is in flight the agent's call goes on, and the verified client works.
    said = []
    for i, text in enumerate(
        ["我这个月流量怎么又超了", "扣了我五十多块钱，太离谱了", "你们赶紧给我处理"]
    ):
        r = agent.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": "customer", "text": text, "ts": float(i)},
        )
        said.append((r.status_code, r.text[:200]))
    me = api.get("/api/me")
    for t in threads:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "the flood hung"

    assert [code for code, _ in said] == [200, 200, 200], said
    assert me.status_code == 200 and me.json()["username"] == "flood_api"
    assert len(statuses) == FLOOD
    assert set(statuses) <= {401, 429}, sorted(set(map(str, statuses)))
    assert 429 in statuses  # the limits answered, instead of queueing hundreds of hashes
    assert httpx2.get(f"{base}/api/health", timeout=TIMEOUT).status_code == 200
    log = log_path.read_text(errors="replace")
    assert "QueuePool limit" not in log and "Traceback" not in log, log[-3000:]
