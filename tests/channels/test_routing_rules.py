"""The routing decision, pure: skills and priority from a conversation's signals, the best
agent by skill level, load and idle time, fairness over many contacts, overflow, and the wait
a customer is told; the rules document refused with the fault named."""

from __future__ import annotations

from collections import Counter, deque
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from moqi.channels.routing import (
    AgentState,
    Signals,
    choose,
    classify,
    estimated_wait_s,
    overflow,
    parse_rules,
)
from moqi.channels.rules import SHIPPED
from moqi.errors import Invalid

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def doc():
    return yaml.safe_load(SHIPPED.read_text("utf-8"))


@pytest.fixture(scope="module")
def rules(doc):
    return parse_rules(doc)


@pytest.mark.parametrize(
    ("signals", "skill", "priority"),
    [
        (
            Signals(text="我下周去泰国 手机怎么开漫游", categories=frozenset({"roaming"})),
            "roaming",
            "normal",
        ),
        (Signals(text="家里宽带又断网了 师傅什么时候上门"), "broadband", "normal"),
        (
            Signals(text="没订过的业务每个月扣我十块", reasons=(("sp_unauthorized", 0.7),)),
            "billing",
            "normal",
        ),
        (
            Signals(
                text="再不处理我就投诉到工信部", risk=0.72, escalation=True, moment="complaint"
            ),
            "complaints",
            "urgent",
        ),
        (Signals(text="查一下话费", brand="全球通", vip="金卡"), "vip", "high"),
        (Signals(text="你好 在吗"), "general", "normal"),
        (Signals(text="你们这个服务", moment="complaint"), "general", "high"),
    ],
)
def test_skill_and_priority_follow_the_rules(rules, signals, skill, priority):
    decision = classify(rules, signals)
    assert (decision.skill, decision.priority) == (skill, priority)
    if skill != "general":
        assert decision.why  # the lead and the agent see why


def test_the_best_agent_has_the_highest_level_then_the_fewest_chats_then_the_longest_idle():
    a = AgentState("a", {"roaming": 3}, 3, load=0, last_routed_at=T0)
    b = AgentState("b", {"roaming": 5}, 3, load=2, last_routed_at=T0)
    assert choose([a, b], "roaming").username == "b"  # level first
    c = AgentState("c", {"roaming": 5}, 3, load=1, last_routed_at=T0)
    assert choose([a, b, c], "roaming").username == "c"  # then load
    d = AgentState("d", {"roaming": 5}, 3, load=1, last_routed_at=T0 - timedelta(minutes=5))
    assert choose([a, b, c, d], "roaming").username == "d"  # then idle longest
    e = AgentState("e", {"roaming": 5}, 3, load=1, last_routed_at=None)
    assert choose([c, d, e], "roaming").username == "e"  # never routed to: first
    full = AgentState("f", {"roaming": 5}, 2, load=2)
    assert choose([full], "roaming") is None
    assert choose([a], "broadband") is None  # no skill, no chat


def test_many_contacts_are_shared_fairly_among_equal_agents():
    agents = [AgentState(name, {"general": 3}, 3) for name in ("a", "b", "c", "d")]
    got: Counter[str] = Counter()
    chats: deque[AgentState] = deque()
    for i in range(400):
        if len(chats) == 10:  # the oldest chat ends as a new one comes in
            chats.popleft().load -= 1
        agent = choose(agents, "general")
        assert agent is not None
        agent.load += 1
        agent.last_routed_at = T0 + timedelta(seconds=i)
        chats.append(agent)
        got[agent.username] += 1
    assert max(got.values()) - min(got.values()) <= 1
    assert all(a.load <= a.max_chats for a in agents)


def test_a_conversation_overflows_after_its_skill_waited_long_enough(rules):
    assert overflow(rules, "roaming", 89) is None
    assert overflow(rules, "roaming", 90) == "general"
    assert overflow(rules, "general", 10_000) is None  # the widest skill has nowhere to go


def test_the_wait_a_customer_is_told_is_the_erlang_position_estimate():
    assert estimated_wait_s(1, 6, 420) == pytest.approx(70)
    assert estimated_wait_s(3, 6, 420) == pytest.approx(210)
    assert estimated_wait_s(1, 0, 420) is None  # nobody on duty: leave a message


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (lambda d: d.update(default_skill="nope"), "default_skill"),
        (lambda d: d["skills"].append(dict(d["skills"][0])), "each code once"),
        (lambda d: d["skills"][1].update(overflow={"after_s": 5, "to": "mars"}), "mars"),
        (lambda d: d["skills"][1].update(keywords=["漫游", 12300]), "quote numbers"),
        (
            lambda d: d["priority"].append({"when": {"risk_at_least": 2}, "set": "urgent"}),
            "between",
        ),
        (lambda d: d["priority"].append({"when": {"weather": "rain"}, "set": "high"}), "when"),
        (lambda d: d["priority"].append({"when": {"moment": "complaint"}, "set": "asap"}), "set"),
        (lambda d: d.update(agent_defaults={"skills": {"general": 9}}), "level"),
        (lambda d: d.update(chat_aht_s=float("nan")), "chat_aht_s"),
    ],
)
def test_a_broken_rules_document_is_refused_with_the_fault_named(doc, change, fault):
    broken = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    change(broken)
    with pytest.raises(Invalid, match=fault):
        parse_rules(broken)


def test_overflow_in_a_circle_is_refused(doc):
    broken = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    for skill in broken["skills"]:
        if skill["code"] == "general":
            skill["overflow"] = {"after_s": 30, "to": "roaming"}
    with pytest.raises(Invalid, match="circle"):
        parse_rules(broken)
