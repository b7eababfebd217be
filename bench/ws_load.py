"""N concurrent WebSocket contacts on loopback, each sending a real utterance every 2 s.

    python bench/ws_load.py [--contacts 500] [--seconds 60] [--interval 2]
    python bench/ws_load.py --workers 4 --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

Starts its own server on a free loopback port (fresh SQLite instance in a temporary MOQI_HOME;
with --postgres, a fresh database created on that server and dropped after, served by
--workers processes), opens the contacts over HTTP, then streams. Prints end-to-end latency (client
send → assist event back, which includes the utterance's commit: events go out only once
stored), the server-side analysis time per utterance, and any dropped events. Target (issue 3): 500 contacts, p99 end-to-end ≤ 50 ms, none dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import stc3_dialogues  # noqa: E402
from _measure import percentile  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres(server_url: str) -> tuple[str, object]:
    """A new database on the PostgreSQL server at `server_url`, and how to drop it."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"moqi_wsload_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def prepare(home: Path, database_url: str | None) -> str:
    """A fresh instance with the demo content and a load-test agent; returns a login token."""
    os.environ["MOQI_HOME"] = str(home)
    if database_url:
        os.environ["MOQI_DATABASE_URL"] = database_url
    else:
        os.environ.pop("MOQI_DATABASE_URL", None)
    from moqi.accounts.logins import start_login
    from moqi.accounts.services import add_user
    from moqi.cli.common import now, setup_database
    from moqi.db import session_scope

    factory, _ = setup_database(demo=True)
    with session_scope(factory) as s:
        user = add_user(s, "load_agent", "load-agent-pass", "agent")
        return start_login(s, user, now=now())


def open_contacts(base: str, token: str, n: int) -> list[int]:
    ids = []
    customers = [f"C10{i:02d}" for i in range(1, 13)]
    for i in range(n):
        body = json.dumps({"customer": customers[i % len(customers)], "channel": "voice"}).encode()
        request = urllib.request.Request(
            f"{base}/api/contacts",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Cookie": f"moqi_session={token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            ids.append(json.loads(r.read())["contact_id"])
    return ids


async def contact_loop(
    port: int,
    token: str,
    contact_id: int,
    texts: list[str],
    until: float,
    interval: float,
    start_delay: float,
    out: dict,
) -> None:
    import websockets

    await asyncio.sleep(start_delay)
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/contacts/{contact_id}",
        additional_headers={"Cookie": f"moqi_session={token}"},
        max_size=2**22,
    ) as ws:
        i = 0
        while time.monotonic() < until:
            text = texts[i % len(texts)]
            speaker = "customer" if i % 2 == 0 else "agent"
            sent = time.perf_counter()
            await ws.send(
                json.dumps(
                    {"speaker": speaker, "text": text, "ts": i * interval}, ensure_ascii=False
                )
            )
            out["sent"] += 1
            while True:
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                except TimeoutError:
                    out["dropped"] += 1
                    break
                if message["type"] == "assist":
                    out["e2e"].append((time.perf_counter() - sent) * 1000)
                    out["server"].append(message.get("server_ms") or 0.0)
                    break
            i += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - sent)))


async def run_load(port: int, token: str, ids: list[int], seconds: float, interval: float) -> dict:
    dialogues = stc3_dialogues()
    out = {"sent": 0, "dropped": 0, "e2e": [], "server": []}
    until = time.monotonic() + seconds
    tasks = []
    for n, cid in enumerate(ids):
        texts = [t["text"][:300] for t in dialogues[n % len(dialogues)]["turns"]] or ["你好"]
        # Spread the contacts over the interval, as real calls are not in lockstep.
        tasks.append(
            contact_loop(port, token, cid, texts, until, interval, interval * n / len(ids), out)
        )
    await asyncio.gather(*tasks)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL to create the database on")
    args = parser.parse_args()
    if args.workers > 1 and not args.postgres:
        parser.error("several workers share live contacts on PostgreSQL only: give --postgres")
    home = Path(tempfile.mkdtemp(prefix="moqi-wsload-"))
    database_url, drop = fresh_postgres(args.postgres) if args.postgres else (None, None)
    token = prepare(home, database_url)
    port = free_port()
    env = {**os.environ, "MOQI_HOME": str(home)}
    # One process on SQLite: one core for the server, the other for this load generator, so
    # neither steals from the other. Several workers and PostgreSQL share the cores.
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = len(cores) >= 2 and not args.postgres
    pin = (lambda: os.sched_setaffinity(0, {cores[0]})) if pinned else None
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "moqi.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(args.workers),
        ],
        env=env,
        preexec_fn=pin,
    )
    if pinned:
        os.sched_setaffinity(0, {cores[1]})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        t = time.perf_counter()
        ids = open_contacts(base, token, args.contacts)
        print(
            f"opened {len(ids)} contacts in {time.perf_counter() - t:.1f}s; streaming for {args.seconds:.0f}s, one utterance per contact every {args.interval}s"
        )
        out = asyncio.run(run_load(port, token, ids, args.seconds, args.interval))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if drop:
            drop()
    received = len(out["e2e"])
    print(
        f"utterances sent {out['sent']}, assist events received {received}, dropped {out['dropped']}, rate {received / args.seconds:.0f}/s"
    )
    print("| latency | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|")
    for name, values in (("end-to-end (ms)", out["e2e"]), ("server: analyse (ms)", out["server"])):
        print(
            f"| {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | {max(values, default=float('nan')):.1f} |"
        )
    where = f"PostgreSQL, {args.workers} worker(s)" if args.postgres else "SQLite, 1 worker"
    print(f"{where}; target: {args.contacts} contacts, p99 end-to-end ≤ 50 ms, 0 dropped")


if __name__ == "__main__":
    main()
