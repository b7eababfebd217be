"""A linear role-play scenario built from a real call: the customer's lines in order, each
answered when the agent says what the real agent said there.

The call (a JSONL transcript as `moqi assist` reads it, or a stored contact's utterances) is run
through an AssistSession, and the engine's readings make the scenario:

- each run of customer lines is a state; what moves the customer on is what the real agent's
  answer held: the businesses the engine heard named in it, or failing those, its longest
  words (jieba with the telecom dictionary) that the customer had not said;
- the operation the agent read back (assist's three-way confirmation) is the scenario's
  operation, needed where the real agent reported it;
- the customer starts as upset as the engine read them at their worst (escalation risk);
- the last state needs a closing line.

The result is plain scenario data (as the YAML files hold), for a trainer to save under
moqi/data/training/roleplay/, add calmer and angrier wordings to, and ship.
"""

from __future__ import annotations

import re

from moqi.assist import AssistEngine, AssistSession, CustomerProfile
from moqi.nlp.mask import mask_pii
from moqi.training.roleplay.scenario import (
    CLOSING,
    OPERATION,
    Scenario,
    ScenarioError,
)
from moqi.training.roleplay.scenario_files import parse_scenario

_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# Words any answer holds: they say nothing of what this answer had to say.
_FILLER = {
    *("您好", "请问", "可以", "一下", "我们", "这边", "您的", "这个", "那个", "为您", "帮您"),
    *("好的", "就是", "可能", "这样", "那样", "现在", "已经", "没有", "不是", "的话", "还有"),
}
MAX_FACT_WORDS = 3
MIN_TURNS = 2


def build_scenario(
    turns: list[tuple[str, str]],
    engine: AssistEngine,
    *,
    key: str,
    title: str,
    customer: dict,
    common: dict,
    source: str,
) -> Scenario:
    """A linear scenario from (speaker, text) turns (speakers canonical: customer/agent)."""
    assist = AssistSession(
        customer=CustomerProfile.from_dict(
            {k: v for k, v in customer.items() if k not in ("phone", "phone_masked")}
        ),
        engine=engine,
    )
    events = [assist.feed(speaker, text) for speaker, text in turns]
    # The customer's lines as they were written (punctuation and all), personal data masked.
    written = {e.turn: mask_pii(text.strip()) for e, (_, text) in zip(events, turns, strict=True)}
    if sum(1 for e in events if e.speaker == "customer") < MIN_TURNS:
        raise ScenarioError(f"{source}: needs at least {MIN_TURNS} customer lines")
    blocks: list[tuple[list, list]] = []  # (customer events, agent events that answer them)
    for e in events:
        if e.speaker == "customer":
            if not blocks or blocks[-1][1]:
                blocks.append(([], []))
            blocks[-1][0].append(e)
        elif blocks:
            blocks[-1][1].append(e)
    reported = {c.turn: c for c in assist.confirmations if c.codes}
    operation = None
    facts: list[dict] = []
    states: list[dict] = []
    carried = ""
    for i, (said, answer) in enumerate(blocks):
        line = carried + "".join(written[e.turn] for e in said)
        needs: list[str] = []
        done = [reported[e.turn] for e in answer if e.turn in reported]
        if done and operation is None:
            first = done[0]
            operation = {"label": first.businesses, "businesses": first.codes}
            needs.append(OPERATION)
        elif answer:
            fact = _fact(engine, f"reply_{i + 1}", said, answer)
            if fact:
                facts.append(fact)
                needs.append(fact["id"])
        last = i == len(blocks) - 1
        if last:
            needs.append(CLOSING)
        if not needs:
            carried = line  # nothing to answer here: the customer says it with the next line
            continue
        carried = ""
        states.append({"id": f"step_{len(states) + 1}", "say": line, "needs": needs})
    # The customer starts as upset as they got in the real call (the engine's escalation risk).
    peak_risk = max(e.emotion["risk"] for e in events if e.speaker == "customer")
    data = {
        "key": key,
        "title": title,
        "summary": f"由真实通话生成：{source}",
        "reason": events[-1].need["reasons"][0]["code"],
        "start_anger": max(2, min(8, round(peak_risk * 10))),
        "customer": customer,
        "facts": facts,
        "operation": operation,
        "states": states,
        "source": source,
    }
    return parse_scenario(data, source, common)


def _fact(engine: AssistEngine, fid: str, said: list, answer: list) -> dict | None:
    """What the real agent's answer held: the businesses named, else its longest own words."""
    codes = list(dict.fromkeys(b["code"] for e in answer for b in e.businesses["mentioned"]))
    heard = "".join(e.text for e in said)
    reply = "".join(e.text for e in answer)
    if codes:
        names = "、".join(engine.map.name(c) for c in codes)
        return {"id": fid, "label": f"说到{names}", "businesses": codes}
    words = sorted(
        {
            w
            for w in engine.tokenizer.cut(reply)
            if _WORD.match(w) and w not in _FILLER and w not in heard
        },
        key=lambda w: (-len(w), reply.index(w)),
    )[:MAX_FACT_WORDS]
    if not words:
        return None
    return {
        "id": fid,
        "label": "像原通话坐席那样回应：" + reply[:60],
        "words": [re.escape(w) for w in words],
    }


def fictitious_phone(masked: str | None) -> str:
    """A made-up 11-digit number ending as the real one did (the only part read back)."""
    digits = re.sub(r"\D", "", masked or "")
    return "1380000" + (digits[-4:] if len(digits) >= 4 else "0000")
