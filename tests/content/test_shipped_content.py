"""The shipped zh-CN content is complete, consistent and large enough to be useful."""

import re
from collections import Counter

import pytest

from moqi.content import EMOTIONS, RELATIONS, ContentError, load_files
from moqi.content.model import SCRIPT_KINDS


@pytest.fixture(scope="module")
def content():
    return load_files()


@pytest.fixture
def root(tmp_path):
    """A copy of the shipped content files, for a test to break."""
    import shutil

    from moqi.content.reading import DATA_DIR

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def test_catalogue_covers_the_operator(content):
    assert len(content.businesses) >= 80
    categories = {b.category for b in content.businesses}
    for needed in (
        "plan",
        "data",
        "5g",
        "roaming",
        "intl_call",
        "broadband",
        "iptv",
        "fixed_line",
        "family",
        "vas",
        "sp",
        "sim",
        "number",
        "porting",
        "payment",
        "invoice",
        "points",
        "contract",
        "suspension",
    ):
        assert needed in categories, needed
    aliases = Counter(a for b in content.businesses for a in b.aliases)
    assert not [a for a, n in aliases.items() if n > 1], "an alias names one business"


def test_relations_are_typed_and_plentiful(content):
    assert len(content.relations) >= 200
    assert {r.relation for r in content.relations} == set(RELATIONS)


def test_lexicon(content):
    assert len(content.lexicon) >= 1000
    cats = Counter(e.category for e in content.lexicon)
    assert set(cats) == set(EMOTIONS)
    assert (
        sum(e.escalation for e in content.lexicon) >= 20
        and sum(e.churn for e in content.lexicon) >= 20
    )
    assert len(content.negations) >= 20 and len(content.degrees) >= 30


def test_taxonomy(content):
    assert len(content.reasons) >= 30
    assert {r.moment for r in content.reasons} == {"inquiry", "handling", "complaint"}
    assert all(len(r.cues) >= 5 for r in content.reasons)


def test_every_reason_has_sample_utterances_each_said_once(content):
    assert all(len(r.examples) >= 10 for r in content.reasons)
    said = Counter(x for r in content.reasons for x in r.examples)
    assert said.most_common(1)[0][1] == 1, said.most_common(3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no_such_reason:\n  - 查流量\n", "unknown reason code 'no_such_reason'"),
        ("balance_query: 查余额\n", "expected a list of non-empty strings"),
        ("balance_query:\n  - ''\n", "expected a list of non-empty strings"),
        ("- 查余额\n", "expected a mapping"),
        ("balance_query: [\n", "not valid YAML"),
    ],
)
def test_broken_sample_utterances_are_refused(root, text, message):
    (root / "utterances.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        load_files(root)


def test_scripts(content):
    assert len(content.scripts) >= 200
    kinds = Counter(s.kind for s in content.scripts)
    assert set(kinds) == set(SCRIPT_KINDS)
    closings = {s.text for s in content.scripts if s.kind == "closing"}
    assert len(closings) >= 20, "closings fit the case, not one 谢谢来电 for all"
    assert any("旅途愉快" in t for t in closings) and any("谢谢您的理解" in t for t in closings)
    reasons = Counter(s.reason for s in content.scripts)
    assert content.reasons and all(reasons[r.code] >= 3 for r in content.reasons)


def test_lines_offered_before_anything_is_done_claim_nothing_done(content):
    # Empathy, reassurance, explanation … are offered from the first words of a call, before
    # the agent has done or looked up anything: "我已经为您开启流量提醒", "您刚缴的费用已经到账",
    # "您那一带正在抢修" read then may tell the customer something untrue. Only read-backs,
    # closings and follow-ups report what was done; the others say what the agent will do.
    claims = re.compile(r"已经|我已|已(?:为|帮|给)您|正在抢修")
    early = [s for s in content.scripts if s.kind not in ("confirmation", "closing", "follow_up")]
    assert len(early) > 150
    assert [(s.id, s.text) for s in early if claims.search(s.text)] == []


def test_lines_say_what_they_presume_in_their_conditions(content, engine):
    # A line that presumes a repeat contact, asks what the matter is, or reads back an outcome
    # says so in `conditions`, or it is offered where it is untrue.
    from moqi.assist.scripts import REPEAT_CONTACT

    assert [
        s.id
        for s in content.scripts
        if REPEAT_CONTACT.search(s.text) and "repeat_contact" not in s.conditions
    ] == []
    assert [
        s.id
        for s in content.scripts
        if s.kind == "guidance" and s.reason == "*" and "need_open" not in s.conditions
    ] == []
    read_backs = [s for s in content.scripts if s.kind == "confirmation"]
    # Each reads back one outcome, and the failed ones are those the engine hears as a failure.
    assert [s.id for s in read_backs if len({"succeeded", "failed"} & set(s.conditions)) != 1] == []
    failed = {s.id for s in read_backs if "failed" in s.conditions}
    assert failed and failed == {
        s.id for s in read_backs if engine.operation_outcome(s.text) == "failed"
    }


def test_an_unknown_condition_is_refused_with_its_line(root):
    path = root / "scripts" / "scripts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",", 8)
    fields[7] = (
        "repeat_contact; need_open；repeat_contact"  # the conditions column, as an editor might type it
    )
    lines[2] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_files(root).scripts[1].conditions == ("repeat_contact", "need_open")
    fields[7] = "repeat_contact;called_twice"
    lines[2] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"scripts.csv:3: unknown condition 'called_twice'"):
        load_files(root)
    fields[7] = "said:没生效|没到账;said:孩子"  # what the customer must have said, any word of each
    lines[2] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_files(root).scripts[1].conditions == ("said:没生效|没到账", "said:孩子")
    for bad in ("said:", "said:|", "said:" + "长" * 13, "said:" + "|".join("词" * 21)):
        fields[7] = bad
        lines[2] = ",".join(fields)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(ContentError, match=r"scripts.csv:3: .*said: needs 1–20 words"):
            load_files(root)


