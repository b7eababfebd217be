"""Role-play scenarios as content: a simulated customer's profile, the dialogue states with the
customer's lines at each mood, the facts the agent must get right and the operation to read back.

Scenarios live in moqi/data/training/roleplay/*.yaml (the rules and shared reactions in
_common.yaml), read by scenario_files; a broken file is a ScenarioError naming the file and the
field at fault. A scenario is also plain data (`as_dict`), so a session keeps the one it was
played with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moqi.content.reading import DATA_DIR, ContentError
from moqi.errors import Invalid

FOLDER = DATA_DIR / "training" / "roleplay"
COMMON = "_common.yaml"
MOODS = ("calm", "neutral", "angry")
# Needs every state may name besides the scenario's facts: the operation read back and
# confirmed, and a proper closing line.
OPERATION, CLOSING = "operation", "closing"
REACTIONS = (
    "forbidden",  # the agent said what a quality inspector marks down
    "wrong",  # the agent said something untrue about the business
    "escalate",  # anger high: threatens 工信部/12300
    "hang_up",
    "early_close",  # the agent closes while the matter is open
    "confirm_yes",
    "confirm_wrong_business",
    "confirm_no_number",
    "bye",
)
RULES = (
    "empathy",
    "answer",
    "forbidden",
    "wrong",
    "ignored",
    "escalate_at",
    "hang_up_at",
    "max_bad_turns",
    "calm_below",
    "angry_from",
)
SCORE_PARTS = ("empathy", "correctness", "confirmation", "closing")
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
MAX_LINE = 300


class ScenarioError(Invalid, ContentError):
    """A scenario that cannot be played; the message names the file and the field at fault."""


@dataclass(frozen=True)
class Fact:
    """Something the agent must say right: words (patterns on the normalised line) or a business
    of the catalogue the engine hears named."""

    id: str
    label: str
    words: tuple[str, ...] = ()
    businesses: tuple[str, ...] = ()
    key: bool = True  # counted in the correctness score

    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(w) for w in self.words)


@dataclass(frozen=True)
class Wrong:
    """A thing an agent might say that is untrue for this customer or against the rules."""

    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class State:
    """A step of the dialogue: what the customer says on reaching it and when asked in vain
    (by mood), and what the agent must have done to move on."""

    id: str
    say: dict[str, tuple[str, ...]]
    again: dict[str, tuple[str, ...]]
    needs: tuple[str, ...]
    hint: str = ""


@dataclass(frozen=True)
class Operation:
    label: str
    businesses: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    summary: str
    reason: str
    customer: dict
    start_anger: int
    facts: tuple[Fact, ...]
    wrong: tuple[Wrong, ...]
    operation: Operation | None
    states: tuple[State, ...]
    reactions: dict[str, dict[str, tuple[str, ...]]]
    rules: dict[str, int]
    cues: dict[str, tuple[str, ...]]  # empathy / closing words (patterns)
    weights: dict[str, int]
    source: str = ""  # a file, or the transcript/contact it was built from

    @property
    def phone_tail(self) -> str:
        digits = re.sub(r"\D", "", str(self.customer.get("phone", "")))
        return digits[-4:] if len(digits) >= 4 else ""

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def as_dict(self) -> dict:
        """The scenario as plain data (what a session stores; `from_dict` reads it back)."""
        return {
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "reason": self.reason,
            "customer": self.customer,
            "start_anger": self.start_anger,
            "facts": [
                {
                    "id": f.id,
                    "label": f.label,
                    "words": list(f.words),
                    "businesses": list(f.businesses),
                    "key": f.key,
                }
                for f in self.facts
            ],
            "wrong": [{"label": w.label, "words": list(w.words)} for w in self.wrong],
            "operation": None
            if self.operation is None
            else {"label": self.operation.label, "businesses": list(self.operation.businesses)},
            "states": [
                {
                    "id": s.id,
                    "say": {m: list(v) for m, v in s.say.items()},
                    "again": {m: list(v) for m, v in s.again.items()},
                    "needs": list(s.needs),
                    "hint": s.hint,
                }
                for s in self.states
            ],
            "reactions": {k: {m: list(v) for m, v in r.items()} for k, r in self.reactions.items()},
            "rules": dict(self.rules),
            "cues": {k: list(v) for k, v in self.cues.items()},
            "weights": dict(self.weights),
            "source": self.source,
        }
