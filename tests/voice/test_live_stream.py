"""The audio stream without a socket: frames to utterances, and an utterance's text."""

from __future__ import annotations

import numpy as np
import pytest

from moqi.voice.live import AudioStream, FrameError, Spoken, recognise
from moqi.voice.recognizer import RATE, Segment
from moqi.voice.schemas import AudioStart
from tests.voice.sounds import join, silence, tone
from tests.voice.streaming import pcm


def test_stereo_utterances_come_in_the_order_they_ended_offset_by_the_streams_start():
    start = AudioStart(type="start", rate=16000, channels=2, agent_channel="right", ts=30.0)
    stream = AudioStream(start)
    left = join(silence(0.5), tone(660, 2.0), silence(1.0))  # the customer, ends at 2.5 s
    right = join(tone(440, 1.0), silence(2.5))  # the agent, ends at 1.0 s
    data = pcm(left, right)
    spoken = [s for i in range(0, len(data), 6400) for s in stream.feed(data[i : i + 6400])]
    spoken += stream.finish()
    assert [(s.speaker, s.start, s.end) for s in spoken] == [
        ("agent", pytest.approx(30.0), pytest.approx(31.0)),
        ("customer", pytest.approx(30.5), pytest.approx(32.5)),
    ]
    assert stream.seconds == pytest.approx(3.5)


def test_a_frame_of_half_a_stereo_sample_is_refused():
    stream = AudioStream(AudioStart(type="start", rate=8000, channels=2))
    with pytest.raises(FrameError, match="4 bytes each"):
        stream.feed(b"\x00\x00")
    assert stream.samples == 0


class Saying:
    def __init__(self, *texts: str):
        self.texts = texts
        self.got: np.ndarray | None = None

    def transcribe(self, samples):
        self.got = samples
        return [Segment(i, i + 1, t) for i, t in enumerate(self.texts)]


def test_the_text_is_joined_simplified_and_masked_and_8_khz_is_resampled():
    engine = Saying("我的號碼是", "13812345678\x00", "  ")
    spoken = Spoken("customer", 0.0, 1.0, 8000, tone(440, 1.0, 8000))
    assert recognise(engine, spoken) == "我的号码是，138****5678"
    assert engine.got is not None and len(engine.got) == RATE  # one second at 16 kHz
