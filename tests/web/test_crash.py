"""A real `moqi serve` killed with SIGKILL under load loses no utterance it acknowledged, and the
restarted server takes the calls up again; SIGTERM does not wait forever on a stuck request."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import select

from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from tests.conftest import PASSWORD, add_users

AGENTS = [f"crash_agent{i}" for i in range(6)]
LINES = [
    "我这个月流量怎么又超了",
    "您好，我帮您查一下",
    "扣了我五十多块钱，太离谱了",
    "非常抱歉，我马上核实",
    "好的你快点",
    "已经为您提交减免申请",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict, port: int) -> subprocess.Popen:
    """`moqi serve` on `port`, its output appended to MOQI_HOME/serve.log."""
    with open(_log(env), "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180  # a busy 2-core machine takes a while to start one
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx2.HTTPError:
            time.sleep(0.1)
        if proc.poll() is not None:
            break
    proc.kill()
    proc.wait()
    raise RuntimeError("moqi serve did not start: " + _log(env).read_text(errors="replace")[-3000:])


def _log(env: dict) -> Path:
    return Path(env["MOQI_HOME"]) / "serve.log"


@pytest.fixture
def server_env(loaded_db, db_url, instance):
    add_users(loaded_db, **dict.fromkeys(AGENTS, "agent"))
    return {**os.environ, "MOQI_HOME": str(instance), "MOQI_DATABASE_URL": db_url}


def test_kill_9_under_load_loses_no_acknowledged_utterance(server_env, db):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(server_env, port)
    clients = {a: httpx2.Client(base_url=base, auth=(a, PASSWORD), timeout=30) for a in AGENTS}
    contacts = {}
    for agent, client in clients.items():
        r = client.post("/api/contacts", json={"customer": "C1001"})
        assert r.status_code == 201, r.text
        contacts[agent] = r.json()["contact_id"]
    acked: dict[int, set[int]] = defaultdict(set)
    stop = threading.Event()

    def load(agent: str) -> None:
        client, cid = clients[agent], contacts[agent]
        i = 0
        while not stop.is_set():
            speaker = "customer" if i % 2 == 0 else "agent"
            try:
                r = client.post(
                    f"/api/contacts/{cid}/utterances",
                    json={"speaker": speaker, "text": LINES[i % len(LINES)], "ts": float(i)},
                )
            except httpx2.HTTPError:
                return  # the server is gone
            if r.status_code == 200:
                acked[cid].add(r.json()["event"]["turn"])
            i += 1

    threads = [threading.Thread(target=load, args=(a,)) for a in AGENTS]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while sum(map(len, acked.values())) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the burst
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    total = sum(map(len, acked.values()))
    assert total >= 300, "the load did not get going"

    with session_scope(db) as s:
        stored = {
            cid: set(s.scalars(select(Utterance.turn).where(Utterance.contact_id == cid)))
            for cid in contacts.values()
        }
    lost = {
        cid: sorted(acked[cid] - stored[cid])
        for cid in contacts.values()
        if acked[cid] - stored[cid]
    }
    assert lost == {}, f"acknowledged but not stored: {lost}"

    # The restarted server has each call where storage left it, and the calls go on.
    proc = _serve(server_env, port)
    try:
        for agent, client in clients.items():
            cid = contacts[agent]
            live = client.get(f"/api/contacts/{cid}")
            assert live.status_code == 200, (
                live.text + _log(server_env).read_text(errors="replace")[-3000:]
            )
            assert len(live.json()["events"]) == len(stored[cid])
            more = client.post(
                f"/api/contacts/{cid}/utterances",
                json={"speaker": "customer", "text": "喂，还在吗"},
            )
            assert more.status_code == 200 and more.json()["event"]["turn"] == len(stored[cid]) + 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        for client in clients.values():
            client.close()
    with session_scope(db) as s:
        contacts = s.scalars(select(Contact)).all()
        assert contacts and all(c.status == "open" for c in contacts)
    print(
        f"\nkill -9 under load: {total} acknowledged, {sum(map(len, stored.values()))} stored, 0 lost"
    )


def test_sigterm_does_not_hang_on_a_stuck_request(server_env):
    from moqi.cli.serve import SHUTDOWN_GRACE_S

    port = _free_port()
    proc = _serve(server_env, port)
    # A client that announces a body and never sends it holds its request open.
    stuck = socket.create_connection(("127.0.0.1", port))
    stuck.sendall(
        b'POST /api/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"cust'
    )
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=SHUTDOWN_GRACE_S + 20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("moqi serve did not stop on SIGTERM with a stuck request open")
    finally:
        stuck.close()
    assert time.monotonic() - started < SHUTDOWN_GRACE_S + 20
