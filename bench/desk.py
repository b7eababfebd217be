"""Service desk speed: ticket writes through the API, and the SLA sweep over many open tickets.

    python bench/desk.py [--writes 2000] [--clients 4] [--open 1000000]

Targets (issue 23), on the embedded SQLite database: ≥ 500 ticket writes/s through the API
(creates, then notes and replies on them: every one a committed request), and the breach sweep
over 1,000,000 open tickets in ≤ 2 s (the database finds the due ones by the indexed alert_at;
Python never walks them all). There is no peer library to run beside it: Zammad and Chatwoot
are whole servers (Rails), not libraries. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _instance(home: Path) -> str:
    os.environ["MOQI_HOME"] = str(home)
    os.environ["MOQI_DESK_SWEEP_SECONDS"] = "0"  # the bench runs the sweep itself
    os.environ.pop("MOQI_DATABASE_URL", None)
    from moqi.cli.common import setup_database
    from moqi.settings import get_settings

    get_settings.cache_clear()
    factory, _ = setup_database(demo=True)
    factory.kw["bind"].dispose()
    return get_settings().db_url


def writes(url: str, n: int, clients: int) -> None:
    """Creates, then notes and replies, from `clients` threads against `moqi serve` (one
    uvicorn worker on the SQLite file), each request a committed write."""
    import socket
    import subprocess
    import sys
    import threading
    import urllib.request

    import httpx2 as httpx

    from moqi.accounts.services import add_user
    from moqi.db import make_engine, make_sessionmaker, session_scope

    factory = make_sessionmaker(make_engine(url))
    with session_scope(factory) as s:
        add_user(s, "bench_agent", "bench-pass-123", "agent", "压测坐席")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        sessions = []
        for _ in range(clients):
            c = httpx.Client(base_url=base, headers={"Origin": base})
            r = c.post("/login", data={"username": "bench_agent", "password": "bench-pass-123"})
            assert r.status_code in (200, 303), r.text
            sessions.append(c)
        body = {
            "kind": "complaint",
            "priority": "normal",
            "title": "宽带月租多扣",
            "customer": "C1001",
        }
        ids: list[int] = []
        lock = threading.Lock()

        def create(c, k):
            for _ in range(k):
                r = c.post("/api/tickets", json=body)
                assert r.status_code == 201, r.text
                with lock:
                    ids.append(r.json()["id"])

        def update(c, mine):
            for i, tid in enumerate(mine):
                path = "notes" if i % 2 else "replies"
                r = c.post(f"/api/tickets/{tid}/{path}", json={"body": "已核实，正在处理"})
                assert r.status_code == 200, r.text

        def timed(target, args_of) -> float:
            threads = [
                threading.Thread(target=target, args=args_of(i, c)) for i, c in enumerate(sessions)
            ]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - t0

        per = n // clients
        creates = timed(create, lambda i, c: (c, per))
        updates = timed(update, lambda i, c: (c, ids[i::clients]))
        for c in sessions:
            c.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    done = per * clients
    print(
        f"| ticket creates via the API ({clients} clients, moqi serve) | {done} | {done / creates:,.0f}/s | ≥ 500/s |"
    )
    print(
        f"| ticket updates via the API (note/reply) | {len(ids)} | {len(ids) / updates:,.0f}/s | ≥ 500/s |"
    )


def sweep(url: str, n: int) -> None:
    from sqlalchemy import insert

    from moqi.db import make_engine, make_sessionmaker, session_scope
    from moqi.service import sweep as desk_sweep
    from moqi.service.models import Ticket

    engine = make_engine(url)
    now = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    random.seed(12300)
    t0 = time.perf_counter()
    rows = []
    due_now = 0
    for i in range(n):
        # Due times spread over the next 30 days; about 200 already due.
        offset = random.randrange(-3600, 0) if i % 5000 == 0 else random.randrange(3600, 30 * 86400)
        due = now + timedelta(seconds=offset)
        due_now += offset <= 0
        rows.append(
            {
                "kind": "complaint",
                "priority": "normal",
                "channel": "voice",
                "businesses": [],
                "reason": "",
                "title": f"压测工单 {i}",
                "owner": f"agent{i % 300}",
                "assignee": f"agent{i % 300}",
                "team": "",
                "status": "open",
                "escalated": False,
                "escalation": "",
                "calendar": "hotline_24h",
                "created_at": now - timedelta(hours=1),
                "updated_at": now - timedelta(hours=1),
                "first_response_due": due,
                "first_responded_at": None,
                "update_due": None,
                "due_at": due + timedelta(days=1),
                "paused_at": None,
                "alert_at": due - timedelta(minutes=15),
                "alerted": "",
                "resolution": "",
                "resolution_code": "",
                "customer_answer": "",
                "close_reason": "",
                "reopened": 0,
            }
        )
        if len(rows) == 50_000:
            with engine.begin() as conn:
                conn.execute(insert(Ticket), rows)
            rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(Ticket), rows)
    load = time.perf_counter() - t0
    factory = make_sessionmaker(engine)
    t0 = time.perf_counter()
    with session_scope(factory) as s:
        counts = desk_sweep.sweep(s, now=now, link_base="http://bench", batch=5000)
    took = time.perf_counter() - t0
    t0 = time.perf_counter()
    with session_scope(factory) as s:
        again = desk_sweep.sweep(s, now=now, link_base="http://bench", batch=5000)
    idle = time.perf_counter() - t0
    print(
        f"| sweep over {n:,} open tickets ({counts['warnings'] + counts['breaches']} alerts raised) | 1 | {took:.3f} s | ≤ 2 s |"
    )
    print(
        f"| the next sweep (nothing new due: {sum(again.values())}) | 1 | {idle * 1000:.1f} ms | — |"
    )
    print(f"(loading {n:,} rows took {load:.0f} s; not part of the figure)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        url = _instance(Path(home))
        print("| what | n | figure | target |")
        print("|---|---|---|---|")
        writes(url, args.writes, args.clients)
        sweep(url, args.open)


if __name__ == "__main__":
    main()
