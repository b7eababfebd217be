"""The live bus: envelopes survive the NOTIFY payload limit, a hub keeps its wall and held
sessions current from what other workers send, and two hubs on one PostgreSQL hear each other
in order, once."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text

from moqi.assist.live.bus import MAX_PAYLOAD, PostgresBus, decode, encode
from moqi.assist.live.hub import LiveContact, LiveHub
from moqi.assist.session import AssistSession
from moqi.db import make_engine


def _envelope(message: dict | None, to: str = "contact", key: int | str = 7) -> dict:
    return {"to": to, "key": key, "origin": "elsewhere", "message": message}


def test_envelopes_go_in_as_few_payloads_as_fit_plain_or_compressed():
    small = [_envelope({"type": "whisper", "from": "班长", "text": "先安抚客户情绪"})] * 3
    [payload] = encode(small)
    assert payload.startswith("[") and decode(payload) == small
    event = {"type": "assist", "event": {"text": "扣了我五十多块钱，太离谱了" * 400}}
    [packed] = encode([_envelope(event)])
    assert packed.startswith("z") and len(packed) <= MAX_PAYLOAD
    assert decode(packed) == [_envelope(event)]
    # Many events in one commit: split over several payloads, in order.
    many = [
        _envelope({"type": "assist", "event": {"turn": i, "text": os.urandom(900).hex()}})
        for i in range(12)
    ]
    payloads = encode(many)
    assert len(payloads) > 1 and all(len(p) <= MAX_PAYLOAD for p in payloads)
    assert [e for p in payloads for e in decode(p)] == many


def test_an_envelope_too_large_even_compressed_becomes_a_resync():
    noise = os.urandom(12_000).hex()  # does not compress
    [payload] = encode([_envelope({"type": "assist", "event": {"text": noise}})])
    assert len(payload) <= MAX_PAYLOAD
    assert decode(payload) == [{"to": "hub", "key": 7, "origin": "elsewhere", "message": None}]


def _held(hub: LiveHub, engine, contact_id: int = 7) -> LiveContact:
    live = LiveContact(
        contact_id, "a1", "north", {"id": "C1001"}, "voice", AssistSession(engine=engine)
    )
    hub.hold(live)
    return live


def test_what_another_worker_sends_keeps_held_sessions_and_the_wall_current(engine):
    hub = LiveHub()
    live = _held(hub, engine)
    heard: list[dict] = []
    hub.listen_contact(7, heard.append)

    hub.deliver(_envelope({"type": "whisper", "from": "班长", "text": "注意语气"}))
    assert live.whispers == [{"from": "班长", "text": "注意语气"}] and not live.stale
    hub.deliver(_envelope({"type": "assist", "event": {"turn": 1}, "server_ms": 1.0}))
    assert live.stale  # another worker moved the call on
    assert [m["type"] for m in heard] == ["whisper", "assist"]

    own = LiveHub()
    mine = _held(own, engine)
    own.deliver({**_envelope({"type": "assist", "event": {"turn": 1}}), "origin": own.worker})
    assert not mine.stale  # its own event: the session is where it says

    summary = {**live.summary(), "risk": 0.8}
    hub.deliver(_envelope({"type": "contact_updated", "contact": summary}, "wall", "north"))
    assert hub.team_contacts("north") == [summary] and hub.team_contacts("south") == []
    hub.deliver(_envelope({"type": "contact_closed", "contact_id": 7}))
    hub.deliver(_envelope({"type": "contact_closed", "contact_id": 7}, "wall", "north"))
    assert hub.get(7) is None and hub.team_contacts("north") == []


def test_a_missed_stretch_of_the_bus_marks_every_held_session_behind(engine):
    hub = LiveHub()
    contacts = [_held(hub, engine, cid) for cid in (1, 2)]
    hub.mark_all_stale()
    assert all(c.stale for c in contacts)


@pytest.fixture
def pg_url(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    return db_url


def test_two_hubs_on_one_postgresql_hear_each_other_in_commit_order_once(pg_url, engine):
    engines = [make_engine(pg_url), make_engine(pg_url)]
    a, b = (LiveHub(PostgresBus(e)) for e in engines)
    assert not a.shared  # until started, a hub is a one-process hub
    a.start()
    b.start()
    try:
        assert a.shared and b.shared
        live = _held(a, engine)
        heard_a: list[dict] = []
        heard_b: list[dict] = []
        a.listen_contact(7, heard_a.append)
        b.listen_contact(7, heard_b.append)
        for turn in range(1, 21):
            envelopes = [a._envelope("contact", 7, {"type": "assist", "event": {"turn": turn}})]
            with engines[0].begin() as conn:
                a.bus.in_commit(conn, envelopes)
        rolled_back = [a._envelope("contact", 7, {"type": "assist", "event": {"turn": 99}})]
        with engines[0].connect() as conn, conn.begin() as tx:
            a.bus.in_commit(conn, rolled_back)
            conn.execute(text("SELECT 1"))
            tx.rollback()
        a.whisper(live, {"from": "班长", "text": "先道歉"})
        deadline = time.monotonic() + 10
        while (len(heard_a) < 21 or len(heard_b) < 21) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        for heard in (heard_a, heard_b):
            assert [m["event"]["turn"] for m in heard[:20]] == list(range(1, 21))
            assert heard[20] == {"type": "whisper", "from": "班长", "text": "先道歉"}
            assert len(heard) == 21  # once each, and nothing from the rolled-back transaction
        assert live.whispers == [{"from": "班长", "text": "先道歉"}]  # appended once, here
    finally:
        a.stop()
        b.stop()
        for e in engines:
            e.dispose()
