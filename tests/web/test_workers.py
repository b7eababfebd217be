"""Two real `moqi serve` processes on one PostgreSQL serve the same live contacts: what one stores
reaches the agent's and the team lead's sockets on the other, in order and once; a call moved on
by one worker is taken up where it stands by the other. SQLite refuses more than one worker."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import PASSWORD, add_users
from tests.web.test_crash import _free_port, _serve

LINES = ["我这个月流量怎么又超了", "您好，我帮您查一下", "扣了我五十多块钱，太离谱了"]


@pytest.fixture
def login() -> Iterator:
    """Log a user in on one worker; the clients are closed after the test."""
    clients: list[httpx2.Client] = []

    def _login(base: str, username: str) -> httpx2.Client:
        client = httpx2.Client(base_url=base, timeout=30)
        clients.append(client)
        r = client.post("/login", data={"username": username, "password": PASSWORD})
        assert r.status_code in (200, 303) and client.cookies.get("moqi_session"), r.text
        return client

    yield _login
    for client in clients:
        client.close()


class _Listener:
    """A WebSocket on one worker, collecting what it is sent in a thread."""

    def __init__(self, ws) -> None:
        self.messages: list[dict] = []
        self._ws = ws
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for raw in self._ws:
                self.messages.append(json.loads(raw))
        except ConnectionClosed:
            return

    def of_type(self, kind: str) -> list[dict]:
        return [m for m in self.messages if m["type"] == kind]


@contextmanager
def _listening(url: str, token: str) -> Iterator[_Listener]:
    with connect(url, additional_headers={"Cookie": f"moqi_session={token}"}) as ws:
        listener = _Listener(ws)
        yield listener
    listener._thread.join(timeout=5)


def _wait(condition, seen: object = None, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out; seen: {seen}"
        time.sleep(0.05)


@pytest.fixture
def two_workers(loaded_db, db_url, instance):
    if not db_url.startswith("postgresql"):
        pytest.skip("several workers share contacts on PostgreSQL only")
    import os

    add_users(loaded_db, w_agent="agent/north", w_lead="team_lead/north")
    env = {**os.environ, "MOQI_HOME": str(instance), "MOQI_DATABASE_URL": db_url}
    ports = [_free_port(), _free_port()]
    procs = [_serve(env, port) for port in ports]
    yield [f"http://127.0.0.1:{port}" for port in ports]
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


def test_an_utterance_stored_by_one_worker_reaches_sockets_on_the_other_in_order_once(
    two_workers, login
):
    a, b = two_workers
    agent_a = login(a, "w_agent")
    r = agent_a.post("/api/contacts", json={"customer": "C1001"})
    assert r.status_code == 201, r.text
    cid = r.json()["contact_id"]

    ws_b = b.replace("http", "ws")
    lead = login(b, "w_lead")
    with (
        _listening(f"{ws_b}/ws/contacts/{cid}", agent_a.cookies["moqi_session"]) as agent_socket,
        _listening(f"{ws_b}/ws/wall", lead.cookies["moqi_session"]) as wall_socket,
    ):
        # The lead's wall on worker B shows the contact worker A opened.
        assert [c["contact_id"] for c in lead.get("/api/wall").json()["contacts"]] == [cid]
        turns = []
        for i, text in enumerate(LINES * 2):
            speaker = "customer" if i % 2 == 0 else "agent"
            r = agent_a.post(
                f"/api/contacts/{cid}/utterances",
                json={"speaker": speaker, "text": text, "ts": float(i)},
            )
            assert r.status_code == 200, r.text
            turns.append(r.json()["event"]["turn"])
        _wait(lambda: len(agent_socket.of_type("assist")) >= len(turns), agent_socket.messages)
        _wait(lambda: len(wall_socket.of_type("contact_updated")) >= len(turns))
        time.sleep(0.5)  # anything sent twice would have arrived by now
        assert [m["event"]["turn"] for m in agent_socket.of_type("assist")] == turns
        assert [m["contact"]["turns"] for m in wall_socket.of_type("contact_updated")] == [
            1,
            2,
            3,
            4,
            5,
            6,
        ]

        # Worker B takes the call up where A left it: the next turn, not a fresh session.
        agent_b = login(b, "w_agent")
        r = agent_b.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": "customer", "text": "那你们什么时候给我退", "ts": 9.0},
        )
        assert r.status_code == 200, r.text
        assert r.json()["event"]["turn"] == turns[-1] + 1
        # ... and A, whose session is now behind, takes it up after B.
        r = agent_a.post(
            f"/api/contacts/{cid}/utterances",
            json={"speaker": "agent", "text": "今天之内给您处理", "ts": 10.0},
        )
        assert r.status_code == 200, r.text
        assert r.json()["event"]["turn"] == turns[-1] + 2
        detail = agent_a.get(f"/api/contacts/{cid}").json()
        assert [e["turn"] for e in detail["events"]] == list(range(1, len(turns) + 3))

        r = agent_a.post(
            f"/api/contacts/{cid}/wrapup", json={"reason": "data_overage", "result": "resolved"}
        )
        assert r.status_code == 200, r.text
        _wait(
            lambda: agent_socket.of_type("contact_closed") and wall_socket.of_type("contact_closed")
        )
        assert lead.get("/api/wall").json()["contacts"] == []
        assert (
            agent_b.post(
                f"/api/contacts/{cid}/utterances", json={"speaker": "agent", "text": "再见"}
            ).status_code
            == 409
        )


def test_sqlite_refuses_more_than_one_worker(instance):
    proc = subprocess.run(
        [sys.executable, "-m", "moqi", "serve", "--workers", "2", "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "SQLite serves live contacts from one process" in proc.stderr
