"""The scripts' files: what an agent may say (each script and when it fits) and the kinds of
follow-up question a customer asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from moqi.content.model import (
    BRANDS,
    EMOTIONS,
    SCRIPT_KINDS,
    STAGES,
    QuestionType,
    Script,
    condition_problem,
)
from moqi.content.reading import ContentError, need, read_csv
from moqi.nlp.normalize import normalize

# A line's placeholders as the fields an agent fills (the workbench shows 〔…〕 as inputs):
# wherever a line is shown outside a call (search, the knowledge pages) nothing fills them.
SLOTS = {"customer": "〔称呼〕", "number": "〔后四位〕", "days": "〔N〕", "business": "〔业务〕"}
# A time limit of the service desk's, filled from its policies (moqi.service.promises):
# {sla_hours:fault.first_response}小时内联系您, {sla_workdays:complaint.resolution}个工作日内答复.
SLA = re.compile(
    r"sla_(?:hours|workdays):(?:complaint|fault|handling|consultation)"
    r"\.(?:first_response|next_update|resolution)"
)
_PLACEHOLDER = re.compile(r"\{([\w:.]+)\}")


def slot(name: str) -> str:
    """The field a placeholder shows as where nothing fills it."""
    return "〔N〕" if SLA.fullmatch(name) else SLOTS.get(name, f"〔{name}〕")


def with_slots(text: str) -> str:
    """A script's text with its placeholders shown as fields to fill ({days} → 〔N〕)."""
    return _PLACEHOLDER.sub(lambda m: slot(m.group(1)), text)


def placeholder_problem(text: str) -> str | None:
    """Why a script's placeholders cannot be filled, or None when each is known."""
    unknown = [
        name for name in _PLACEHOLDER.findall(text) if name not in SLOTS and not SLA.fullmatch(name)
    ]
    if not unknown:
        return None
    return (
        f"unknown placeholder(s) {unknown}; use {{{'}, {'.join(SLOTS)}}} or "
        "{sla_hours|sla_workdays:KIND.CLOCK} (KIND complaint/fault/handling/consultation, "
        "CLOCK first_response/next_update/resolution)"
    )


def question_types(items, where: str) -> tuple[QuestionType, ...]:
    """Kinds of follow-up question from their file (or stored document): each a `code`, a
    `label`, what customers say to ask it (`asks`, two characters or more) and the words of a
    line that answers it (`answers`)."""
    need(isinstance(items, list), where, "expected a list of {code, label, asks, answers}")
    out, seen = [], set()
    for i, item in enumerate(items, 1):
        at = f"{where} item {i}"
        need(
            isinstance(item, dict)
            and isinstance(item.get("code"), str)
            and isinstance(item.get("label"), str),
            at,
            "needs a code and a label",
        )
        need(item["code"] not in seen, at, f"duplicate code {item['code']!r}")
        for name in ("asks", "answers"):
            value = item.get(name)
            need(
                isinstance(value, list)
                and bool(value)
                and all(isinstance(v, str) and v.strip() for v in value),
                at,
                f"{name} must be a non-empty list of strings",
            )
        short = [w for w in item["asks"] if len(w.strip()) < 2]
        need(not short, at, f"one-character asks fire inside other words: {short}")
        seen.add(item["code"])
        out.append(
            QuestionType(
                item["code"],
                item["label"],
                tuple(w.strip() for w in item["asks"]),
                tuple(w.strip() for w in item["answers"]),
            )
        )
    return tuple(out)


