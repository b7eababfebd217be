"""The load bench/channels.py drives: a moqi instance with agents, WeChat messages signed with
the test vector, posters at full speed or paced, the agents' screens over WebSockets timing what
arrives, and the database and CPU sampled while it runs."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import socket
import sqlite3
import sys
import threading
import time
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
