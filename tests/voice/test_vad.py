"""The live VAD on generated signals: where utterances start and end, to the frame (20 ms)."""

from __future__ import annotations

import numpy as np
import pytest

from moqi.voice.vad import FRAME_S, MAX_UTTERANCE_S, Vad
from tests.voice.sounds import join, noise, silence, tone


def cuts(samples: np.ndarray, rate: int = 16_000, chunk: int = 1234) -> tuple[list, Vad]:
    """Feed in odd-sized chunks (frames straddle them), then flush."""
    vad = Vad(rate)
    out = []
    for i in range(0, len(samples), chunk):
        out += vad.push(samples[i : i + chunk])
    out += vad.flush()
    return [(c.start, c.end) for c in out], vad


def near(got: list, want: list) -> bool:
    return len(got) == len(want) and all(
        abs(a - c) <= FRAME_S + 1e-9 and abs(b - d) <= FRAME_S + 1e-9
        for (a, b), (c, d) in zip(got, want, strict=True)
    )


def test_silence_and_steady_hiss_are_not_speech():
    for signal in (silence(5.0), noise(5.0, level=0.003), noise(5.0, level=0.05)):
        got, vad = cuts(signal)
        assert got == [] and vad.dropped == 0


@pytest.mark.parametrize("rate", [8_000, 16_000])
def test_tone_bursts_with_gaps_are_cut_at_their_edges(rate):
    signal = join(
        silence(1.0, rate),
        tone(440, 1.0, rate),
        silence(1.0, rate),  # longer than the 0.6 s that ends an utterance
        tone(660, 0.5, rate),
        silence(0.3, rate),  # shorter: the same utterance goes on
        tone(660, 0.5, rate),
        silence(1.0, rate),
    )
    got, _ = cuts(signal, rate)
    assert near(got, [(1.0, 2.0), (3.0, 4.3)]), got


def test_the_cut_carries_padding_for_the_recogniser():
    vad = Vad(16_000)
    out = vad.push(join(silence(1.0), tone(440, 1.0), silence(1.0)))
    assert len(out) == 1
    assert len(out[0].samples) == pytest.approx(16_000 * 1.4, abs=320)  # 0.2 s either side


def test_a_click_is_too_short_to_be_an_utterance_and_is_counted():
    got, vad = cuts(join(noise(1.0), tone(440, 0.2, level=0.2), noise(1.0)))
    assert got == [] and vad.dropped == 1


def test_the_noise_floor_follows_a_louder_and_then_a_quieter_line():
    quiet, loud = noise(3.0, level=0.001), noise(8.0, level=0.01)  # -60 dBFS, then -40
    signal = join(
        quiet,
        quiet[:16_000] + tone(440, 1.0, level=0.05),  # 3–4 s
        loud,  # the line gets 20 dB noisier at 4 s: no utterance
        loud[:16_000] + tone(440, 1.0, level=0.1),  # 12–13 s: over the new floor
        loud[:32_000],
        quiet,  # quieter again at 15 s
        quiet[:16_000] + tone(440, 1.0, level=0.01),  # 18–19 s: -43 dBFS, under the old floor
        quiet[:16_000],
    )
    got, _ = cuts(signal)
    assert near(got, [(3.0, 4.0), (12.0, 13.0), (18.0, 19.0)]), got


def test_a_quiet_tone_in_loud_noise_is_not_speech():
    loud = noise(4.0, level=0.01)
    got, _ = cuts(join(loud, loud[:16_000] + tone(440, 1.0, level=0.01), loud))
    assert got == []


def test_a_long_utterance_is_cut_at_the_maximum_and_goes_on():
    got, _ = cuts(join(silence(1.0), tone(440, 20.0), silence(1.0)))
    assert near(got, [(1.0, 1.0 + MAX_UTTERANCE_S), (1.0 + MAX_UTTERANCE_S, 21.0)]), got


def test_an_utterance_still_open_at_the_end_is_flushed():
    got, _ = cuts(join(silence(1.0), tone(440, 1.0)))
    assert near(got, [(1.0, 2.0)])


def test_speech_from_the_first_frame_is_heard():
    got, _ = cuts(join(tone(440, 1.0), silence(1.0)))
    assert near(got, [(0.0, 1.0)])
