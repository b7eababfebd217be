"""WeChat channel speed: inbound messages per second through the webhook to a routed utterance
with its assist event, and the time from a message in to the agent's screen.

    python bench/channels.py [--agents 20] [--max-chats 5] [--new 120] [--messages 5000]
                             [--clients 4] [--rate 100] [--seconds 5]

Starts `moqi serve` (one uvicorn worker) on a free loopback port, on a fresh SQLite instance in
a temporary MOQI_HOME (`setup_database(demo=True)`) with WeChat in plain mode
(MOQI_WECHAT_TOKEN=test), `--agents` agents of team north available with every chat skill and
`--max-chats` parallel chats each, logged in with their screens open (`WS /ws/agent`). Then:

1. New conversations: `--new` customers (distinct openids) send their first message (roaming,
   broadband, billing, complaint, greeting). Each is classified and routed; agents × max-chats
   of them open a live contact with the utterance and its assist event stored, the rest wait in
   the queue (counted). Figures: messages/s until every routed one is stored, and the time from
   the POST to the `chat_assigned` message on the agent's screen.
2. Ongoing conversations (the main figure): the routed customers send `--messages` follow-ups
   from `--clients` threads, as fast as the server answers, each with its own MsgId: messages/s
   accepted at the webhook, and end to end until every one is a stored utterance with its assist
   event (counted read-only in the database); the time from just before each POST to the
   `{"type": "assist"}` event carrying its text on the agent's `WS /ws/contacts/{id}` socket.
3. The same time to screen at a steady `--rate` (messages/s) for `--seconds`, below capacity.

The server is pinned to one core and this load generator to another when there are two or more
(as bench/ws_load.py does). The instance (database, server.log) is left in /tmp for reading
afterwards; the server's CPU time per phase and any agent routed over their limit are printed. Target (issue 24), on the embedded SQLite database: ≥ 1,000 inbound
messages/s through the webhook to a routed utterance with its assist event; the 99th percentile
from message in to agent screen is printed (the issue sets no figure for it). There is no peer
library to run beside it: Chatwoot and the WeChat customer-service platforms are whole servers,
not libraries. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _channels_load import (  # noqa: E402
    FIRST,
    LATER,
    Db,
    Screens,
    _instance,
    blast,
    cpu_s,
    free_port,
    latency_row,
    login,
    openid,
    own_cpu_s,
    paced,
    text_xml,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--max-chats", type=int, default=5, help="parallel chats per agent (1–20)")
    parser.add_argument("--new", type=int, default=120, help="new conversations (first messages)")
    parser.add_argument("--messages", type=int, default=5000, help="follow-ups, as fast as taken")
    parser.add_argument("--clients", type=int, default=4, help="posting threads")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="steady phase: messages/s (0: half the phase 2 figure)",
    )
    parser.add_argument("--seconds", type=float, default=5, help="steady phase: how long")
    args = parser.parse_args()
    command = "python bench/channels.py " + " ".join(
        f"--{k.replace('_', '-')} {v:g}" if isinstance(v, float) else f"--{k.replace('_', '-')} {v}"
        for k, v in vars(args).items()
    )
    home = Path(tempfile.mkdtemp(prefix="moqi-channels-"))
    url, agents = _instance(home, args.agents, args.max_chats)
    db = Db(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = len(cores) >= 2
    log_path = home / "server.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 - kept open while the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        preexec_fn=(lambda: os.sched_setaffinity(0, {cores[0]})) if pinned else None,
    )
    if pinned:
        os.sched_setaffinity(0, set(cores[1:]))
    screens = None
    results: dict = {}
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookies = {a: login(base, a) for a in agents}
        screens = Screens(port, cookies)
        screens.watch_agents(agents)

        # -- 1. new conversations ---------------------------------------------------------------
        capacity = args.agents * args.max_chats
        routable = min(args.new, capacity)
        u0, e0 = db.stored()
        created = int(time.time())
        first = [
            (i, text_xml(FIRST[i % len(FIRST)], 10**12 + i, openid(i), created))
            for i in range(args.new)
        ]
        sent_first: dict[int, float] = {}
        cpu0, own0 = cpu_s(server.pid), own_cpu_s()
        t0 = time.perf_counter()
        took, accepted, errors = blast(port, first, args.clients, sent_first)
        done = db.wait_stored(u0 + routable, e0 + routable, timeout=120)
        # The last chat_assigned may come a moment after its utterance is stored.
        until = time.perf_counter() + 10
        while len(screens.assigned) < routable and time.perf_counter() < until:
            time.sleep(0.02)
        routed = db.all(
            "SELECT sender, contact_id, agent FROM channel_conversations WHERE status = 'routed'"
        )
        queued = db.one("SELECT count(*) FROM channel_conversations WHERE status = 'queued'")
        over = db.all(
            "SELECT agent, count(*) FROM channel_conversations WHERE status = 'routed' "
            "GROUP BY agent HAVING count(*) > ? ORDER BY agent",
            args.max_chats,
        )
        by_contact = {cid: int(sender.removeprefix("oBENCH")) for sender, cid, _ in routed}
        to_screen = [
            at - sent_first[by_contact[cid]]
            for cid, at in screens.assigned.items()
            if cid in by_contact
        ]
        results["new"] = {
            "accepted": accepted,
            "errors": errors,
            "post_s": took,
            "e2e_s": done - t0,
            "routed": len(routed),
            "queued": queued,
            "over": over,
            "assigned": to_screen,
            "server_cpu": cpu_s(server.pid) - cpu0,
            "own_cpu": own_cpu_s() - own0,
        }

        # -- 2. ongoing conversations, as fast as the server takes them --------------------------
        contacts = [(cid, agent) for _, cid, agent in routed]
        screens.watch_contacts(contacts)
        senders = [sender for sender, _, _ in routed]
        assert senders, "nothing was routed: see the server log " + str(log_path)
        mark = args.new
        jobs = []
        for i in range(args.messages):
            jobs.append(
                (
                    mark,
                    text_xml(
                        f"{LATER[i % len(LATER)]} #{mark}",
                        10**12 + mark,
                        senders[i % len(senders)],
                        created + 1 + i // len(senders),
                    ),
                )
            )
            mark += 1
        sent: dict[int, float] = {}
        u0, e0 = db.stored()
        cpu0, own0 = cpu_s(server.pid), own_cpu_s()
        t0 = time.perf_counter()
        took, accepted, errors = blast(port, jobs, args.clients, sent)
        done = db.wait_stored(u0 + accepted, e0 + accepted, timeout=120)
        marks = [m for m, _ in jobs]
        until = time.perf_counter() + 10
        while sum(m in screens.shown for m in marks) < accepted and time.perf_counter() < until:
            time.sleep(0.05)
        u1, e1 = db.stored()
        results["ongoing"] = {
            "accepted": accepted,
            "errors": errors,
            "post_s": took,
            "e2e_s": done - t0,
            "stored": (u1 - u0, e1 - e0),
            "shown": [screens.shown[m] - sent[m] for m in marks if m in screens.shown],
            "server_cpu": cpu_s(server.pid) - cpu0,
            "own_cpu": own_cpu_s() - own0,
        }

        # -- 3. the same at a steady rate ------------------------------------------------------
        if not args.rate:
            e2e = results["ongoing"]["e2e_s"]
            args.rate = max(1.0, round(accepted / e2e / 2)) if e2e == e2e else 10.0
        n = max(1, int(args.rate * args.seconds))
        jobs = []
        for i in range(n):
            jobs.append(
                (
                    mark,
                    text_xml(
                        f"{LATER[(i + 3) % len(LATER)]} #{mark}",
                        10**12 + mark,
                        senders[i % len(senders)],
                        created + 10_000 + i // len(senders),
                    ),
                )
            )
            mark += 1
        sent = {}
        cpu0 = cpu_s(server.pid)
        t0 = time.perf_counter()
        accepted, errors = paced(port, jobs, args.rate, sent)
        took = time.perf_counter() - t0
        marks = [m for m, _ in jobs]
        until = time.perf_counter() + 10
        while sum(m in screens.shown for m in marks) < accepted and time.perf_counter() < until:
            time.sleep(0.05)
        results["steady"] = {
            "accepted": accepted,
            "errors": errors,
            "post_s": took,
            "shown": [screens.shown[m] - sent[m] for m in marks if m in screens.shown],
            "server_cpu": cpu_s(server.pid) - cpu0,
        }
    finally:
        if screens is not None:
            screens.close()
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
    report(args, command, cores, pinned, results, log_path)


def report(args, command: str, cores: list[int], pinned: bool, r: dict, log_path: Path) -> None:
    new, ongoing, steady = r["new"], r["ongoing"], r["steady"]
    n_cores = os.cpu_count()
    print(f"$ {command}")
    print(
        f"{n_cores} cores; moqi serve (1 uvicorn worker, SQLite)"
        + (f" pinned to core {cores[0]}, this load generator to the rest" if pinned else "")
        + f"; {args.agents} agents × {args.max_chats} chats = {args.agents * args.max_chats} slots"
    )
    print()
    print("| what | n | figure | target |")
    print("|---|---|---|---|")
    print(
        f"| 1. first messages accepted at the webhook ({args.clients} clients) | {new['accepted']} of "
        f"{args.new} | {new['accepted'] / new['post_s']:,.0f}/s | — |"
    )
    print(
        f"| 1. … routed to an agent, utterance + assist event stored | {new['routed']} "
        f"({new['queued']} wait in the queue: no free slot) | "
        f"{new['routed'] / new['e2e_s']:,.0f}/s ({new['e2e_s']:.2f} s) | — |"
    )
    ok = ongoing["accepted"] / ongoing["e2e_s"] if ongoing["e2e_s"] == ongoing["e2e_s"] else 0.0
    print(
        f"| 2. follow-ups accepted at the webhook ({args.clients} clients) | {ongoing['accepted']} of "
        f"{args.messages} | {ongoing['accepted'] / ongoing['post_s']:,.0f}/s | — |"
    )
    print(
        f"| **2. follow-ups through the webhook to a stored utterance + assist event** | "
        f"{ongoing['stored'][0]} utterances, {ongoing['stored'][1]} events | **{ok:,.0f}/s** "
        f"({ongoing['e2e_s']:.2f} s) | ≥ 1,000/s {'(met)' if ok >= 1000 else '(not met)'} |"
    )
    print(
        f"| 3. steady load (one connection, paced) | {steady['accepted']} of "
        f"{int(args.rate * args.seconds)} | {steady['accepted'] / steady['post_s']:,.0f}/s | — |"
    )
    print()
    print("Time to the agent's screen (ms, from just before the POST)")
    print()
    print("| what | n | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|")
    print(
        latency_row(
            "1. first message → `chat_assigned` on WS /ws/agent", new["assigned"], new["routed"]
        )
    )
    print(
        latency_row(
            "2. follow-up → assist event on WS /ws/contacts (at full load)",
            ongoing["shown"],
            ongoing["accepted"],
        )
    )
    print(
        latency_row(
            f"3. follow-up → assist event at {args.rate:g}/s (steady)",
            steady["shown"],
            steady["accepted"],
        )
    )
    print()
    print("CPU seconds per phase: server / this load generator")
    for name, phase in (("1. new", new), ("2. ongoing", ongoing)):
        wall = phase["e2e_s"]
        print(
            f"- {name}: server {phase['server_cpu']:.1f} s ({phase['server_cpu'] / wall:.0%} of a core "
            f"over {wall:.1f} s), generator {phase['own_cpu']:.1f} s; "
            f"{phase['server_cpu'] * 1000 / max(phase['accepted'], 1):.2f} ms server CPU per message"
        )
    print(
        f"- 3. steady: server {steady['server_cpu']:.1f} s over {steady['post_s']:.1f} s "
        f"({steady['server_cpu'] / steady['post_s']:.0%} of a core)"
    )
    if new["over"]:
        print(
            f"agents given more chats than their limit of {args.max_chats}: "
            + ", ".join(f"{a} {n}" for a, n in new["over"])
        )
    errors = new["errors"] + ongoing["errors"] + steady["errors"]
    if errors:
        print(f"webhook errors: {len(errors)}, first: {errors[:3]}")
    text = log_path.read_text(errors="replace")
    tracebacks = text.count("Traceback")
    print(f"server log: {log_path} ({tracebacks} tracebacks)")
    if tracebacks:
        lines = [line for line in text.splitlines() if " - " in line or "Error" in line]
        for line in lines[:5]:
            print("  " + line[:200])


if __name__ == "__main__":
    main()
