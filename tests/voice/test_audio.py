import numpy as np
import pytest

from moqi.voice.audio import AudioError, load_audio
from tests.voice.sounds import RATE, silence, tone, write_encoded, write_wav

pytest.importorskip("av", reason="PyAV comes with the asr extra: pip install 'moqi[asr]'")


def _pitch(x: np.ndarray) -> float:
    return float(np.argmax(np.abs(np.fft.rfft(x))) * RATE / len(x))


def test_mono_wav_at_16k_reads_as_it_is(tmp_path):
    x = tone(440, 1.0)
    rec = load_audio(write_wav(tmp_path / "a.wav", x))
    assert rec.channels.shape == (1, RATE) and rec.channels.dtype == np.float32
    assert rec.source_rate == RATE and not rec.stereo and rec.seconds == pytest.approx(1.0)
    assert np.max(np.abs(rec.channels[0] - x)) < 1e-3


def test_telephone_8k_is_resampled_to_16k(tmp_path):
    rec = load_audio(write_wav(tmp_path / "phone.wav", tone(1000, 2.0, rate=8000), rate=8000))
    assert rec.source_rate == 8000
    assert rec.seconds == pytest.approx(2.0, abs=0.01)
    assert _pitch(rec.channels[0]) == pytest.approx(1000, abs=2)


def test_stereo_keeps_left_and_right_apart(tmp_path):
    rec = load_audio(write_wav(tmp_path / "s.wav", tone(440, 1.0), tone(880, 1.0)))
    assert rec.stereo
    assert _pitch(rec.channels[0]) == pytest.approx(440, abs=2)
    assert _pitch(rec.channels[1]) == pytest.approx(880, abs=2)


def test_mp3_decodes(tmp_path):
    path = write_encoded(tmp_path / "a.mp3", tone(660, 1.5, rate=22050), "mp3", 22050, "mp3")
    rec = load_audio(path)
    assert rec.seconds == pytest.approx(1.5, abs=0.1)  # the codec pads a little
    assert _pitch(rec.channels[0]) == pytest.approx(660, abs=3)


def test_amr_narrowband_decodes(tmp_path):
    # AMR-NB: what many call recorders and phones write (8 kHz, 12.2 kbit/s).
    path = write_encoded(
        tmp_path / "a.amr", tone(700, 1.0, rate=8000), "libopencore_amrnb", 8000, "amr"
    )
    rec = load_audio(path)
    assert rec.source_rate == 8000
    assert rec.seconds == pytest.approx(1.0, abs=0.05)
    assert _pitch(rec.channels[0]) == pytest.approx(700, abs=10)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt garbage", "not audio that can be decoded"),
        (b"\x00" * 3000, "not audio that can be decoded"),
        ("客户：我要查话费\n".encode(), "not audio that can be decoded"),
    ],
)
def test_what_is_not_audio_is_named(tmp_path, content, message):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=message) as err:
        load_audio(path)
    assert str(path) in str(err.value)


def test_missing_and_empty_files_are_named(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        load_audio(tmp_path / "gone.wav")
    empty = write_wav(tmp_path / "empty.wav", silence(0))
    with pytest.raises(AudioError, match="empty.wav: no audio samples"):
        load_audio(empty)
