"""AssistEvent, what the agent is shown after one utterance, and its parts as typed dicts: the
JSON shape of docs/assist-json.md, key for key.

The parts are plain dicts at run time (what is serialised and stored is unchanged); the types
only let every reader of a part (the CLI's table, the live hub's alerts, the stored rows) be
checked. AssistSession makes them with emotion_part, businesses_part and script_parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from moqi.assist.confirm import ConfirmationPart
from moqi.content.model import EMOTION_LABELS

if TYPE_CHECKING:
    from moqi.assist.bizmap import Link
    from moqi.assist.emotion import Keyword, UtteranceEmotion
    from moqi.assist.scripts import Recommendation

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


class ChannelPart(TypedDict):
    """One of `emotion.escalation_channels`: where the customer threatened to take the matter."""

    code: str
    label: str


class HintPart(TypedDict):
    """One of `agent_hints`: a phrase of the agent's a quality inspector marks down."""

    code: str
    label: str
    said: str
    instead: str


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
    escalation_channels: list[ChannelPart]
    churn: float
    churn_reasons: list[str]
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
    agent_hints: list[HintPart] = field(default_factory=list)  # on agent turns only

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
            "agent_hints": self.agent_hints,
        }


def emotion_part(
    emotion: UtteranceEmotion,
    keywords: list[Keyword],
    *,
    trend: str,
    risk: float,
    risk_reasons: list[str],
    channels: list[ChannelPart],
    churn: float,
    churn_reasons: list[str],
    advice: list[str],
) -> EmotionPart:
    """`emotion`, with the keywords shown (the customer's own, none on agent turns)."""
    return {
        "category": emotion.category,
        "label": EMOTION_LABELS.get(emotion.category, emotion.category),
        "polarity": emotion.polarity,
        "intensity": emotion.intensity,
        "valence": emotion.valence,
        "keywords": [
            {
                "text": k.text,
                "start": k.start,
                "end": k.end,
                "category": k.category,
                "weight": round(k.weight, 3),
                "negated": k.negated,
                "escalation": k.escalation,
                "churn": k.churn,
            }
            for k in keywords
        ],
        "trend": trend,
        "risk": risk,
        "risk_reasons": risk_reasons,
        "escalation_channels": channels,
        "churn": churn,
        "churn_reasons": churn_reasons,
        "advice": advice,
    }


def businesses_part(
    mentioned: list[str],
    said: dict[str, str],
    in_call: list[str],
    related: list[Link],
    name: Callable[[str], str],
) -> BusinessesPart:
    """`businesses`: codes named now (`said`: the word for each), codes named in the call, and
    the related edges; `name` names a code."""
    return {
        "mentioned": [
            {"code": c, "name": name(c), "said": said[c]} for c in dict.fromkeys(mentioned)
        ],
        "in_call": [{"code": c, "name": name(c)} for c in in_call],
        "related": [
            {
                "from": link.src,
                "to": link.dst,
                "to_name": link.dst_name,
                "relation": link.relation,
                "note": link.note,
            }
            for link in related
        ],
    }


def script_parts(scripts: list[Recommendation]) -> list[ScriptPart]:
    """`scripts`: the lines offered."""
    return [{"id": r.id, "kind": r.kind, "text": r.text, "why": r.why} for r in scripts]
