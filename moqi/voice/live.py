"""Live audio: PCM frames of a call in, utterances out (cut by moqi.voice.vad), each recognised
off the event loop by the one recogniser this process loads, its text simplified and masked as
`moqi transcribe` writes it. The WebSocket that carries the frames is moqi/voice/routes.py.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from moqi.errors import Invalid
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import to_simplified
from moqi.voice.recognizer import RATE, Recognizer
from moqi.voice.schemas import AudioStart
from moqi.voice.speakers import AGENT, CUSTOMER
from moqi.voice.vad import Vad

MAX_FRAME_BYTES = 64_000  # one second of 16 kHz 16-bit stereo
MAX_STREAM_S = 4 * 3600
MAX_TEXT = 2000  # characters of one utterance (15 s of speech is ~100)
MAX_PENDING = 4  # utterances of one stream cut and not yet stored before the reading waits


class FrameError(Invalid):
    """A binary frame that is refused (not counted in the stream)."""


class StreamTooLong(Invalid):
    """The stream passed MAX_STREAM_S: it ends."""


@dataclass(frozen=True)
class Spoken:
    """One utterance cut from the stream: who, seconds in the call, audio at `rate`."""

    speaker: str
    start: float
    end: float
    rate: int
    samples: np.ndarray = field(repr=False)


class AudioStream:
    """One socket's audio: frames in, utterances (of either channel, in the order they ended)."""

    def __init__(self, start: AudioStart):
        self.start = start
        self.speakers: tuple[str, ...] = (
            (start.speaker or CUSTOMER,)
            if start.channels == 1
            else (AGENT, CUSTOMER)
            if start.agent_channel == "left"
            else (CUSTOMER, AGENT)
        )
        self.vads = [Vad(start.rate) for _ in self.speakers]
        self.samples = 0  # per channel, so far

    @property
    def seconds(self) -> float:
        return self.samples / self.start.rate

    @property
    def dropped(self) -> int:
        """Stretches too short to be speech (clicks, coughs) that were not recognised."""
        return sum(v.dropped for v in self.vads)

    def feed(self, data: bytes) -> list[Spoken]:
        width = 2 * len(self.speakers)
        if not data:
            raise FrameError("an empty frame")
        if len(data) > MAX_FRAME_BYTES:
            raise FrameError(f"a frame of {len(data)} bytes: at most {MAX_FRAME_BYTES} a frame")
        if len(data) % width:
            raise FrameError(
                f"a frame of {len(data)} bytes is not whole samples "
                f"({width} bytes each: 16-bit, {len(self.speakers)} channel(s))"
            )
        count = len(data) // width
        if (self.samples + count) / self.start.rate > MAX_STREAM_S:
            raise StreamTooLong(f"the stream is longer than {MAX_STREAM_S // 3600} hours")
        self.samples += count
        pcm = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        channels = pcm.reshape(count, len(self.speakers)).T
        return self._spoken([v.push(c) for v, c in zip(self.vads, channels, strict=True)])

    def finish(self) -> list[Spoken]:
        """What is still open when the stream ends."""
        return self._spoken([v.flush() for v in self.vads])

    def _spoken(self, cuts_by_channel: list) -> list[Spoken]:
        out = [
            Spoken(
                speaker, self.start.ts + c.start, self.start.ts + c.end, self.start.rate, c.samples
            )
            for speaker, cuts in zip(self.speakers, cuts_by_channel, strict=True)
            for c in cuts
        ]
        return sorted(out, key=lambda s: s.end)


def to_recogniser_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` at RATE (8 kHz telephone audio is resampled as the recordings' are)."""
    if rate == RATE:
        return samples
    from scipy import signal

    return signal.resample_poly(samples.astype(np.float64), RATE, rate).astype(np.float32)


def recognise(recognizer: Recognizer, spoken: Spoken) -> str:
    """The utterance's text: segments joined, simplified, personal data masked ('' if none)."""
    text = ""
    for seg in recognizer.transcribe(to_recogniser_rate(spoken.samples, spoken.rate)):
        part = to_simplified(seg.text.strip())
        if part:
            text += ("" if not text or text[-1] in "，。！？,.!?；;、" else "，") + part
    # What no column stores, and more than assist reads, never reaches the live writer.
    return mask_pii(text.replace("\x00", "")[:MAX_TEXT])


@dataclass(frozen=True)
class Recognised:
    text: str
    asr_ms: float


class LiveRecognition:
    """The recogniser this server process uses for live audio, loaded on the first stream, and
    the worker thread it runs on (recognition never runs on the event loop). `factory` builds
    the recogniser (by default from MOQI_ASR_ENGINE, as `moqi transcribe` does)."""

    def __init__(self, factory=None) -> None:
        self._factory = factory or _from_settings
        self._recognizer: Recognizer | None = None
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="moqi-asr")

    def ready(self) -> None:
        """Load the recogniser if it is not (blocking: seconds for Whisper). AsrNotInstalled
        or Invalid when it cannot be."""
        with self._lock:
            if self._recognizer is None:
                self._recognizer = self._factory()

    def submit(self, spoken: Spoken) -> Future[Recognised]:
        return self._executor.submit(self._run, spoken)

    def _run(self, spoken: Spoken) -> Recognised:
        self.ready()
        assert self._recognizer is not None
        started = time.perf_counter()
        text = recognise(self._recognizer, spoken)
        return Recognised(text, round((time.perf_counter() - started) * 1000, 1))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _from_settings() -> Recognizer:
    import os

    from moqi.settings import get_settings
    from moqi.voice.engines import build, resolve

    settings = get_settings()
    spec = resolve(settings.asr_engine, settings.asr_model_dir, settings.models_dir)
    from dataclasses import replace

    return build(replace(spec, threads=max(1, os.cpu_count() or 1)))
