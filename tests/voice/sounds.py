"""Audio the voice tests make: tones (a fake 'speech'), silence, noise; WAV via the stdlib."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 16_000


def tone(freq: float, seconds: float, rate: int = RATE, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.float32)


def noise(seconds: float, rate: int = RATE, level: float = 0.001) -> np.ndarray:
    return (level * np.random.default_rng(7).standard_normal(int(seconds * rate))).astype(
        np.float32
    )


def join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts)


def write_wav(path: Path, *channels: np.ndarray, rate: int = RATE) -> Path:
    """16-bit PCM WAV, one argument per channel (equal lengths)."""
    data = np.stack(channels, axis=1)
    pcm = np.clip(np.round(data * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def write_encoded(path: Path, samples: np.ndarray, codec: str, rate: int, container: str) -> Path:
    """Mono audio encoded with PyAV (MP3, AMR …)."""
    import av

    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        frame_len = 1024
        pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
        for i in range(0, len(pcm), frame_len):
            frame = av.AudioFrame.from_ndarray(
                pcm[None, i : i + frame_len], format="s16", layout="mono"
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
