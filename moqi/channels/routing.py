"""Routing rules and the routing decision, pure: which skill and priority a conversation gets,
which agent takes it, when it overflows, and how long a waiting customer should expect to wait.

The rules are content (moqi/data/channels/routing.yaml, versioned in the database: rules.py);
this module reads their document and decides, with no database, no web and no clock read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from moqi.errors import Invalid

# Queue order: a higher rank is served first.
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_LABELS = {"low": "低", "normal": "普通", "high": "高", "urgent": "紧急"}
# Agent presence: only "available" agents are offered conversations.
PRESENCE = {
    "available": "可接入",
    "busy": "忙碌",
    "acw": "话后处理",
    "away": "离开",
    "offline": "离线",
}
MAX_LEVEL = 5
# A predicted call reason counts for a skill only when the engine is this sure of it: a greeting
# ("你好 在吗") yields faint guesses that must not send a customer to the complaints desk.
REASON_MIN_P = 0.3


@dataclass(frozen=True, slots=True)
class Skill:
    code: str
    label: str
    keywords: tuple[str, ...] = ()
    categories: frozenset[str] = frozenset()
    reasons: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()  # customers: a skill chosen by who the customer is
    vips: frozenset[str] = frozenset()
    overflow_after_s: float | None = None
    overflow_to: str | None = None

    @property
    def by_customer(self) -> bool:
        return bool(self.brands or self.vips)


@dataclass(frozen=True, slots=True)
class PriorityRule:
    set: str
    risk_at_least: float | None = None
    escalation: bool | None = None
    vips: frozenset[str] = frozenset()
    moment: str | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    default_skill: str
    skills: tuple[Skill, ...]
    priority: tuple[PriorityRule, ...]
    agent_skills: dict[str, int] = field(default_factory=dict)
    max_chats: int = 3
    chat_aht_s: float = 420.0

    def skill(self, code: str) -> Skill:
        for s in self.skills:
            if s.code == code:
                return s
        raise Invalid(f"unknown skill {code!r}: one of {', '.join(self.codes)}")

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.skills]


@dataclass(frozen=True, slots=True)
class Signals:
    """What routing reads of a conversation: its words as the assist engine saw them, and who
    the customer is."""

    text: str
    categories: frozenset[str] = frozenset()  # catalogue categories of the businesses named
    reasons: tuple[tuple[str, float], ...] = ()  # predicted call reasons, most likely first
    moment: str = ""
    risk: float = 0.0
    escalation: bool = False  # threatens 工信部, the media, a lawyer…
    brand: str = ""
    vip: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    skill: str
    priority: str
    why: str  # in Chinese, for the lead's view and the agent's card


@dataclass(slots=True)
class AgentState:
    """An available agent as routing sees them."""

    username: str
    skills: dict[str, int]
    max_chats: int
    load: int = 0
    last_routed_at: datetime | None = None


# -- the rules document -------------------------------------------------------------------------


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Invalid(f'{where}: a list of non-empty strings (quote numbers: "12300")')
    return tuple(v.strip() for v in value)


def _number(value: object, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(f"{where}: a number")
    if not low <= value <= high:
        raise Invalid(f"{where}: between {low:g} and {high:g}")
    return float(value)


def agent_skills(value: object, codes: Iterable[str], where: str) -> dict[str, int]:
    """A {skill: level} mapping, levels 1–5, every skill known."""
    known = set(codes)
    if not isinstance(value, dict) or not value:
        raise Invalid(f"{where}: a mapping of skill to level (1–{MAX_LEVEL}), at least one")
    out: dict[str, int] = {}
    for code, level in value.items():
        if code not in known:
            raise Invalid(f"{where}: unknown skill {code!r}: one of {', '.join(sorted(known))}")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
            raise Invalid(f"{where}.{code}: a level from 1 to {MAX_LEVEL}")
        out[code] = level
    return out


def _skill(item: object, i: int) -> Skill:
    where = f"skills[{i}]"
    if not isinstance(item, dict):
        raise Invalid(f"{where}: a mapping with code and label")
    code, label = item.get("code"), item.get("label")
    if not isinstance(code, str) or not code.isascii() or not code.replace("_", "").isalnum():
        raise Invalid(f"{where}.code: a snake_case code")
    if not isinstance(label, str) or not label.strip():
        raise Invalid(f"{where}.label: the skill's name")
    customers = item.get("customers") or {}
    if not isinstance(customers, dict):
        raise Invalid(f"{where}.customers: a mapping with brands and/or vip")
    overflow = item.get("overflow")
    after = to = None
    if overflow is not None:
        if not isinstance(overflow, dict) or not isinstance(overflow.get("to"), str):
            raise Invalid(f"{where}.overflow: {{after_s: seconds, to: skill}}")
        after = _number(overflow.get("after_s"), f"{where}.overflow.after_s", 1, 86_400)
        to = overflow["to"]
    return Skill(
        code=code,
        label=label.strip(),
        keywords=_strings(item.get("keywords"), f"{where}.keywords"),
        categories=frozenset(_strings(item.get("categories"), f"{where}.categories")),
        reasons=frozenset(_strings(item.get("reasons"), f"{where}.reasons")),
        brands=frozenset(_strings(customers.get("brands"), f"{where}.customers.brands")),
        vips=frozenset(_strings(customers.get("vip"), f"{where}.customers.vip")),
        overflow_after_s=after,
        overflow_to=to,
    )


def _priority_rule(item: object, i: int) -> PriorityRule:
    where = f"priority[{i}]"
    if not isinstance(item, dict) or not isinstance(item.get("when"), dict):
        raise Invalid(f"{where}: {{when: {{…}}, set: priority}}")
    when, value = item["when"], item.get("set")
    if value not in PRIORITIES:
        raise Invalid(f"{where}.set: one of {', '.join(PRIORITIES)}")
    unknown = set(when) - {"risk_at_least", "escalation", "vip", "moment"}
    if unknown or not when:
        raise Invalid(f"{where}.when: risk_at_least, escalation, vip or moment")
    risk = when.get("risk_at_least")
    escalation = when.get("escalation")
    if escalation is not None and not isinstance(escalation, bool):
        raise Invalid(f"{where}.when.escalation: true or false")
    moment = when.get("moment")
    if moment is not None and moment not in ("inquiry", "handling", "complaint"):
        raise Invalid(f"{where}.when.moment: inquiry, handling or complaint")
    return PriorityRule(
        set=value,
        risk_at_least=None if risk is None else _number(risk, f"{where}.when.risk_at_least", 0, 1),
        escalation=escalation,
        vips=frozenset(_strings(when.get("vip"), f"{where}.when.vip")),
        moment=moment,
    )


def parse_rules(doc: object, reason_codes: set[str] | None = None) -> Rules:
    """The rules of a routing document; Invalid naming the first fault."""
    if not isinstance(doc, dict):
        raise Invalid("the routing rules are a mapping (see moqi/data/channels/routing.yaml)")
    items = doc.get("skills")
    if not isinstance(items, list) or not items:
        raise Invalid("skills: a list of at least one skill")
    skills = tuple(_skill(item, i) for i, item in enumerate(items))
    codes = [s.code for s in skills]
    if len(set(codes)) != len(codes):
        raise Invalid("skills: each code once")
    default = doc.get("default_skill")
    if default not in codes:
        raise Invalid(f"default_skill: one of the skills ({', '.join(codes)})")
    for s in skills:
        if s.overflow_to is not None and s.overflow_to not in codes:
            raise Invalid(f"skill {s.code}: overflows to unknown skill {s.overflow_to!r}")
        if reason_codes is not None and s.reasons - reason_codes:
            raise Invalid(f"skill {s.code}: unknown reasons {sorted(s.reasons - reason_codes)}")
    _no_overflow_cycle(skills)
    priority = doc.get("priority") or []
    if not isinstance(priority, list):
        raise Invalid("priority: a list of rules")
    defaults = doc.get("agent_defaults") or {}
    if not isinstance(defaults, dict):
        raise Invalid("agent_defaults: {skills: {skill: level}, max_chats: n}")
    return Rules(
        default_skill=default,
        skills=skills,
        priority=tuple(_priority_rule(item, i) for i, item in enumerate(priority)),
        agent_skills=agent_skills(
            defaults.get("skills") or {default: 3}, codes, "agent_defaults.skills"
        ),
        max_chats=int(_number(defaults.get("max_chats", 3), "agent_defaults.max_chats", 1, 20)),
        chat_aht_s=_number(doc.get("chat_aht_s", 420), "chat_aht_s", 10, 86_400),
    )


def _no_overflow_cycle(skills: tuple[Skill, ...]) -> None:
    to = {s.code: s.overflow_to for s in skills}
    for start in to:
        seen, at = {start}, to[start]
        while at is not None:
            if at in seen:
                raise Invalid(f"overflow: skill {start} overflows in a circle back to {at}")
            seen.add(at)
            at = to[at]


# -- deciding -----------------------------------------------------------------------------------


def classify(rules: Rules, signals: Signals) -> Decision:
    """The skill and priority of a conversation, and why, in the agent's words."""
    skill, why = _pick_skill(rules, signals)
    priority, because = _pick_priority(rules, signals)
    return Decision(skill, priority, "；".join(w for w in (why, because) if w))


