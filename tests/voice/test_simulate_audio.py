"""`moqi simulate CALL --audio` against a real server (uvicorn on a loopback port, in this
process) with the tone recogniser: a recording becomes the contact's utterances as it plays."""

from __future__ import annotations

import time

from sqlalchemy import select
from typer.testing import CliRunner

from moqi.cli import app as cli
from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from tests.conftest import count
from tests.voice.sounds import join, silence, tone, write_wav

runner = CliRunner()


def stored(db) -> tuple[Contact, list[tuple[str, str]]]:
    with session_scope(db) as s:
        contact = s.scalars(select(Contact).order_by(Contact.id.desc())).first()
        rows = s.scalars(
            select(Utterance).where(Utterance.contact_id == contact.id).order_by(Utterance.turn)
        )
        return contact, [(u.speaker, u.text) for u in rows]


def test_a_stereo_recording_is_streamed_and_recognised_as_it_plays(server, db, tmp_path):
    left = join(tone(440, 1.0), silence(2.5))
    right = join(silence(1.4), tone(660, 1.0), silence(1.1))
    wav = write_wav(tmp_path / "call.wav", left, right)
    started = time.monotonic()
    result = runner.invoke(
        cli, ["simulate", str(wav), "--audio", "--speed", "2", "--url", server, "--agent", "agent"]
    )
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 3.5 / 2 - 0.2  # paced, at twice real time
    assert "识别" in result.output and "很高兴为您服务" in result.output
    assert "done: 3.5 s of audio, 2 utterances" in result.output
    contact, said = stored(db)
    assert contact.title == "录音：call.wav" and contact.status == "open"
    assert said == [("agent", "您好,很高兴为您服务"), ("customer", "我的流量怎么这么快就用完了")]


def test_a_mono_8_khz_recording_is_one_speaker(server, db, tmp_path):
    rate = 8000
    wav = write_wav(
        tmp_path / "agent.wav", join(tone(880, 1.0, rate), silence(1.0, rate)), rate=rate
    )
    result = runner.invoke(
        cli,
        [
            "simulate",
            str(wav),
            "--audio",
            "--speaker",
            "agent",
            "--speed",
            "10",
            "--url",
            server,
            "--agent",
            "agent",
        ],
    )
    assert result.exit_code == 0, result.output
    assert stored(db)[1] == [("agent", "我帮您查一下")]


def test_what_is_not_a_recording_is_refused_before_any_contact_opens(server, db, tmp_path):
    bogus = tmp_path / "call.wav"
    bogus.write_text("not audio")
    result = runner.invoke(
        cli, ["simulate", str(bogus), "--audio", "--url", server, "--agent", "agent"]
    )
    assert result.exit_code != 0 and "call.wav" in result.output
    result = runner.invoke(cli, ["simulate", str(bogus), "--audio", "--speaker", "boss"])
    assert result.exit_code != 0 and "--speaker" in result.output
    assert count(db, Contact) == 0
