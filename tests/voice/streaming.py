"""Talking to the live audio socket in tests: PCM bytes, frames, reading up to a message."""

from __future__ import annotations

import numpy as np


def pcm(*channels: np.ndarray) -> bytes:
    data = np.stack(channels, axis=1)
    return np.clip(np.round(data * 32767), -32768, 32767).astype("<i2").tobytes()


def frames(data: bytes, size: int = 3200) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def until(ws, kind: str, limit: int = 50) -> tuple[dict, list[dict]]:
    """Messages up to the first of type `kind` (it, and all that were read)."""
    seen = []
    for _ in range(limit):
        message = ws.receive_json()
        seen.append(message)
        if message["type"] == kind:
            return message, seen
    raise AssertionError(f"no {kind!r} in {seen}")
