"""The agent's own words: each rule of scripts/agent_phrases.yaml marks what a quality
inspector marks down, and lets pass what is fine to say."""

from __future__ import annotations

import pytest

from moqi.assist import AssistSession
from moqi.assist.agent_words import check_agent_line
from moqi.content import ContentError
from moqi.content.scripts import agent_phrases, compile_rules
from moqi.nlp.normalize import normalize

# (rule, said — marked down, fine — the better way or an innocent look-alike)
CASES = [
    (
        "but_after_apology",
        "非常抱歉给您带来不便，但是这是系统规定的",
        "非常抱歉给您带来不便，我马上帮您查",
    ),
    ("dont_know", "这个我也不清楚。", "不清楚的地方我帮您查一下"),
    ("not_our_business", "这个不归我们管，您找别的部门去吧", "这个问题由我来负责跟进"),
    ("go_yourself", "您自己去营业厅问吧", "我先帮您查一下，需要的话我告诉您去哪个营业厅"),
    ("promise_outside_policy", "我保证给您全额退", "审核通过后会按原路退还给您"),
    ("blame_customer", "是您自己点的", "可能当时没有跟您讲清楚"),
    (
        "obstruct_porting",
        "转网很麻烦的，我不建议您转网",
        "合约未到期提前解约需要交违约金，我把金额跟您说清楚",
    ),
    ("rushing", "您快点说，后面还有很多客户", "您慢慢说，我在听"),
    ("system_excuse", "这是规定，没办法", "这一项确实有限制，我跟您说明一下原因"),
]


@pytest.fixture(scope="module")
def rules(engine):
    return engine.agent_rules


def test_every_shipped_rule_has_a_case(rules):
    assert {r.code for r in rules} == {code for code, _, _ in CASES}


@pytest.mark.parametrize(("code", "said", "fine"), CASES, ids=[c[0] for c in CASES])
def test_rule_marks_what_it_should_and_nothing_else(rules, code, said, fine):
    hits = check_agent_line(rules, said)
    assert code in [h.code for h in hits]
    hit = next(h for h in hits if h.code == code)
    assert hit.said and hit.said in normalize(said)
    assert hit.instead and hit.label
    assert code not in [h.code for h in check_agent_line(rules, fine)]


def test_hints_come_on_agent_turns_only(engine):
    s = AssistSession(engine=engine)
    customer = s.feed("customer", "这个不归我们管吗？")
    agent = s.feed("agent", "这个不归我们管，您找别的部门去吧")
    assert customer.agent_hints == []
    assert [h["code"] for h in agent.agent_hints] == ["not_our_business"]
    assert agent.as_dict()["agent_hints"][0]["instead"].startswith("这个问题由我来负责跟进")


def test_traditional_and_full_width_agent_words_are_checked(rules):
    assert [h.code for h in check_agent_line(rules, "這個不歸我們管")] == ["not_our_business"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, "list under 'rules'"),
        (
            {"rules": [{"code": "x1", "label": "l", "instead": "i", "patterns": ["("]}]},
            "bad pattern",
        ),
        ({"rules": [{"code": "x1", "label": "l", "patterns": ["a"]}]}, "instead"),
        (
            {"rules": [{"code": "Bad Code", "label": "l", "instead": "i", "patterns": ["a"]}]},
            "snake_case",
        ),
        (
            {"rules": [{"code": "x1", "label": "l", "instead": "i", "patterns": []}]},
            "at least one pattern",
        ),
    ],
)
def test_a_bad_rule_file_is_refused_naming_the_rule(doc, message):
    with pytest.raises(ContentError, match=message):
        agent_phrases(doc, "agent_phrases.yaml")


def test_rules_compile_from_the_shipped_file_in_order():
    from moqi.content.reading import shipped_yaml

    codes = [r.code for r in compile_rules(shipped_yaml("scripts/agent_phrases.yaml"))]
    assert codes[0] == "but_after_apology" and len(codes) == len(set(codes))
