"""WS /ws/contacts/{id}/audio with the tone recogniser (tests/voice/fake.py): frames in, the
utterances stored and analysed like typed ones; the protocol's refusals."""

from __future__ import annotations

import json
import time
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect
from websockets.sync.client import connect

from moqi.db import session_scope
from moqi.service.models import Utterance
from moqi.settings import get_settings
from moqi.voice import live as voice_live
from moqi.web.auth import COOKIE
from tests.conftest import PASSWORD, add_users, count, login, serving
from tests.voice.sounds import join, silence, tone
from tests.voice.streaming import frames, pcm, until

MONO = {"type": "start", "rate": 16000, "channels": 1, "speaker": "customer"}


@pytest.fixture
def engine_name(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setenv("MOQI_ASR_ENGINE", name)
        get_settings.cache_clear()

    use("tests.voice.fake:ToneRecognizer")
    return use


@pytest.fixture
def app(loaded_db, db_url, engine_name):
    add_users(
        loaded_db,
        agent="agent",
        agent2="agent",
        lead="team_lead",
        otherlead="team_lead/other",
        expert="expert",
    )
    yield from serving(db_url)


def texts(db, cid: int) -> list[tuple[str, str]]:
    with session_scope(db) as s:
        rows = s.scalars(
            select(Utterance).where(Utterance.contact_id == cid).order_by(Utterance.turn)
        )
        return [(u.speaker, u.text) for u in rows]


def _closed_with(ws) -> int:
    """Read until the server closes the socket; its close code."""
    for _ in range(50):
        try:
            ws.receive_json()
        except WebSocketDisconnect as exc:
            return exc.code
    raise AssertionError("the socket stayed open")


def opened(client) -> int:
    return client.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]


def test_a_mono_stream_becomes_the_customers_utterances(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_json(MONO)
            assert ws.receive_json() == {"type": "ready", "rate": 16000, "channels": 1}
            audio = join(silence(0.5), tone(660, 1.0), silence(1.0), tone(1320, 0.8), silence(0.2))
            for f in frames(pcm(audio)):
                ws.send_bytes(f)
            recognised, _ = until(ws, "recognised")
            assert (
                recognised["speaker"] == "customer"
                and recognised["text"] == "我的流量怎么这么快就用完了"
            )
            assert recognised["ts"] == pytest.approx(0.5, abs=0.02)
            assert recognised["end"] == pytest.approx(1.5, abs=0.02)
            event, _ = until(ws, "assist")
            assert event["event"]["speaker"] == "customer" and "流量" in event["event"]["text"]
            ws.send_json({"type": "end"})  # the last burst ends with the stream
            ended, seen = until(ws, "ended")
            assert ended["utterances"] == 2 and ended["seconds"] == pytest.approx(3.5)
            assert [m["type"] for m in seen].count("assist") == 1
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1000
    # Stored as typed utterances are, the phone number masked as `moqi transcribe` masks it.
    assert texts(db, cid) == [
        ("customer", "我的流量怎么这么快就用完了"),
        ("customer", "我的号码是138****5678"),
    ]


def test_a_stereo_stream_at_8_khz_carries_both_speakers(app, db):
    rate = 8000
    agent_side = join(tone(440, 1.0, rate), silence(3.0, rate))
    customer_side = join(silence(1.5, rate), tone(660, 1.0, rate), silence(1.5, rate))
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with (
            agent.websocket_connect(f"/ws/contacts/{cid}") as screen,
            agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws,
        ):
            # The customer on the left this time.
            ws.send_json({"type": "start", "rate": rate, "channels": 2, "agent_channel": "right"})
            until(ws, "ready")
            for f in frames(pcm(customer_side, agent_side), 1600):
                ws.send_bytes(f)
            ws.send_json({"type": "end"})
            assert until(ws, "ended")[0]["utterances"] == 2
            # The workbench's own socket sees them like any other utterance.
            first, second = screen.receive_json(), screen.receive_json()
            assert first["type"] == second["type"] == "assist"
    assert texts(db, cid) == [
        ("agent", "您好,很高兴为您服务"),  # normalised as typed text is
        ("customer", "我的流量怎么这么快就用完了"),
    ]


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("not json", "not JSON"),
        ('{"type": "start", "rate": 44100, "channels": 1, "speaker": "agent"}', "44100"),
        ('{"type": "start", "rate": 8000, "channels": 1}', "speaker"),
        ('{"type": "start", "rate": 8000, "channels": 2, "speaker": "agent"}', "agent_channel"),
        ('{"type": "start", "rate": 8000, "channels": 3, "speaker": "agent"}', "channels"),
        ('{"type": "start", "rate": 8000, "speaker": "boss"}', "speaker"),
        ('{"type": "start", "rate": 8000, "speaker": "agent", "codec": "opus"}', "codec"),
        ('{"type": "start", "rate": 8000, "speaker": "agent", "ts": NaN}', "ts"),
        ('{"rate": 8000, "speaker": "agent"}', "type"),
    ],
)
def test_a_bad_start_message_is_refused_and_a_good_one_still_works(app, message, said):
    with TestClient(app):
        agent = login(app, "agent")
        with agent.websocket_connect(f"/ws/contacts/{opened(agent)}/audio") as ws:
            ws.send_text(message)
            error = ws.receive_json()
            assert error["type"] == "error" and said in error["detail"], error
            ws.send_json(MONO)
            assert ws.receive_json()["type"] == "ready"