def test_offers_name_their_own_product(content):
    # {business} is filled with a business the call mentioned: an offer built on it read
    # "我们为您申请了老客户专属回馈携号转网", "北京移动近期有账单查询活动".
    offers = [s for s in content.scripts if s.kind in ("offer", "retention")]
    assert len(offers) >= 30
    assert [s.id for s in offers if "{business}" in s.text] == []


def test_a_broken_file_names_the_line(root, content):
    path = root / "lexicon" / "emotion.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "测一个新词,rage,3,0,0,general\n", encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"emotion.csv:\d+: unknown category 'rage'"):
        load_files(root)


def test_question_types_each_ask_and_are_answered_by_some_line(content):
    answering = [s.text for s in content.scripts if s.kind in ("explanation", "guidance")]
    assert {q.code for q in content.questions} >= {"how_to_get", "cost", "when", "why"}
    for q in content.questions:
        assert q.asks and all(len(w) >= 2 for w in q.asks)
        assert any(w in text for text in answering for w in q.answers), f"no line answers {q.code}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- code: cost\n  label: 收费\n  asks: [多少钱]\n",
            "answers must be a non-empty list of strings",
        ),
        (
            "- code: cost\n  label: 收费\n  asks: [钱]\n  answers: [元]\n",
            r"one-character asks fire inside other words: \['钱'\]",
        ),
        ("- code: cost\n  asks: [多少钱]\n  answers: [元]\n", "needs a code and a label"),
        (
            "- {code: a, label: A, asks: [多少钱], answers: [元]}\n- {code: a, label: B, asks: [几天], answers: [天]}\n",
            "duplicate code 'a'",
        ),
        ("code: cost\n", "expected a list"),
    ],
)
def test_broken_question_types_are_refused(root, text, message):
    (root / "scripts" / "questions.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        load_files(root)


# Words that admit a fault the call has not established, or report an action or a result the
# agent has not reported: only a line that waits for the operation's success may report one.
_ADMITS = (
    "这是我们的错",
    "错误扣费",
    "是我们的失误",
    "我们搞错了",
    "我们的责任",
    "我们做得不好",
    "是我们之前没",
    "是我们当时没",
    "没把好关",
    "我们失信",
    "不是我们该有的",
    "之前的失误",
)
_REPORTS = (
    "已经短信发给您",
    "已经发短信给您",
    "给您开好了",
    "已经为您办理",
    "已经给您退",
    "已经退回",
    "已经为您开通",
    "已经加急",
    "已经提交",
    "已经帮您催办",
    "已经给您催办",
    "已经如实记录",
    "已经登记",
    "已经派给",
    "已经报给",
    "处理好了",
    "已经恢复",
    "已经重置",
    "已经生效",
    "已经退订",
    "已经到账",
    "已经成功",
    "已经复机",
    "已经办好",
    "已经开好",
    "已经加好",
    "已经补上",
    "已经发送",
    "已经帮您举报",
)


def test_no_shipped_line_admits_a_fault_or_reports_what_was_not_done():
    from moqi.content import load_files

    offending = []
    for script in load_files().scripts:
        if any(w in script.text for w in _ADMITS):
            offending.append((script.id, script.text))
        if "succeeded" not in script.conditions and any(w in script.text for w in _REPORTS):
            offending.append((script.id, script.text))
    assert offending == []
