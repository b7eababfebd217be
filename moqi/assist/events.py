"""AssistEvent, what the agent is shown after one utterance, and its parts as typed dicts: the
JSON shape of docs/assist-json.md, key for key.

The parts are plain dicts at run time (what is serialised and stored is unchanged); the types
only let every reader of a part (the CLI's table, the live hub's alerts, the stored rows) be
checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from moqi.assist.confirm import ConfirmationPart

__all__ = [
    "AssistEvent",
    "BusinessesPart",
    "ConfirmationPart",
    "EmotionPart",
    "InCallPart",
    "KeywordPart",
    "MentionedPart",
    "NeedPart",
    "Opening",
    "ReasonPart",
    "RelatedPart",
    "ScriptPart",
]


class KeywordPart(TypedDict):
    """An emotion keyword with its character span into the event's text (`end` exclusive)."""

    text: str
    start: int
    end: int
    category: str
    weight: float
    negated: bool
    escalation: bool
    churn: bool


class EmotionPart(TypedDict):
    """`emotion`: the customer's emotion now (on agent turns, their last), risk and advice."""

    category: str
    label: str
    polarity: str
    intensity: float
    valence: float
    keywords: list[KeywordPart]
    trend: str
    risk: float
    risk_reasons: list[str]
    advice: list[str]


class ReasonPart(TypedDict):
    """One of `need.reasons`: a call reason of the taxonomy and its probability."""

    code: str
    label: str
    p: float


class NeedPart(TypedDict):
    """`need`: the moment of truth and the top reasons, as predicted now."""

    moment: str
    moment_label: str
    p: float
    reasons: list[ReasonPart]
    informed: bool


class MentionedPart(TypedDict):
    """One of `businesses.mentioned`: a business named in this utterance, and the word said."""

    code: str
    name: str
    said: str


class InCallPart(TypedDict):
    """One of `businesses.in_call`: a business named so far in the call."""

    code: str
    name: str


# One of `businesses.related`: a map edge of a mentioned business ("from" is a Python keyword,
# hence the functional form).
RelatedPart = TypedDict(
    "RelatedPart",
    {"from": str, "to": str, "to_name": str, "relation": str, "note": str},
)


class BusinessesPart(TypedDict):
    """`businesses`: those named now, those named in the call, and their relations."""

    mentioned: list[MentionedPart]
    in_call: list[InCallPart]
    related: list[RelatedPart]


class ScriptPart(TypedDict):
    """One of `scripts`: a line offered to the agent, placeholders filled."""

    id: str
    kind: str
    text: str
    why: str


class Opening(TypedDict):
    """What the agent sees as the contact rings (AssistSession.opening)."""

    need: NeedPart
    scripts: list[ScriptPart]


@dataclass
class AssistEvent:
    """What the agent is shown after one utterance."""

    turn: int
    speaker: str
    text: str
    ts: float | None
    emotion: EmotionPart
    need: NeedPart
    businesses: BusinessesPart
    scripts: list[ScriptPart]
    confirmation: ConfirmationPart | None = None
    scripts_used: list[str] = field(
        default_factory=list
    )  # ids of offered lines this agent utterance read out

    def as_dict(self) -> dict:
        """The documented JSON shape (docs/assist-json.md)."""
        return {
            "turn": self.turn,
            "speaker": self.speaker,
            "text": self.text,
            "ts": self.ts,
            "emotion": self.emotion,
            "need": self.need,
            "businesses": self.businesses,
            "scripts": self.scripts,
            "confirmation": self.confirmation,
            "scripts_used": self.scripts_used,
        }
