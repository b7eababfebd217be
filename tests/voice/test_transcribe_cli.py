import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from moqi.cli import app
from tests.voice.sounds import join, noise, silence, tone, write_encoded, write_wav

pytest.importorskip("av", reason="PyAV comes with the asr extra: pip install 'moqi[asr]'")
FAKE = "tests.voice.fake:ToneRecognizer"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch):
    monkeypatch.setenv("MOQI_ASR_ENGINE", FAKE)
    from moqi.settings import get_settings

    get_settings.cache_clear()


def _call_stereo():
    """Agent (left) greets, customer (right) asks, agent answers."""
    agent = join(tone(440, 1.0), silence(2.5), tone(880, 1.0), silence(0.5))
    customer = join(silence(1.5), tone(660, 1.5), silence(2.0))
    return agent, customer


@pytest.fixture
def recordings(tmp_path):
    folder = tmp_path / "calls"
    (folder / "day2").mkdir(parents=True)
    write_wav(folder / "stereo.wav", *_call_stereo())
    mono = join(tone(440, 1.0), silence(1.0), tone(1320, 1.0), silence(1.0), tone(880, 0.8))
    write_wav(folder / "day2" / "mono8k.wav", mono[::2].copy(), rate=8000)
    write_encoded(
        folder / "day2" / "short.mp3", join(tone(660, 1.0), silence(0.5)), "mp3", 16000, "mp3"
    )
    (folder / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    write_wav(folder / "silent.wav", join(silence(2.0), noise(1.0, level=1e-6)))
    (folder / "notes.txt").write_text("not a recording")
    return folder


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_folder_is_transcribed_bad_files_named_and_a_rerun_skips_the_done(recordings, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["transcribe", str(recordings), "--out", str(out), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "broken.wav: not audio that can be decoded" in result.stderr
    assert "silent.wav: silent" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "day2",
        "day2/mono8k.jsonl",
        "day2/short.jsonl",
        "stereo.jsonl",
    ]
    assert _lines(out / "stereo.jsonl") == [
        {"speaker": "agent", "text": "您好，很高兴为您服务", "ts": 0.0},
        {"speaker": "customer", "text": "我的流量怎么这么快就用完了", "ts": 1.5},
        {"speaker": "agent", "text": "我帮您查一下", "ts": 3.5},
    ]
    mono = _lines(out / "day2" / "mono8k.jsonl")
    assert [(u["speaker"], u["text"]) for u in mono] == [
        ("agent", "您好，很高兴为您服务"),
        ("customer", "我的号码是138****5678"),  # masked like everything moqi stores
        ("agent", "我帮您查一下"),
    ]
    assert mono[1]["ts"] == pytest.approx(2.0, abs=0.05)

    again = runner.invoke(app, ["transcribe", str(recordings), "--out", str(out), "--json"])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["done"] == []
    assert sorted(summary["skipped"]) == sorted(
        str(recordings / p) for p in ("stereo.wav", "day2/mono8k.wav", "day2/short.mp3")
    )
    assert {f["file"].rsplit("/", 1)[1] for f in summary["failed"]} == {"broken.wav", "silent.wav"}


def test_the_agent_may_be_on_the_right(recordings, tmp_path):
    out = tmp_path / "out"
    stereo = recordings / "stereo.wav"
    result = runner.invoke(
        app, ["transcribe", str(stereo), "--out", str(out), "--agent-channel", "right"]
    )
    assert result.exit_code == 0, result.output
    assert [u["speaker"] for u in _lines(out / "stereo.jsonl")] == ["customer", "agent", "customer"]
    bad = runner.invoke(app, ["transcribe", str(stereo), "--agent-channel", "middle"])
    assert bad.exit_code == 2 and "left or right" in bad.stderr


def test_every_file_failing_exits_non_zero(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    write_wav(folder / "quiet.wav", silence(1.0))
    (folder / "junk.mp3").write_bytes(b"\xff\xfb" + b"\x00" * 100)
    out = tmp_path / "out"
    result = runner.invoke(app, ["transcribe", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "quiet.wav" in result.stderr and "junk.mp3" in result.stderr
    assert not out.exists() or not any(out.rglob("*.jsonl"))


def test_missing_source_and_empty_folder_are_clear_errors(tmp_path):
    result = runner.invoke(app, ["transcribe", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["transcribe", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no recordings" in result.stderr


def test_two_recordings_for_one_output_are_refused_before_any_work(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    write_wav(folder / "a.wav", tone(440, 0.5))
    write_encoded(folder / "a.mp3", tone(440, 0.5), "mp3", 16000, "mp3")
    result = runner.invoke(app, ["transcribe", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "would both be written to" in result.stderr
    assert not (tmp_path / "out").exists()


def test_store_records_each_as_a_finished_hotline_contact(recordings, tmp_path, loaded_db):
    from moqi.db import session_scope
    from moqi.service.models import Contact

    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["transcribe", str(recordings / "day2"), "--out", str(out), "--store", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    with session_scope(loaded_db) as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        assert f"已记录为接触 #{contacts[0].id}" in result.stdout
        assert [(c.channel, c.title, c.status) for c in contacts] == [
            ("voice", "录音：mono8k.wav", "closed"),
            ("voice", "录音：short.mp3", "closed"),
        ]
        texts = [u.text for u in contacts[0].utterances]
        assert texts[1] == "我的号码是138****5678"
        assert contacts[0].reason  # assist read the call, as for `moqi assist`


def test_a_transcript_that_cannot_be_stored_is_not_written(
    recordings, tmp_path, monkeypatch, loaded_db
):
    import moqi.voice.services as voice_services
    from moqi.errors import Invalid

    def refuse(*args, **kwargs):
        raise Invalid("storage refused it")

    monkeypatch.setattr(voice_services, "store_recording", refuse)
    out = tmp_path / "out"
    stereo = recordings / "stereo.wav"
    result = runner.invoke(app, ["transcribe", str(stereo), "--out", str(out), "--store"])
    assert result.exit_code == 1
    assert "stereo.wav: not saved: storage refused it" in result.stderr
    assert list(out.iterdir()) == []  # neither the transcript nor its temporary file
