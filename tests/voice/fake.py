"""A recogniser for tests: each burst of tone is one 'utterance' whose text is chosen by its
pitch. Loud enough stretches are found frame by frame, as a VAD would; set as the engine with
MOQI_ASR_ENGINE=tests.voice.fake:ToneRecognizer (a factory called with no arguments)."""

from __future__ import annotations

import numpy as np

from moqi.voice.recognizer import RATE, Segment

# Pitch (Hz) → what the 'speaker' says.
PHRASES = {
    440: "您好，很高兴为您服务",
    660: "我的流量怎么这么快就用完了",
    880: "我帮您查一下",
    1320: "我的号码是13812345678",
}
FRAME = RATE // 50  # 20 ms
LOUD = 0.01


class ToneRecognizer:
    def transcribe(self, samples: np.ndarray) -> list[Segment]:
        n = len(samples) // FRAME
        rms = np.sqrt(np.mean(samples[: n * FRAME].reshape(n, FRAME) ** 2, axis=1))
        loud = np.concatenate([[False], rms > LOUD, [False]])
        edges = np.flatnonzero(np.diff(loud.astype(int)))
        out = []
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            chunk = samples[a * FRAME : b * FRAME]
            spectrum = np.abs(np.fft.rfft(chunk))
            freq = np.argmax(spectrum) * RATE / len(chunk)
            pitch = min(PHRASES, key=lambda p: abs(p - freq))
            out.append(Segment(a * FRAME / RATE, b * FRAME / RATE, PHRASES[pitch]))
        return out


class SlowToneRecognizer(ToneRecognizer):
    """The tone recogniser taking 0.3 s an utterance: a recogniser that falls behind."""

    def transcribe(self, samples: np.ndarray) -> list[Segment]:
        import time

        time.sleep(0.3)
        return super().transcribe(samples)


class BrokenRecognizer:
    """An engine that fails on every utterance."""

    def transcribe(self, samples: np.ndarray) -> list[Segment]:
        raise RuntimeError("the engine's licence server is unreachable")