def test_bad_frames_are_refused_with_a_reason_and_the_stream_goes_on(app, db):
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_bytes(pcm(silence(0.1)))
            assert "start message first" in ws.receive_json()["detail"]
            ws.send_json(MONO)
            until(ws, "ready")
            for frame, said in (
                (b"\x00" * (voice_live.MAX_FRAME_BYTES + 2), "at most"),
                (b"\x00\x01\x02", "not whole samples"),
                (b"", "empty"),
            ):
                ws.send_bytes(frame)
                error = ws.receive_json()
                assert error["type"] == "error" and said in error["detail"], error
            ws.send_json({"speaker": "customer", "text": "typed"})
            assert "binary PCM frames" in ws.receive_json()["detail"]
            for f in frames(pcm(join(tone(660, 1.0), silence(1.0)))):
                ws.send_bytes(f)
            ws.send_json({"type": "end"})
            assert until(ws, "ended")[0]["seconds"] == pytest.approx(
                2.0
            )  # refused frames not counted
    assert len(texts(db, cid)) == 1


def test_who_may_open_an_audio_socket(app, db):
    with TestClient(app):
        agent, other, lead, otherlead, expert = (
            login(app, u) for u in ("agent", "agent2", "lead", "otherlead", "expert")
        )
        cid = opened(agent)
        for client, code in (
            (TestClient(app), 4403),  # not logged in
            (expert, 4403),  # a role that takes no calls
            (other, 4403),  # someone else's contact
            (otherlead, 4403),  # another team's lead
        ):
            with (
                pytest.raises(WebSocketDisconnect) as refused,
                client.websocket_connect(f"/ws/contacts/{cid}/audio") as ws,
            ):
                ws.receive_json()
            assert refused.value.code == code
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            agent.websocket_connect("/ws/contacts/99999/audio") as ws,
        ):
            ws.receive_json()
        assert refused.value.code == 4404
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            agent.websocket_connect(
                f"/ws/contacts/{cid}/audio", headers={"Origin": "https://evil.example"}
            ) as ws,
        ):
            ws.receive_json()
        assert refused.value.code == 4403
        with lead.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:  # the team's lead may
            ws.send_json(MONO)
            assert ws.receive_json()["type"] == "ready"
    assert count(db, Utterance) == 0


