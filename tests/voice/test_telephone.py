import numpy as np
import pytest

from moqi.voice.telephone import mu_law, simulate_phone
from tests.voice.sounds import RATE, tone


def _level(x: np.ndarray) -> float:
    middle = x[len(x) // 4 : -len(x) // 4]  # away from the filter's start-up
    return float(np.sqrt(np.mean(middle**2)))


def test_same_length_and_type_out():
    x = tone(1000, 1.3)
    y = simulate_phone(x)
    assert y.shape == x.shape and y.dtype == np.float32


@pytest.mark.parametrize(
    ("freq", "kept"), [(1000, True), (2500, True), (100, False), (5000, False), (7000, False)]
)
def test_only_the_300_to_3400_hz_band_gets_through(freq, kept):
    ratio = _level(simulate_phone(tone(freq, 1.0))) / _level(tone(freq, 1.0))
    if kept:
        assert 0.8 < ratio < 1.2
    else:
        assert ratio < 0.1


def test_mu_law_quantises_to_256_levels_with_small_error():
    x = np.linspace(-1, 1, RATE, dtype=np.float32)
    y = mu_law(x)
    assert len(np.unique(y)) <= 256
    assert float(np.max(np.abs(y - x))) < 0.025  # coarse at full scale (G.711: ~1/64)
    quiet = np.linspace(-0.01, 0.01, 1000, dtype=np.float32)
    assert float(np.max(np.abs(mu_law(quiet) - quiet))) < 0.0005  # fine near zero
