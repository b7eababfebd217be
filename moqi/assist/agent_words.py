"""The agent's own words: phrases a quality inspector marks down, with the better line to say.

The rules are content (scripts/agent_phrases.yaml, compiled by moqi.content.scripts); this
module applies them.
A hit is a quiet hint on the workbench and one count in the agent's quality review.
"""

from __future__ import annotations

from dataclasses import dataclass

from moqi.assist.events import HintPart
from moqi.content.scripts import PhraseRule
from moqi.nlp.normalize import normalize


@dataclass(frozen=True)
class PhraseHit:
    code: str
    label: str
    said: str  # the words that matched
    instead: str

    def as_dict(self) -> HintPart:
        return {"code": self.code, "label": self.label, "said": self.said, "instead": self.instead}


def check_agent_line(rules: tuple[PhraseRule, ...], text: str) -> list[PhraseHit]:
    """The rules this agent utterance breaks, in rule order (one hit per rule)."""
    said = normalize(text)
    hits = []
    for rule in rules:
        if any(p.search(said) for p in rule.unless):
            continue
        for pattern in rule.patterns:
            found = pattern.search(said)
            if found:
                hits.append(PhraseHit(rule.code, rule.label, found.group(0), rule.instead))
                break
    return hits
