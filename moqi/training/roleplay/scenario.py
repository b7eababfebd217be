"""Role-play scenarios as content: a simulated customer's profile, the dialogue states with the
customer's lines at each mood, the facts the agent must get right and the operation to read back.

Scenarios live in moqi/data/training/roleplay/*.yaml (the rules and shared reactions in
_common.yaml); a broken file is a ScenarioError naming the file and the field at fault.
A scenario is also plain data (`as_dict`), so a session keeps the one it was played with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from moqi.content.reading import DATA_DIR, ContentError, read_yaml
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


# --- reading -------------------------------------------------------------------------------


def _need(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ScenarioError(f"{where}: {message}")


def _text(value: object, where: str) -> str:
    _need(isinstance(value, str) and value.strip() != "", where, "must be a non-empty string")
    assert isinstance(value, str)
    _need(len(value) <= MAX_LINE, where, f"longer than {MAX_LINE} characters")
    return value.strip()


def _lines(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    _need(isinstance(value, list) and len(value) > 0, where, "must be a line or a list of lines")
    assert isinstance(value, list)
    return tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _moods(value: object, where: str, *, required: bool = True) -> dict[str, tuple[str, ...]]:
    """Lines by mood: a mapping calm/neutral/angry → lines, or lines for every mood alike."""
    if value is None and not required:
        return {}
    if isinstance(value, str | list):
        lines = _lines(value, where)
        return {m: lines for m in MOODS}
    _need(isinstance(value, dict), where, "must map calm/neutral/angry to lines")
    assert isinstance(value, dict)
    unknown = sorted(set(value) - set(MOODS))
    _need(
        not unknown, where, f"unknown mood(s) {', '.join(map(str, unknown))} (calm/neutral/angry)"
    )
    missing = [m for m in MOODS if m not in value]
    _need(not missing, where, f"missing mood(s) {', '.join(missing)}")
    return {m: _lines(value[m], f"{where}.{m}") for m in MOODS}


def _patterns(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == []:
        return ()
    words = _lines(value, where)
    for i, w in enumerate(words):
        try:
            re.compile(w)
        except re.error as exc:
            raise ScenarioError(f"{where}[{i}]: not a valid pattern ({exc})") from None
    return words


def _codes(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    _need(
        isinstance(value, list) and all(isinstance(c, str) and _KEY.match(c) for c in value),
        where,
        "must be a list of business codes",
    )
    assert isinstance(value, list)
    return tuple(value)


def _int(value: object, where: str, low: int, high: int) -> int:
    _need(
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
        where,
        f"must be a whole number from {low} to {high}",
    )
    assert isinstance(value, int)
    return value


def read_common(path: Path | None = None) -> dict:
    """The rules, shared reactions, cue words and score weights every scenario starts from."""
    path = path or FOLDER / COMMON
    data = read_yaml(path)
    where = str(path)
    _need(isinstance(data, dict), where, "expected a mapping")
    return data


def parse_scenario(data: object, where: str, common: dict) -> Scenario:
    """A scenario from its YAML mapping (`where` names the file in errors), over `common`."""
    _need(isinstance(data, dict), where, "expected a mapping")
    assert isinstance(data, dict)
    key = data.get("key")
    _need(isinstance(key, str) and bool(_KEY.match(key)), f"{where}: key", "must be snake_case")
    customer = data.get("customer")
    _need(isinstance(customer, dict), f"{where}: customer", "must be a mapping (the profile)")
    assert isinstance(customer, dict)
    for name in ("title", "brand", "region", "stage", "phone"):
        _text(customer.get(name), f"{where}: customer.{name}")
    _need(
        bool(re.fullmatch(r"1\d{10}", str(customer["phone"]))),
        f"{where}: customer.phone",
        "must be an 11-digit mobile number (fictitious)",
    )
    events = customer.get("events", [])
    _need(isinstance(events, list), f"{where}: customer.events", "must be a list")
    for i, e in enumerate(events):
        _need(
            isinstance(e, dict) and isinstance(e.get("type"), str),
            f"{where}: customer.events[{i}]",
            "needs a type",
        )

    facts_raw = data.get("facts") or []
    _need(isinstance(facts_raw, list), f"{where}: facts", "must be a list")
    facts = []
    for i, f in enumerate(facts_raw):
        at = f"{where}: facts[{i}]"
        _need(isinstance(f, dict), at, "must be a mapping")
        fid = f.get("id")
        _need(isinstance(fid, str) and bool(_KEY.match(fid)), f"{at}.id", "must be snake_case")
        _need(fid not in (OPERATION, CLOSING), f"{at}.id", f"{fid!r} is reserved")
        words = _patterns(f.get("words"), f"{at}.words")
        businesses = _codes(f.get("businesses"), f"{at}.businesses")
        _need(bool(words or businesses), at, "needs words or businesses to recognise it by")
        facts.append(
            Fact(fid, _text(f.get("label"), f"{at}.label"), words, businesses, f.get("key", True))
        )
    ids = [f.id for f in facts]
    _need(len(ids) == len(set(ids)), f"{where}: facts", "fact ids must be unique")

    wrong = []
    for i, w in enumerate(data.get("wrong") or []):
        at = f"{where}: wrong[{i}]"
        _need(isinstance(w, dict), at, "must be a mapping")
        wrong.append(
            Wrong(_text(w.get("label"), f"{at}.label"), _patterns(w.get("words"), f"{at}.words"))
        )

    operation = None
    if data.get("operation") is not None:
        op = data["operation"]
        _need(isinstance(op, dict), f"{where}: operation", "must be a mapping")
        codes = _codes(op.get("businesses"), f"{where}: operation.businesses")
        _need(bool(codes), f"{where}: operation.businesses", "names no business")
        operation = Operation(_text(op.get("label"), f"{where}: operation.label"), codes)

    states_raw = data.get("states")
    _need(isinstance(states_raw, list) and len(states_raw) > 0, f"{where}: states", "needs a list")
    assert isinstance(states_raw, list)
    known = {*ids, CLOSING, *((OPERATION,) if operation else ())}
    states = []
    for i, s in enumerate(states_raw):
        at = f"{where}: states[{i}]"
        _need(isinstance(s, dict), at, "must be a mapping")
        sid = s.get("id")
        _need(isinstance(sid, str) and bool(_KEY.match(sid)), f"{at}.id", "must be snake_case")
        needs = s.get("needs")
        _need(
            isinstance(needs, list) and all(isinstance(n, str) for n in needs),
            f"{at}.needs",
            "must be a list of fact ids (or operation/closing)",
        )
        assert isinstance(needs, list)
        unknown = [n for n in needs if n not in known]
        _need(not unknown, f"{at}.needs", f"unknown need(s) {', '.join(unknown)}")
        states.append(
            State(
                sid,
                _moods(s.get("say"), f"{at}.say"),
                _moods(s.get("again"), f"{at}.again", required=False)
                or _moods(s.get("say"), f"{at}.say"),
                tuple(needs),
                str(s.get("hint") or ""),
            )
        )
    _need(
        CLOSING in states[-1].needs,
        f"{where}: states[{len(states) - 1}].needs",
        "the last state must need closing",
    )

    reactions = {}
    common_reactions = common.get("reactions") or {}
    mine = data.get("reactions") or {}
    _need(isinstance(mine, dict), f"{where}: reactions", "must be a mapping")
    for name in REACTIONS:
        source, value = (
            (where, mine[name]) if name in mine else (COMMON, common_reactions.get(name))
        )
        reactions[name] = _moods(value, f"{source}: reactions.{name}")
    rules = {**(common.get("rules") or {}), **(data.get("rules") or {})}
    for name in RULES:
        rules[name] = _int(rules.get(name), f"{where}: rules.{name}", -10, 20)
    cues = {
        k: _patterns((common.get("cues") or {}).get(k), f"{COMMON}: cues.{k}")
        for k in ("empathy", "closing")
    }
    weights = {
        k: _int((common.get("weights") or {}).get(k), f"{COMMON}: weights.{k}", 0, 100)
        for k in SCORE_PARTS
    }
    return Scenario(
        key=str(key),
        title=_text(data.get("title"), f"{where}: title"),
        summary=str(data.get("summary") or ""),
        reason=str(data.get("reason") or ""),
        customer=customer,
        start_anger=_int(data.get("start_anger", 3), f"{where}: start_anger", 0, 10),
        facts=tuple(facts),
        wrong=tuple(wrong),
        operation=operation,
        states=tuple(states),
        reactions=reactions,
        rules=rules,
        cues=cues,
        weights=weights,
        source=str(data.get("source") or where),
    )


def load_scenario(path: Path, common: dict | None = None) -> Scenario:
    """One scenario file."""
    return parse_scenario(read_yaml(path), str(path.name), common or read_common())


def load_scenarios(folder: Path = FOLDER) -> dict[str, Scenario]:
    """Every scenario of a folder by key (files starting with _ are shared parts, not scenarios)."""
    common = read_common(folder / COMMON)
    out: dict[str, Scenario] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        scenario = load_scenario(path, common)
        _need(scenario.key not in out, f"{path.name}: key", f"{scenario.key!r} is used twice")
        out[scenario.key] = scenario
    return out


def from_dict(data: dict) -> Scenario:
    """A scenario a session stored (`Scenario.as_dict`), read back."""
    common = {
        "reactions": data.get("reactions"),
        "rules": data.get("rules"),
        "cues": data.get("cues"),
        "weights": data.get("weights"),
    }
    return parse_scenario({**data, "reactions": {}}, f"stored scenario {data.get('key')}", common)
