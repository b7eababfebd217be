"""A narrow-band telephone line, simulated: what a clean 16 kHz clip sounds like after a G.711
call (8 kHz sampling, 300–3400 Hz band, 8-bit μ-law), brought back to 16 kHz for the recogniser."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from moqi.voice.recognizer import RATE

PHONE_RATE = 8_000
BAND = (300.0, 3400.0)
MU = 255.0


@lru_cache(maxsize=1)
def _band_pass() -> np.ndarray:
    return signal.butter(4, BAND, btype="bandpass", fs=PHONE_RATE, output="sos")


def mu_law(samples: np.ndarray) -> np.ndarray:
    """Encode to 8-bit μ-law (G.711) and decode back: the codec's quantisation noise."""
    x = np.clip(samples, -1.0, 1.0)
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    code = np.round((y + 1.0) * 127.5)  # 256 levels
    y = code / 127.5 - 1.0
    return (np.sign(y) * np.expm1(np.abs(y) * np.log1p(MU)) / MU).astype(np.float32)


def simulate_phone(samples: np.ndarray) -> np.ndarray:
    """16 kHz mono in, 16 kHz mono out, as if it had crossed a telephone line."""
    narrow = signal.resample_poly(samples.astype(np.float64), PHONE_RATE, RATE)
    narrow = signal.sosfilt(_band_pass(), narrow)
    coded = mu_law(narrow)
    return signal.resample_poly(coded, RATE, PHONE_RATE).astype(np.float32)[: len(samples)]
