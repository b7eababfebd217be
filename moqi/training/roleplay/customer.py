"""The simulated customer of a role-play: a mood state machine over a scenario's dialogue.

Each agent line goes through the call's AssistSession (the live engine reads it as it reads a
real call: the phrase rules a quality inspector marks down, the businesses named, the
operation reported and its read-back, the lines read out from the workbench), then:

- anger (0–10) moves by the scenario's rules: empathy and a right answer calm the customer
  ("您别着急，我马上帮您查"), a forbidden phrase ("这是规定，没办法"), a wrong fact or an
  ignored question make them angrier;
- at `escalate_at` they threaten 工信部/12300 (once); at `hang_up_at`, or after
  `max_bad_turns` bad turns in a row, they hang up;
- the dialogue moves to the next state when what the state needs has been heard; after the
  last state's closing line the call ends resolved.

Pure and deterministic: the same scenario, seed and agent lines give the same call (the
seed chooses among the customer's wordings), so a stored session is rebuilt by replaying it.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field

from moqi.assist import AssistEvent, AssistSession
from moqi.training.roleplay.scenario import CLOSING, OPERATION, Scenario

MAX_TURNS = 60  # agent lines per role-play; a practice call is long at 30


@dataclass
class Reading:
    """What one agent line did, as the engine and the scenario read it (the scoring's evidence)."""

    turn: int
    text: str
    empathy: list[str] = field(default_factory=list)  # what showed it: a cue or a script id
    facts: list[str] = field(default_factory=list)  # facts heard for the first time
    wrong: list[str] = field(default_factory=list)
    hints: list[dict] = field(default_factory=list)  # the engine's phrase-rule hits
    readback: dict | None = None  # the three-way checklist, when this line reported an operation
    checked: dict[str, bool] = field(default_factory=dict)  # business / number / result read back
    closing: bool = False
    wrap_up: bool = False  # "还有其他可以帮您的吗"

    @property
    def bad(self) -> bool:
        return bool(self.hints or self.wrong)


def read_agent_line(
    event: AssistEvent, scenario: Scenario, script_kinds: dict[str, str], *, wraps_up: bool
) -> Reading:
    """One agent line read against the scenario: the engine's findings (event) and the
    scenario's facts, wrong claims and cue words."""
    text = event.text
    reading = Reading(
        turn=event.turn, text=text, hints=[dict(h) for h in event.agent_hints], wrap_up=wraps_up
    )
    used_kinds = {sid: script_kinds.get(sid, "") for sid in event.scripts_used}
    reading.empathy = [sid for sid, k in used_kinds.items() if k in ("empathy", "apology")]
    reading.empathy += [p for p in scenario.cues["empathy"] if _search(p, text)]
    reading.closing = any(k == "closing" for k in used_kinds.values()) or any(
        _search(p, text) for p in scenario.cues["closing"]
    )
    named = {b["code"] for b in event.businesses["mentioned"]}
    for fact in scenario.facts:
        if any(_search(p, text) for p in fact.words) or named & set(fact.businesses):
            reading.facts.append(fact.id)
    reading.wrong = [w.label for w in scenario.wrong if any(_search(p, text) for p in w.words)]
    if reading.wrong:
        # "超出的流量不收费" names the overage billing, and gets it wrong: nothing right is heard.
        reading.facts = []
    confirmation = event.confirmation
    if confirmation is not None and confirmation["turn"] == event.turn:
        reading.readback = dict(confirmation)
        tail = scenario.phone_tail
        codes = {op["code"] for op in confirmation["operations"]}
        wanted = set(scenario.operation.businesses) if scenario.operation else set()
        reading.checked = {
            "business": bool(codes & wanted),
            "number": bool(tail) and confirmation["number"] == f"尾号{tail}" and tail in text,
            "result": True,  # an operation is reported only with its outcome (成功／没有成功)
        }
    return reading


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def mood_of(anger: int, rules: dict[str, int]) -> str:
    """calm, neutral or angry for an anger of 0–10, by the scenario's rules."""
    if anger < rules["calm_below"]:
        return "calm"
    return "angry" if anger >= rules["angry_from"] else "neutral"


@dataclass
class Turn:
    """One line of the role-play as stored: who, what, and the customer's mood after it."""

    speaker: str  # agent | customer
    text: str
    anger: int
    mood: str
    state: str
    reaction: str = ""  # customer: what the line answers (advance, again, forbidden, …)
    reading: dict | None = None  # agent: the Reading

    def as_dict(self) -> dict:
        return asdict(self)


class SimulatedCustomer:
    """The customer of one role-play: `open()` once, then `hear(line)` for each agent line
    until `finished`. Not thread-safe: one per session."""

    def __init__(self, scenario: Scenario, assist: AssistSession, seed: int) -> None:
        self.scenario = scenario
        self.assist = assist
        self.rng = random.Random(seed)
        self.rules = scenario.rules
        self.anger = scenario.start_anger
        self.state = 0
        self.met: set[str] = set()
        self.bad_streak = 0
        self.escalated = False
        self.outcome: str | None = None  # resolved | hung_up
        self.turns: list[Turn] = []
        self.readings: list[Reading] = []
        self._kinds = {s.id: s.kind for s in assist.engine.content.scripts}

    # -- what the customer feels ---------------------------------------------------------

    @property
    def mood(self) -> str:
        return mood_of(self.anger, self.rules)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def _line(self, lines: dict[str, tuple[str, ...]], **fill: str) -> str:
        text = self.rng.choice(lines[self.mood])
        return text.format(**fill) if fill else text

    def _say(self, text: str, reaction: str) -> Turn:
        self.assist.feed("customer", text)
        turn = Turn(
            "customer", text, self.anger, self.mood, self.scenario.states[self.state].id, reaction
        )
        self.turns.append(turn)
        return turn

    # -- the call ------------------------------------------------------------------------

    def open(self) -> Turn:
        """The customer's first words as the call connects."""
        return self._say(self._line(self.scenario.states[0].say), "open")

    def hear(self, text: str) -> Turn:
        """The customer's answer to one agent line (Invalid for text the engine refuses)."""
        if self.finished:
            raise RuntimeError("the role-play is over")
        event = self.assist.feed("agent", text)
        reading = read_agent_line(
            event, self.scenario, self._kinds, wraps_up=self.assist.engine.wraps_up(event.text)
        )
        self.readings.append(reading)
        state = self.scenario.states[self.state]
        last = self.state == len(self.scenario.states) - 1
        new_facts = [f for f in reading.facts if f not in self.met]
        self.met.update(reading.facts)
        readback_ok = reading.readback is not None and all(reading.checked.values())
        if readback_ok and self.scenario.operation is not None:
            self.met.add(OPERATION)
        if reading.closing and last and not reading.bad:
            self.met.add(CLOSING)
        early_close = reading.closing and not last and not reading.bad
        empathy = bool(reading.empathy) and not reading.hints
        answered = bool(new_facts) or readback_ok or CLOSING in self.met
        engaged = reading.readback is not None or (last and reading.wrap_up)
        ignored = not (answered or empathy or reading.bad or engaged) or early_close
        r = self.rules
        delta = (
            r["empathy"] * empathy
            + r["answer"] * answered
            + r["forbidden"] * min(len(reading.hints), 2)
            + r["wrong"] * bool(reading.wrong)
            + r["ignored"] * ignored
        )
        self.anger = max(0, min(10, self.anger + delta))
        self.bad_streak = self.bad_streak + 1 if (reading.bad or ignored) else 0
        self.turns.append(
            Turn("agent", event.text, self.anger, self.mood, state.id, reading=asdict(reading))
        )
        return self._answer(reading, early_close)

    def _answer(self, reading: Reading, early_close: bool) -> Turn:
        """What the customer says back, and whether the call ends."""
        reactions = self.scenario.reactions
        if self.anger >= self.rules["hang_up_at"] or self.bad_streak >= self.rules["max_bad_turns"]:
            self.outcome = "hung_up"
            return self._say(self._line(reactions["hang_up"]), "hang_up")
        parts: list[str] = []
        kinds: list[str] = []
        if reading.readback is not None and self.scenario.operation is not None:
            if not reading.checked["business"]:
                parts.append(
                    self._line(
                        reactions["confirm_wrong_business"], business=self.scenario.operation.label
                    )
                )
                kinds.append("confirm_wrong_business")
            elif not reading.checked["number"]:
                parts.append(self._line(reactions["confirm_no_number"]))
                kinds.append("confirm_no_number")
            else:
                parts.append(self._line(reactions["confirm_yes"]))
                kinds.append("confirm_yes")
        if reading.hints:
            parts.append(self._line(reactions["forbidden"]))
            kinds.append("forbidden")
        elif reading.wrong:
            parts.append(self._line(reactions["wrong"]))
            kinds.append("wrong")
        elif early_close:
            parts.append(self._line(reactions["early_close"]))
            kinds.append("early_close")
        advanced = False
        states = self.scenario.states
        while set(states[self.state].needs) <= self.met:
            if self.state == len(states) - 1:
                self.outcome = "resolved"
                parts.append(self._line(reactions["bye"]))
                return self._say("".join(parts), "+".join([*kinds, "bye"]))
            self.state += 1
            advanced = True
        if advanced:
            parts.append(self._line(states[self.state].say))
            kinds.append("advance")
        elif not kinds or kinds == ["forbidden"] or kinds == ["wrong"]:
            parts.append(self._line(states[self.state].again))
            kinds.append("again")
        if self.anger >= self.rules["escalate_at"] and not self.escalated:
            self.escalated = True
            parts.append(self._line(reactions["escalate"]))
            kinds.append("escalate")
        return self._say("".join(parts), "+".join(kinds))


def replay(
    scenario: Scenario, assist: AssistSession, seed: int, agent_lines: list[str]
) -> SimulatedCustomer:
    """The customer as it stands after these agent lines (a stored session rebuilt)."""
    customer = SimulatedCustomer(scenario, assist, seed)
    customer.open()
    for line in agent_lines:
        customer.hear(line)
    return customer
