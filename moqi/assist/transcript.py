"""Read call transcripts: JSONL utterances (with an optional header line) or 客户：…/坐席：… lines,
in UTF-8 or GBK."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from moqi.assist.session import MAX_CHARS, canonical_speaker
from moqi.errors import Invalid
from moqi.nlp.decode import NotText, decode_text

# 客户：…, optionally after the time an ASR export puts first: "[00:01:05] 客户：…", "00:12 坐席: …".
_PLAIN = re.compile(
    r"^\s*(?:[\[(（【]?\s*(?:(\d{1,2}):)?(\d{1,3}):(\d{2}(?:[.,]\d+)?)\s*[\])）】]?\s*)?"
    r"([^:：\s\[\]()（）【】]{1,12})\s*[:：]\s*(.*)$"
)


class TranscriptError(Invalid):
    """A transcript that cannot be read; the message names the line at fault."""


@dataclass
class Transcript:
    """A parsed call: header fields (customer, channel, title) and (speaker, text, ts) turns."""

    header: dict = field(default_factory=dict)
    turns: list[tuple[str, str, float | None]] = field(default_factory=list)


def _check_text(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise TranscriptError(f"{where}: text must be a string")
    if len(text) > MAX_CHARS:
        raise TranscriptError(
            f"{where}: {len(text)} characters, over the {MAX_CHARS}-character limit"
        )
    return text


def _speaker(value: object, where: str) -> str:
    try:
        return canonical_speaker(str(value))
    except ValueError as exc:
        raise TranscriptError(f"{where}: {exc}") from None


def parse_transcript(raw: bytes | str) -> Transcript:
    """Parse a whole transcript; raises TranscriptError for anything it cannot trust."""
    if isinstance(raw, bytes):
        try:
            raw = decode_text(raw)
        except NotText as exc:
            raise TranscriptError(str(exc)) from None
    lines = [(i, line) for i, line in enumerate(raw.splitlines(), 1) if line.strip()]
    if not lines:
        raise TranscriptError("empty transcript: no utterances")
    out = Transcript()
    if lines[0][1].lstrip().startswith("{"):
        for number, line in lines:
            where = f"line {number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TranscriptError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise TranscriptError(f"{where}: expected a JSON object")
            if "speaker" not in obj and "text" not in obj:
                if out.turns or out.header:
                    raise TranscriptError(f"{where}: header object must be the first line")
                out.header = obj
                continue
            if "speaker" not in obj or "text" not in obj:
                raise TranscriptError(f"{where}: needs both speaker and text")
            ts = obj.get("ts")
            if ts is not None and (isinstance(ts, bool) or not isinstance(ts, int | float)):
                raise TranscriptError(f"{where}: ts must be a number of seconds")
            out.turns.append(
                (
                    _speaker(obj["speaker"], where),
                    _check_text(obj["text"], where),
                    None if ts is None else float(ts),
                )
            )
    else:
        for number, line in lines:
            where = f"line {number}"
            m = _PLAIN.match(line)
            if not m:
                raise TranscriptError(
                    f"{where}: unknown format (expected JSONL or lines like 客户：…/坐席：…, optionally after a time such as [00:01:05])"
                )
            hours, minutes, seconds, speaker, text = m.groups()
            ts = (
                None
                if minutes is None
                else int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))
            )
            out.turns.append((_speaker(speaker, where), _check_text(text.strip(), where), ts))
    if not out.turns:
        raise TranscriptError("empty transcript: no utterances")
    check_said(out.turns)
    return out


def check_said(turns: list[tuple[str, str, float | None]]) -> None:
    """A call in which nobody said anything (every utterance blank) is refused; one blank
    utterance among others (an ASR segment of silence) is not."""
    if not any(text.strip() for _, text, _ in turns):
        raise TranscriptError("empty call: every utterance is blank")
