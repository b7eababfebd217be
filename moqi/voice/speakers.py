"""Who said what: recognised segments become agent/customer turns.

Stereo recordings (agent and customer on separate channels, as most call-centre recorders write
them) are exact: each channel is one speaker. Mono recordings are guessed: the first segment
with a known agent greeting (moqi/data/voice/speakers.yaml) is the agent, and the speaker
changes at every pause of at least `gap` seconds. That guess is wrong whenever one party pauses
that long mid-turn, or the other answers without a pause (overlap, 嗯 while listening).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from moqi.voice.recognizer import Segment

DATA = Path(__file__).resolve().parents[1] / "data" / "voice" / "speakers.yaml"
AGENT, CUSTOMER = "agent", "customer"
# Pause (seconds) taken as the other party's turn in a mono recording, and under which two
# segments of one speaker are joined into one utterance.
TURN_GAP = 0.8
# A turn is not joined past this length (assist takes utterances of up to 5000 characters).
MAX_TURN_CHARS = 1000
_ENDS = "，。！？,.!?；;、"


@dataclass(frozen=True)
class Turn:
    """One utterance as `moqi assist` reads it: speaker, text, seconds from the call's start."""

    speaker: str
    text: str
    ts: float

    def as_dict(self) -> dict:
        return {"speaker": self.speaker, "text": self.text, "ts": round(self.ts, 2)}


@lru_cache(maxsize=1)
def agent_greetings() -> tuple[str, ...]:
    """The greeting phrases that mark the agent, most reliable first."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(str(p) for p in data["agent_greetings"])


def _join(turns: list[tuple[str, Segment]], gap: float) -> list[Turn]:
    """Consecutive segments of one speaker less than `gap` apart become one turn."""
    out: list[Turn] = []
    end = 0.0  # where the last turn's speech ended
    for speaker, seg in turns:
        if (
            out
            and out[-1].speaker == speaker
            and seg.start - end < gap
            and len(out[-1].text) + len(seg.text) < MAX_TURN_CHARS
        ):
            prev = out[-1]
            sep = "" if prev.text[-1:] in _ENDS else "，"
            out[-1] = Turn(speaker, prev.text + sep + seg.text, prev.ts)
            end = max(end, seg.end)
        else:
            out.append(Turn(speaker, seg.text, seg.start))
            end = seg.end
    return out


def split_stereo(
    agent: Sequence[Segment], customer: Sequence[Segment], gap: float = TURN_GAP
) -> list[Turn]:
    """Both channels' segments in time order, each labelled by its channel."""
    tagged = [(AGENT, s) for s in agent if s.text] + [(CUSTOMER, s) for s in customer if s.text]
    tagged.sort(key=lambda t: (t[1].start, t[0] != AGENT))
    return _join(tagged, gap)


def _anchor(segments: Sequence[Segment], greetings: Sequence[str]) -> int:
    for phrase in greetings:
        for i, seg in enumerate(segments):
            if phrase in seg.text:
                return i
    return 0


def split_mono(
    segments: Sequence[Segment],
    greetings: Sequence[str] | None = None,
    gap: float = TURN_GAP,
) -> list[Turn]:
    """Label one channel's segments by alternation: a pause of `gap` seconds or more changes the
    speaker; the segment holding the first greeting found (else the first segment) is the agent's."""
    segments = [s for s in segments if s.text]
    if not segments:
        return []
    groups = [0]
    for prev, seg in zip(segments, segments[1:], strict=False):
        groups.append(groups[-1] + (seg.start - prev.end >= gap))
    anchor = groups[_anchor(segments, agent_greetings() if greetings is None else greetings)]
    tagged = [
        (AGENT if (g - anchor) % 2 == 0 else CUSTOMER, seg)
        for g, seg in zip(groups, segments, strict=True)
    ]
    return _join(tagged, gap)
