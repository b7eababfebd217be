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
import asyncio
import contextlib
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import percentile  # noqa: E402

TOKEN = "test"
TIMESTAMP = "1410685589"
NONCE = "test"
PASSWORD = "bench-pass-123"
TEAM = "north"

# First messages of new conversations, by the skill they should be routed to.
FIRST = [
    "下周去日本出差，怎么开通国际漫游？",
    "在泰国用流量要多少钱，漫游包怎么办理",
    "家里宽带又断网了，光猫一直亮红灯，师傅什么时候能上门",
    "我要移机，宽带新地址能装千兆吗",
    "这个月话费怎么多扣了三十块，我没订过什么业务",
    "帮我查一下上个月的详单，扣费不对",
    "你们服务态度太差了，我要投诉到工信部",
    "你好，在吗",
    "您好，想咨询一下",
    "查一下我的流量还剩多少",
]
# Follow-ups in a conversation an agent already holds.
LATER = [
    "好的，那需要带什么证件吗",
    "大概要多久能处理好",
    "之前已经打过两次电话了，一直没解决",
    "那费用能退回来吗",
    "我的号码是13812345678，你帮我看看",
    "行，谢谢你",
    "还有一个问题，套餐能不能改便宜一点的",
    "师傅下午能来吗，我三点以后在家",
    "到了香港以后要重启手机吗",
    "这个扣费我真的没有同意过",
]
MARK = re.compile(r"#(\d+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _instance(home: Path, agents: int, max_chats: int) -> tuple[str, list[str]]:
    """A fresh instance with the demo content and `agents` chat agents, available, every skill."""
    os.environ["MOQI_HOME"] = str(home)
    os.environ["MOQI_DESK_SWEEP_SECONDS"] = "0"
    os.environ["MOQI_WECHAT_TOKEN"] = TOKEN
    os.environ["MOQI_ROUTE_SECONDS"] = "2"
    for name in ("MOQI_DATABASE_URL", "MOQI_WECHAT_AES_KEY", "MOQI_WECHAT_APPID"):
        os.environ.pop(name, None)
    from moqi.accounts.services import add_user
    from moqi.channels import presence, rules
    from moqi.cli.common import now, setup_database
    from moqi.db import session_scope
    from moqi.settings import get_settings

    get_settings.cache_clear()
    factory, _ = setup_database(demo=True)
    names = [f"chat{i:03d}" for i in range(1, agents + 1)]
    with session_scope(factory) as s:
        current = rules.current(s)
        skills = {code: 3 for code in current.codes}
        for name in names:
            add_user(s, name, PASSWORD, "agent", f"在线坐席{name[-3:]}", team=TEAM)
            presence.set_routing(
                s, name, skills=skills, max_chats=max_chats, rules=current, now=now()
            )
            presence.set_status(s, name, "available", rules=current, now=now())
    factory.kw["bind"].dispose()
    return get_settings().db_url, names


def text_xml(content: str, msg_id: int, openid: str, create_time: int) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def openid(i: int) -> str:
    return f"oBENCH{i:022d}"


class Db:
    """Read-only counts on the server's SQLite file (WAL: never in the writer's way)."""

    def __init__(self, url: str):
        path = url.removeprefix("sqlite:///")
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def one(self, sql: str, *args) -> int:
        return self.conn.execute(sql, args).fetchone()[0]

    def all(self, sql: str, *args) -> list[tuple]:
        return self.conn.execute(sql, args).fetchall()

    def stored(self) -> tuple[int, int]:
        return (
            self.one("SELECT count(*) FROM utterances"),
            self.one("SELECT count(*) FROM assist_events"),
        )

    def wait_stored(
        self, utterances: int, events: int, timeout: float, quiet: float = 1.0
    ) -> float:
        """Poll until at least so many utterances and assist events are stored and nothing more
        arrives for `quiet` seconds; the moment the last one was seen (NaN: never reached)."""
        until = time.perf_counter() + timeout
        seen, last = self.stored(), time.perf_counter()
        while time.perf_counter() < until:
            time.sleep(0.02)
            now = self.stored()
            at = time.perf_counter()
            if now != seen:
                seen, last = now, at
            if seen[0] >= utterances and seen[1] >= events and at - last >= quiet:
                return last
        return float("nan")


def cpu_s(pid: int) -> float:
    """A process's CPU time so far (user + system, seconds), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


class Poster:
    """One keep-alive HTTP connection posting signed WeChat messages, as WeChat's servers do."""

    def __init__(self, port: int):
        from moqi.channels.wechat import url_signature

        self.port = port
        query = {"signature": url_signature(TOKEN, TIMESTAMP, NONCE)}
        self.path = "/channels/wechat?" + urlencode(
            query | {"timestamp": TIMESTAMP, "nonce": NONCE}
        )
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.errors: list[str] = []

    def post(self, body: bytes) -> bool:
        try:
            self.conn.request("POST", self.path, body=body, headers={"Content-Type": "text/xml"})
            r = self.conn.getresponse()
            answer = r.read()
        except (OSError, http.client.HTTPException) as e:
            self.errors.append(repr(e))
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return False
        if r.status != 200 or answer != b"success":
            self.errors.append(f"{r.status} {answer[:200]!r}")
            return False
        return True

    def close(self) -> None:
        self.conn.close()


def blast(
    port: int, jobs: list[tuple[int, bytes]], clients: int, sent: dict
) -> tuple[float, int, list]:
    """Post every (mark, body) from `clients` threads as fast as answered; each send time in
    `sent[mark]`. Returns (seconds from the first POST to the last answer, accepted, errors)."""
    posters = [Poster(port) for _ in range(clients)]
    accepted = [0] * clients

    def work(k: int) -> None:
        p = posters[k]
        for mark, body in jobs[k::clients]:
            sent[mark] = time.perf_counter()
            accepted[k] += p.post(body)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    for p in posters:
        p.close()
    return took, sum(accepted), [e for p in posters for e in p.errors]


def paced(port: int, jobs: list[tuple[int, bytes]], rate: float, sent: dict) -> tuple[int, list]:
    """Post the jobs at a steady `rate` per second from one connection (one at a time)."""
    p = Poster(port)
    accepted = 0
    t0 = time.perf_counter()
    for i, (mark, body) in enumerate(jobs):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent[mark] = time.perf_counter()
        accepted += p.post(body)
    p.close()
    return accepted, p.errors


class Screens:
    """The agents' screens: their `WS /ws/agent` sockets and the contact sockets of their chats,
    on an asyncio loop in a thread; every arrival is timed as it is read."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port, self.cookies = port, cookies
        self.assigned: dict[int, float] = {}  # contact id → chat_assigned arrival
        self.shown: dict[int, float] = {}  # message mark → assist event arrival
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sockets: list = []

    def _run(self, coro, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _connect(self, path: str, agent: str):
        import websockets

        ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}{path}",
            additional_headers={"Cookie": f"moqi_session={self.cookies[agent]}"},
            max_size=2**22,
        )
        self.sockets.append(ws)
        return ws

    async def _agent(self, agent: str) -> None:
        import websockets

        ws = await self._connect("/ws/agent", agent)
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                at = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "chat_assigned":
                    self.assigned[message["contact_id"]] = at

    async def _contact(self, contact_id: int, agent: str) -> None:
        import websockets

        ws = await self._connect(f"/ws/contacts/{contact_id}", agent)
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                at = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "assist":
                    found = MARK.search(message["event"].get("text", ""))
                    if found:
                        self.shown[int(found.group(1))] = at

    def watch_agents(self, agents: list[str]) -> None:
        async def start():
            for a in agents:
                asyncio.ensure_future(self._agent(a))
            while len(self.sockets) < len(agents):
                await asyncio.sleep(0.01)

        self._run(start())

    def watch_contacts(self, contacts: list[tuple[int, str]]) -> None:
        async def start():
            before = len(self.sockets)
            for cid, agent in contacts:
                asyncio.ensure_future(self._contact(cid, agent))
            while len(self.sockets) < before + len(contacts):
                await asyncio.sleep(0.01)

        self._run(start())

    def close(self) -> None:
        async def stop():
            for ws in self.sockets:
                await ws.close()

        try:
            self._run(stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


def login(base: str, agent: str) -> str:
    import httpx2 as httpx

    with httpx.Client(base_url=base, headers={"Origin": base}) as c:
        r = c.post("/login", data={"username": agent, "password": PASSWORD})
        assert r.status_code in (200, 303), r.text
        return c.cookies["moqi_session"]


def latency_row(name: str, values: list[float], of: int) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {name} | {len(ms)} of {of} | {percentile(ms, 0.5):.1f} | {percentile(ms, 0.95):.1f} "
        f"| {percentile(ms, 0.99):.1f} | {max(ms, default=float('nan')):.1f} |"
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
