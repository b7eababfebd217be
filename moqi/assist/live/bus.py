"""How live messages reach the sockets of every worker.

A message is an envelope `{"to": "contact"|"wall"|"hub", "key": contact id or team,
"origin": worker id, "message": {...}}`; every worker's hub is handed every envelope, its own
included, and passes it to the sockets it holds.

On SQLite there is one process, and the `LocalBus` hands envelopes straight to the hub. On
PostgreSQL any number of workers share the database, and the `PostgresBus` carries envelopes
with LISTEN/NOTIFY: no other server to run. An utterance's envelopes are sent with pg_notify
inside the very transaction that stores it, so they go out when — and only if — it commits,
and PostgreSQL delivers notifications in commit order: every worker sees a contact's events
in the order they were stored, once.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, text

log = logging.getLogger("moqi.bus")

Envelope = dict[str, Any]
Deliver = Callable[[Envelope], None]

CHANNEL = "moqi_live"
# PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
MAX_PAYLOAD = 7_900
RECONNECT_S = 1.0


class Bus(Protocol):
    @property
    def shared(self) -> bool:
        """Whether other processes may serve the same contacts."""
        ...

    def attach(self, deliver: Deliver, on_gap: Callable[[], None]) -> None:
        """Who is handed every envelope, and who is told when some may have been missed."""

    def start(self) -> None: ...

    def in_commit(self, conn: Connection, envelopes: list[Envelope]) -> None:
        """Send within the transaction that stores what the envelopes report."""

    def after_commit(self, envelopes: list[Envelope]) -> None:
        """Send once what the envelopes report is committed (the counterpart of in_commit)."""

    def publish(self, envelopes: list[Envelope]) -> None:
        """Send now, outside any storing transaction."""

    def close(self) -> None: ...


class LocalBus:
    """One process: envelopes are handed to the hub when what they report is committed."""

    shared = False

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    def attach(self, deliver: Deliver, on_gap: Callable[[], None]) -> None:
        self._deliver = deliver

    def start(self) -> None:
        return None

    def in_commit(self, conn: Connection, envelopes: list[Envelope]) -> None:
        return None

    def after_commit(self, envelopes: list[Envelope]) -> None:
        self.publish(envelopes)

    def publish(self, envelopes: list[Envelope]) -> None:
        if self._deliver is not None:
            for envelope in envelopes:
                self._deliver(envelope)

    def close(self) -> None:
        return None


def encode(envelopes: list[Envelope]) -> list[str]:
    """NOTIFY payloads carrying the envelopes in order, as few as fit: JSON, or where that is too
    long, zlib-compressed JSON in base64 (an assist event is 3–9 KB of JSON, about a third of
    that compressed). One notification per commit rather than per message matters: each one
    wakes the listening thread, and at hundreds a second those wake-ups cost more than the
    messages."""
    if not envelopes:
        return []
    raw = json.dumps(envelopes, ensure_ascii=False, separators=(",", ":"))
    if len(raw.encode()) <= MAX_PAYLOAD:
        return [raw]
    packed = "z" + base64.b64encode(zlib.compress(raw.encode(), 1)).decode()
    if len(packed) <= MAX_PAYLOAD:
        return [packed]
    if len(envelopes) > 1:
        middle = len(envelopes) // 2
        return encode(envelopes[:middle]) + encode(envelopes[middle:])
    # Never seen in practice (an event would need ~25 KB of JSON): the other workers are told
    # that the contact changed and restore it from storage when next asked.
    envelope = envelopes[0]
    log.warning("a live message of %d bytes is too long to notify; sending a resync", len(raw))
    return [
        json.dumps(
            [{"to": "hub", "key": envelope["key"], "origin": envelope["origin"], "message": None}]
        )
    ]


def decode(payload: str) -> list[Envelope]:
    if payload.startswith("z"):
        payload = zlib.decompress(base64.b64decode(payload[1:])).decode()
    return json.loads(payload)


class PostgresBus(LocalBus):
    """Many workers on one PostgreSQL: envelopes travel by LISTEN/NOTIFY on `moqi_live`.

    Until it is started (the server's start-up does that) it is a one-process bus: an app
    made in-process without a server hands envelopes straight to its hub."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine
        # psycopg's own URL: the listener holds one plain connection outside the pool.
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._on_gap: Callable[[], None] = lambda: None

    @property
    def shared(self) -> bool:  # type: ignore[override]
        return self._thread is not None

    def attach(self, deliver: Deliver, on_gap: Callable[[], None]) -> None:
        super().attach(deliver, on_gap)
        self._on_gap = on_gap

    def start(self) -> None:
        self._thread = threading.Thread(target=self._listen, name="moqi-bus", daemon=True)
        self._thread.start()
        # Listening before the first request is served: nothing committed after start is missed.
        if not self._ready.wait(timeout=10):
            log.error("the live bus could not LISTEN within 10 s; retrying in the background")

    def in_commit(self, conn: Connection, envelopes: list[Envelope]) -> None:
        if not self.shared:
            return
        for payload in encode(envelopes):
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": payload},
            )

    def after_commit(self, envelopes: list[Envelope]) -> None:
        if not self.shared:
            super().publish(envelopes)

    def publish(self, envelopes: list[Envelope]) -> None:
        if not self.shared:
            super().publish(envelopes)
        elif envelopes:
            with self._engine.begin() as conn:
                self.in_commit(conn, envelopes)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _listen(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if not first:
                        # Envelopes sent while we were not listening are lost: every session
                        # this worker holds may be behind and is restored when next asked for.
                        self._on_gap()
                    first = False
                    self._ready.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            try:
                                for envelope in decode(note.payload):
                                    if self._deliver is not None:
                                        self._deliver(envelope)
                            except Exception:  # noqa: BLE001 - one bad message must not stop the bus
                                log.exception("could not deliver a live message")
            except Exception as exc:  # noqa: BLE001 - the database went away: listen again
                if self._stop.is_set():
                    return
                log.warning("the live bus lost its connection (%s); listening again", exc)
                time.sleep(RECONNECT_S)
