"""Memory per live contact, and bytes stored per utterance.

    python bench/live_memory.py [--contacts 200] [--turns 120]

Opens N live contacts in one process (fresh SQLite instance in a temporary MOQI_HOME), feeds
each the same real call's utterances for `--turns` turns through the live path (analysis,
group commit), and prints the process's memory growth per contact at 1/4, 1/2 and all of the
turns — flat when a long call costs no more than a short one — and the database bytes per
stored utterance (rows of utterances + assist events, by SQLite's dbstat).
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import stc3_dialogues  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--turns", type=int, default=120)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="moqi-livemem-"))
    os.environ["MOQI_HOME"] = str(home)
    os.environ.pop("MOQI_DATABASE_URL", None)
    from moqi.assist.live import services as lives
    from moqi.assist.live.hub import LiveHub
    from moqi.assist.live.writer import BatchWriter
    from moqi.cli.common import now, setup_database
    from moqi.db import session_scope

    factory, _ = setup_database(demo=True)
    writer = BatchWriter(factory.kw["bind"])
    hub = LiveHub()
    texts = [t["text"][:300] for d in stc3_dialogues()[:50] for t in d["turns"]] or ["你好"]
    contacts = []
    with session_scope(factory) as s:
        for i in range(args.contacts):
            live, _ = lives.open_contact(
                s,
                customer_ref=f"C10{i % 12 + 1:02d}",
                channel="voice",
                title="",
                agent="a",
                team="t",
                now=now(),
            )
            contacts.append(live)
    for live in contacts:
        hub.hold(live)
    gc.collect()
    base = rss_mb()
    marks = {args.turns // 4, args.turns // 2, args.turns}
    print(f"{args.contacts} contacts opened; feeding {args.turns} turns each")
    for turn in range(1, args.turns + 1):
        futures = []
        for n, live in enumerate(contacts):
            text = texts[(n * 7 + turn) % len(texts)]
            speaker = "customer" if turn % 2 else "agent"
            _, rows, apply = lives.feed(live, speaker, text, float(turn))
            futures.append(writer.submit(rows, contact_id=live.contact_id, apply=apply))
        for future in futures:
            future.result()
        if turn in marks:
            gc.collect()
            grown = rss_mb() - base
            print(
                f"after {turn:4d} turns: +{grown:7.1f} MB, {grown * 1024 / args.contacts:7.1f} KB per live contact"
            )
    writer.close()
    factory.kw["bind"].dispose()
    db = home / "moqi.sqlite3"
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from utterances").fetchone()[0]
        try:
            sizes = dict(
                conn.execute(
                    "select name, sum(pgsize) from dbstat where name in "
                    "('utterances', 'assist_events') group by name"
                ).fetchall()
            )
        except sqlite3.OperationalError:  # SQLite built without dbstat
            sizes = {}
    if sizes and stored:
        total = sum(sizes.values())
        parts = ", ".join(f"{k} {v / stored:.0f}" for k, v in sorted(sizes.items()))
        print(f"stored {stored} utterances: {total / stored:.0f} bytes each ({parts})")


if __name__ == "__main__":
    main()
