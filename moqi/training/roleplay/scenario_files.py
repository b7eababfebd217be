"""Reading role-play scenarios: the YAML files under moqi/data/training/roleplay (over the
shared _common.yaml) and the copies sessions store, checked field by field; a broken one is a
ScenarioError naming the file and the field at fault."""

from __future__ import annotations

import re
from pathlib import Path

from moqi.content.reading import read_yaml
from moqi.training.roleplay.scenario import (
    _KEY,
    CLOSING,
    COMMON,
    FOLDER,
    MAX_LINE,
    MOODS,
    OPERATION,
    REACTIONS,
    RULES,
    SCORE_PARTS,
    Fact,
    Operation,
    Scenario,
    ScenarioError,
    State,
    Wrong,
)


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
