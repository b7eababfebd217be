"""Real clips through the live audio socket with the real recogniser (Whisper base from the asr
extra): the utterance is stored with the clip's words and its assist event reaches the socket.
Skipped, saying why, where the extra is not installed."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from moqi.db import session_scope
from moqi.service.models import Utterance
from moqi.settings import get_settings
from tests.conftest import add_users, login, serving, shared_file
from tests.voice.conftest import needs_asr
from tests.voice.streaming import frames, pcm, until

pytestmark = needs_asr


@pytest.fixture(scope="module")
def whisper_base(tmp_path_factory):
    from moqi.voice.model_files import model_dir

    return model_dir(None, tmp_path_factory.mktemp("models"))


@pytest.fixture
def app(loaded_db, db_url, whisper_base, monkeypatch):
    monkeypatch.setenv("MOQI_ASR_MODEL_DIR", str(whisper_base))
    get_settings.cache_clear()
    add_users(loaded_db, agent="agent")
    yield from serving(db_url)


def clip(name: str, rate: int) -> np.ndarray:
    """The clip at `rate` (the 8 kHz one as a phone line delivers it), with a second of silence
    after it so the VAD ends the utterance."""
    from scipy import signal

    from moqi.voice.audio import load_audio

    recording = load_audio(shared_file("data", "audio", name))
    samples = recording.channels[0]
    if rate == 8000:
        samples = signal.resample_poly(samples, 1, 2).astype(np.float32)
    return np.concatenate([np.zeros(rate // 2, np.float32), samples, np.zeros(rate, np.float32)])


@pytest.mark.parametrize(
    ("name", "rate", "words"),
    [
        ("aishell1_BAC009S0764W0121.wav", 16000, ("交易", "情况")),  # 甚至出现交易几乎停滞的情况
        (
            "sherpa_paraformer_8k.wav",
            8000,
            ("全球", "金融"),
        ),  # 深入的分析这一次全球金融动荡背后的根源
    ],
)
def test_a_real_clip_spoken_into_a_live_contact(app, db, name, rate, words):
    audio = clip(name, rate)
    with TestClient(app):
        agent = login(app, "agent")
        cid = agent.post("/api/contacts", json={"customer": "C1001"}).json()["contact_id"]
        with agent.websocket_connect(f"/ws/contacts/{cid}/audio") as ws:
            ws.send_json({"type": "start", "rate": rate, "channels": 1, "speaker": "customer"})
            assert until(ws, "ready")[0]["rate"] == rate
            for f in frames(pcm(audio), rate // 5):
                ws.send_bytes(f)
            recognised, _ = until(ws, "recognised")
            assert all(w in recognised["text"] for w in words), recognised
            event, _ = until(ws, "assist")
            assert event["event"]["speaker"] == "customer" and event["event"]["turn"] == 1
            ws.send_json({"type": "end"})
            assert until(ws, "ended")[0]["utterances"] == 1
    with session_scope(db) as s:
        said = s.scalars(select(Utterance.text).where(Utterance.contact_id == cid)).all()
    assert len(said) == 1 and all(w in said[0] for w in words), said
