"""What a speech recogniser is to moqi: 16 kHz mono float32 samples in, timed text segments out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

RATE = 16_000  # samples per second every recogniser is given


@dataclass(frozen=True)
class Segment:
    """Recognised speech: seconds from the start of the audio, and its text."""

    start: float
    end: float
    text: str


class Recognizer(Protocol):
    """A speech recogniser. `samples`: one channel, float32 in [-1, 1], at RATE."""

    def transcribe(self, samples: np.ndarray) -> list[Segment]: ...