def _pick_skill(rules: Rules, signals: Signals) -> tuple[str, str]:
    for s in rules.skills:
        if s.by_customer and (signals.brand in s.brands or signals.vip in s.vips):
            return s.code, f"{s.label}：客户为{signals.vip or signals.brand}"
    best, best_score, best_why = rules.default_skill, 0.0, ""
    reasons = [(code, p) for code, p in signals.reasons if p >= REASON_MIN_P]
    top_reason = reasons[0][0] if reasons else None
    for s in rules.skills:
        if s.by_customer:
            continue
        words = [k for k in s.keywords if k in signals.text]
        score = 2.0 * len(words) + 2.0 * len(s.categories & signals.categories)
        score += sum(p for code, p in reasons if code in s.reasons)
        if top_reason in s.reasons:
            score += 1.0
        if score > best_score:
            hints = words[:3] or sorted(s.categories & signals.categories)[:2]
            best, best_score = s.code, score
            best_why = f"{s.label}：" + ("、".join(hints) if hints else "来电原因预测")
    if best_score == 0:
        return rules.default_skill, ""
    return best, best_why


def _pick_priority(rules: Rules, signals: Signals) -> tuple[str, str]:
    for rule in rules.priority:
        if rule.risk_at_least is not None and signals.risk < rule.risk_at_least:
            continue
        if rule.escalation is not None and signals.escalation != rule.escalation:
            continue
        if rule.vips and signals.vip not in rule.vips:
            continue
        if rule.moment is not None and signals.moment != rule.moment:
            continue
        because = {
            "urgent": "情绪风险高" if rule.risk_at_least is not None else "有升级投诉风险",
            "high": "重要客户" if rule.vips else "投诉类诉求",
        }.get(rule.set, "")
        return rule.set, f"优先级{PRIORITY_LABELS[rule.set]}" + (
            f"（{because}）" if because else ""
        )
    return "normal", ""