def test_no_recogniser_is_said_and_the_socket_closes(app, engine_name):
    engine_name("no_such_module_here:Engine")
    with TestClient(app):
        agent = login(app, "agent")
        with agent.websocket_connect(f"/ws/contacts/{opened(agent)}/audio") as ws:
            ws.send_json(MONO)
            error = ws.receive_json()
            assert error["type"] == "error" and "not available" in error["detail"]
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1011


def test_a_recogniser_that_falls_behind_is_said_and_nothing_is_dropped(app, db, engine_name):
    engine_name("tests.voice.fake:SlowToneRecognizer")
    bursts = 8
    audio = join(*(join(tone(660, 0.5), silence(0.7)) for _ in range(bursts)))
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_json(MONO)
            until(ws, "ready")
            for f in frames(pcm(audio), 32000):
                ws.send_bytes(f)
            ws.send_json({"type": "end"})
            ended, seen = until(ws, "ended", limit=100)
            behind = [m for m in seen if m["type"] == "behind"]
            assert behind and "nothing is dropped" in behind[0]["detail"]
            assert ended["utterances"] == bursts
    assert len(texts(db, cid)) == bursts


def test_a_stream_past_the_limit_ends_and_keeps_what_was_said(app, db, monkeypatch):
    monkeypatch.setattr(voice_live, "MAX_STREAM_S", 3)
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_json(MONO)
            until(ws, "ready")
            for f in frames(pcm(join(tone(660, 1.0), silence(1.5), tone(440, 2.0)))):
                ws.send_bytes(f)
            error, _ = until(ws, "error")
            assert "longer than" in error["detail"]
            assert _closed_with(ws) == 4413
    assert texts(db, cid)[0] == ("customer", "我的流量怎么这么快就用完了")


def test_a_client_that_leaves_mid_utterance_loses_nothing_it_said(server, db):
    """On a real server: the test client's sockets run on an event loop that ends with them, so
    the work left after a client goes could be cut short there (and the test was flaky)."""
    jar = CookieJar()
    web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urlencode({"username": "agent", "password": PASSWORD}).encode()
    web.open(f"{server}/login", data=form, timeout=60)
    token = next(c.value for c in jar if c.name == COOKIE)
    ask = urllib.request.Request(
        f"{server}/api/contacts",
        data=json.dumps({"customer": "C1001"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    cid = json.loads(web.open(ask, timeout=60).read())["contact_id"]
    url = server.replace("http", "ws", 1) + f"/ws/contacts/{cid}/audio"
    with connect(url, additional_headers={"Cookie": f"{COOKIE}={token}"}) as ws:
        ws.send(json.dumps(MONO))
        while json.loads(ws.recv(timeout=120))["type"] != "ready":
            pass
        for f in frames(pcm(join(silence(0.3), tone(880, 1.0)))):
            ws.send(f)
        # Answered only once the frames before it were read; then the client leaves mid-utterance.
        ws.send(json.dumps({"type": "nothing"}))
        while json.loads(ws.recv(timeout=60))["type"] != "error":
            pass
    deadline = time.monotonic() + 60  # a busy machine
    while not texts(db, cid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert texts(db, cid) == [("customer", "我帮您查一下")]


def test_an_engine_that_fails_is_said_per_utterance_and_the_stream_goes_on(app, db, engine_name):
    engine_name("tests.voice.fake:BrokenRecognizer")
    with TestClient(app):
        agent = login(app, "agent")
        cid = opened(agent)
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_json(MONO)
            until(ws, "ready")
            for f in frames(pcm(join(tone(660, 1.0), silence(1.0), tone(440, 1.0)))):
                ws.send_bytes(f)
            ws.send_json({"type": "end"})
            ended, seen = until(ws, "ended")
            errors = [m["detail"] for m in seen if m["type"] == "error"]
            assert len(errors) == 2 and all("licence server" in e for e in errors), errors
            assert "customer's utterance at 0.00s was not recognised" in errors[0]
            assert ended["utterances"] == 0
    assert texts(db, cid) == []
