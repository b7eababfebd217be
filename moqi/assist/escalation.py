"""Where a customer threatens to take the matter (工信部 12300, 12315, 12345, media, court,
management), and how likely they are to leave (churn) — two different risks.

The channels are content (lexicon/escalation.yaml). Their words are read as escalating anger
words by the lexicon automaton, so negation already applies ("我不会去找工信部" escalates
nothing); this module says which channel a flagged keyword names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from moqi.assist.emotion import CallMood, Keyword, UtteranceEmotion

CHANNEL_INTENSITY = 4  # a channel word not in the lexicon reads as strong anger


@dataclass(frozen=True)
class Channel:
    code: str
    label: str
    words: tuple[str, ...]
    advice: str


def channels_of(doc: dict) -> tuple[Channel, ...]:
    """The channels of a (validated) escalation document."""
    return tuple(
        Channel(c["code"], c["label"], tuple(str(w) for w in c["words"]), c["advice"])
        for c in (doc or {}).get("channels", ())
    )


_QUANTITY = set("多元块毛角分秒兆个条次天年月号小GMKgmk万千百十%.")


def inside_number(text: str, k: Keyword) -> bool:
    """A keyword of digits that is no hotline's number: part of a longer number (12315 in
    1231567) or a quantity (扣了12300多分钟, 12315元)."""
    if not k.text.isdigit():
        return False
    before = text[k.start - 1] if k.start > 0 else ""
    after = text[k.end] if k.end < len(text) else ""
    return before.isdigit() or after.isdigit() or after in _QUANTITY and after != ""


class Channels:
    """Which channels an utterance's escalating keywords name."""

    def __init__(self, channels: tuple[Channel, ...]):
        self.channels = channels
        self.by_code = {c.code: c for c in channels}

    def lexicon_entries(self) -> dict[str, tuple]:
        """The channel words as lexicon automaton values: escalating anger."""
        return {
            w: ("e", "anger", CHANNEL_INTENSITY, True, False)
            for c in self.channels
            for w in c.words
        }

    def named(self, keywords: list[Keyword]) -> list[str]:
        """Codes of the channels the live (not negated) escalating keywords name, in order."""
        out: list[str] = []
        for k in keywords:
            if not k.escalation or k.negated or k.weight <= 0:
                continue
            for c in self.channels:
                if c.code not in out and any(w in k.text for w in c.words):
                    out.append(c.code)
        return out


def churn_risk(
    mood: CallMood,
    current: UtteranceEmotion,
    *,
    stage: str | None,
    events: set[str],
    recent_contacts: int,
) -> tuple[float, list[str]]:
    """Likelihood 0–1 that this customer leaves (销号, 携号转网, 换运营商), with the reasons.

    What the customer said weighs most; the profile (lifecycle stage, a porting code asked
    for, a contract about to end) raises it, and dissatisfaction in the call adds to it."""
    reasons: list[str] = []
    logit = -3.4
    if mood.churn_turns:
        logit += 3.6 + 0.5 * min(mood.churn_turns - 1, 2)
        reasons.append(
            "本句说到离网／转网" if current.churn else f"通话中 {mood.churn_turns} 次说到离网／转网"
        )
    if "porting_code_requested" in events:
        logit += 1.4
        reasons.append("近期申请过携号转网授权码")
    if stage in ("decline", "churn"):
        logit += 0.9
        reasons.append("客户处于衰退／离网期")
    if "contract_expiring" in events:
        logit += 0.6
        reasons.append("合约即将到期")
    if mood.heat >= 0.5:
        logit += 0.8
        reasons.append("对服务有明显不满")
    if recent_contacts >= 2:
        logit += 0.4
        reasons.append(f"近期已来电 {recent_contacts} 次")
    return round(1.0 / (1.0 + math.exp(-logit)), 3), reasons
