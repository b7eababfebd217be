"""Voice's storage: a transcribed recording becomes a finished hotline contact, analysed by
assist like any transcript, so it shows on the workbench (/workbench/<id>) and in reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from moqi.assist.services import record_call
from moqi.assist.transcript import Transcript
from moqi.voice.speakers import Turn

CHANNEL = "voice"  # the hotline (热线)


def store_recording(session: Session, name: str, turns: Sequence[Turn], *, now: datetime) -> int:
    """Record one transcribed recording as a closed hotline contact titled 录音：<name>, with
    its utterances (masked on the way in) and assist's reading of them; returns its id.
    Written in the caller's transaction: nothing is stored if anything fails."""
    transcript = Transcript(
        header={"channel": CHANNEL, "title": f"录音：{name[-180:]}"},
        turns=[(t.speaker, t.text, t.ts) for t in turns],
    )
    contact_id, _events = record_call(session, transcript, customer_ref=None, now=now)
    return contact_id
