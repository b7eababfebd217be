"""The real recogniser (faster-whisper + Whisper base from the asr extra, as CI installs it);
skipped, saying why, where the extra is not installed."""

import json

import pytest
from typer.testing import CliRunner

from moqi.cli import app
from moqi.nlp.normalize import to_simplified
from moqi.voice.cer import cer
from tests.conftest import shared_file
from tests.voice.conftest import needs_asr
from tests.voice.sounds import join, noise, silence, write_wav

pytestmark = needs_asr
runner = CliRunner()


@pytest.fixture(scope="module")
def whisper_base(tmp_path_factory):
    """Whisper base assembled once for these tests (as `moqi transcribe` does on first use)."""
    from moqi.voice.model_files import model_dir

    return model_dir(None, tmp_path_factory.mktemp("models"))


@pytest.fixture
def recognizer(whisper_base):
    from moqi.voice.decoding import default_decoding
    from moqi.voice.whisper import WhisperRecognizer

    return WhisperRecognizer(whisper_base, threads=2, decoding=default_decoding())


def test_a_real_mandarin_clip_is_recognised_in_simplified_characters(recognizer):
    from moqi.voice.audio import load_audio

    clip = shared_file("data", "audio", "aishell1_BAC009S0764W0121.wav")
    segments = recognizer.transcribe(load_audio(clip).channels[0])
    text = "".join(s.text for s in segments)
    assert cer([("甚至出现交易几乎停滞的情况", text)]) < 0.3, text
    assert to_simplified(text) == text  # Whisper often writes traditional characters
    assert 0 <= segments[0].start < segments[-1].end <= 4.3


def test_noise_without_speech_gives_no_text(recognizer, tmp_path):
    from moqi.voice.audio import load_audio
    from moqi.voice.transcribe import NoSpeech, transcribe_recording

    path = write_wav(tmp_path / "hiss.wav", join(silence(1.0), noise(4.0, level=0.003)))
    with pytest.raises(NoSpeech):
        transcribe_recording(load_audio(path), recognizer)


def test_moqi_transcribe_with_the_real_model(whisper_base, tmp_path, monkeypatch):
    from moqi.settings import get_settings

    monkeypatch.setenv("MOQI_ASR_MODEL_DIR", str(whisper_base))
    get_settings.cache_clear()
    clip = shared_file("data", "audio", "sherpa_paraformer_8k.wav")  # 8 kHz, as on a phone line
    out = tmp_path / "out"
    result = runner.invoke(app, ["transcribe", str(clip), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (out / "sherpa_paraformer_8k.jsonl").read_text().splitlines()]
    assert lines and all(set(u) == {"speaker", "text", "ts"} for u in lines)
    text = "".join(u["text"] for u in lines)
    assert cer([("深入的分析这一次全球金融动荡背后的根源", text)]) < 0.4, text