def load_scripts(path: Path, reason_codes: set[str]) -> tuple[Script, ...]:
    out, seen = [], set()
    for line, row in read_csv(
        path, ("id", "kind", "reason", "emotion", "brand", "region", "stage", "conditions", "text")
    ):
        where = f"{path}:{line}"
        need(
            bool(row["id"]) and row["id"] not in seen,
            where,
            f"missing or duplicate id {row['id']!r}",
        )
        need(row["kind"] in SCRIPT_KINDS, where, f"unknown kind {row['kind']!r}")
        need(
            row["reason"] == "*" or row["reason"] in reason_codes,
            where,
            f"unknown reason {row['reason']!r}",
        )
        need(
            row["emotion"] == "*" or row["emotion"] in EMOTIONS,
            where,
            f"unknown emotion {row['emotion']!r}",
        )
        need(
            row["brand"] == "*" or row["brand"] in BRANDS, where, f"unknown brand {row['brand']!r}"
        )
        need(
            row["stage"] == "*" or row["stage"] in STAGES, where, f"unknown stage {row['stage']!r}"
        )
        # As the KB's check reads them: stripped, "*" for none, each once.
        conditions = tuple(
            dict.fromkeys(
                c
                for c in (c.strip() for c in re.split(r"[;；]", row["conditions"]))
                if c not in ("", "*")
            )
        )
        problems = [p for p in map(condition_problem, conditions) if p]
        need(not problems, where, "; ".join(problems) + " (several conditions joined by ;)")
        need(bool(row["text"]), where, "empty text")
        problem = placeholder_problem(row["text"])
        need(problem is None, where, problem or "")
        seen.add(row["id"])
        out.append(
            Script(
                **{
                    k: row[k]
                    for k in ("id", "kind", "reason", "emotion", "brand", "region", "stage", "text")
                },
                conditions=conditions,
            )
        )
    return tuple(out)


# -- the agent's own words (scripts/agent_phrases.yaml) --------------------------------------


class PhraseRuleError(ValueError):
    """A rule in agent_phrases that cannot be used; the message names it."""


@dataclass(frozen=True)
class PhraseRule:
    code: str
    label: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    instead: str


def _compile(rule: str, patterns: object) -> tuple[re.Pattern, ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise PhraseRuleError(f"agent phrase rule {rule!r}: patterns must be a list of strings")
    try:
        return tuple(re.compile(normalize(p)) for p in patterns)
    except re.error as exc:
        raise PhraseRuleError(f"agent phrase rule {rule!r}: bad pattern ({exc})") from None


def compile_rules(doc: dict) -> tuple[PhraseRule, ...]:
    """The rules of an agent_phrases document ({rules: [{code, label, patterns, unless?, instead}]})."""
    rules = doc.get("rules") if isinstance(doc, dict) else None
    if not isinstance(rules, list):
        raise PhraseRuleError("agent phrases: expected a mapping with a list under 'rules'")
    out, seen = [], set()
    for i, item in enumerate(rules, 1):
        if not isinstance(item, dict):
            raise PhraseRuleError(f"agent phrase rule {i}: expected a mapping")
        code = item.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]{1,47}", code):
            raise PhraseRuleError(f"agent phrase rule {i}: code must be ASCII snake_case")
        if code in seen:
            raise PhraseRuleError(f"agent phrase rule {code!r} appears twice")
        seen.add(code)
        label, instead = item.get("label"), item.get("instead")
        if not (isinstance(label, str) and label.strip()):
            raise PhraseRuleError(f"agent phrase rule {code!r}: label is missing")
        if not (isinstance(instead, str) and instead.strip()):
            raise PhraseRuleError(
                f"agent phrase rule {code!r}: the better line (instead) is missing"
            )
        patterns = _compile(code, item.get("patterns"))
        if not patterns:
            raise PhraseRuleError(f"agent phrase rule {code!r}: needs at least one pattern")
        out.append(
            PhraseRule(
                code, label.strip(), patterns, _compile(code, item.get("unless")), instead.strip()
            )
        )
    return tuple(out)


def agent_phrases(doc, where: str) -> dict:
    """The agent-phrase rules document, checked (every pattern compiles); ContentError names
    the rule at fault."""
    try:
        compile_rules(doc)
    except PhraseRuleError as exc:
        raise ContentError(f"{where}: {exc}") from None
    return doc