def choose(agents: Iterable[AgentState], skill: str) -> AgentState | None:
    """The best agent for a conversation needing `skill`: has the skill and a free chat slot;
    then the highest level, the fewest chats, the longest since last routed to (never first)."""
    fits = [a for a in agents if skill in a.skills and a.load < a.max_chats]
    if not fits:
        return None
    return min(
        fits,
        key=lambda a: (
            -a.skills[skill],
            a.load,
            a.last_routed_at is not None,
            a.last_routed_at or datetime.min,
            a.username,
        ),
    )


def overflow(rules: Rules, skill: str, waited_s: float) -> str | None:
    """The wider skill a conversation moves to after waiting `waited_s` on `skill` (None: stay)."""
    s = rules.skill(skill)
    if s.overflow_to is None or s.overflow_after_s is None or waited_s < s.overflow_after_s:
        return None
    return s.overflow_to


def estimated_wait_s(position: int, slots: int, aht_s: float) -> float | None:
    """The expected wait of the customer at `position` (1: next) when `slots` chat slots serve
    the queue, each chat taking `aht_s` on average: in the Erlang C (M/M/N) model a slot frees
    every aht_s / N seconds on average, and this customer needs `position` of them. None when
    nobody who could serve the queue is on duty."""
    if slots <= 0:
        return None
    return position * aht_s / slots
