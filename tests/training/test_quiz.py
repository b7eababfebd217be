"""Quizzes from the content: every kind of question is made, the same seed makes the same quiz,
exactly one option is right (checked here independently of how the generator chose its
distractors), weak areas pull questions toward them, and too little content is refused."""

from __future__ import annotations

import re

import pytest

from moqi.content import load_files
from moqi.content.model import EMOTION_LABELS, STAGE_LABELS
from moqi.errors import Invalid
from moqi.training import quiz
from moqi.training.quiz_kinds import KIND_LABELS, script_text
from moqi.training.services import close_emotions
from tests.training.small_content import CLOSE, small_content


def _closure(content, src):
    needs = {}
    for r in content.relations:
        if r.relation == "requires":
            needs.setdefault(r.src, set()).add(r.dst)
    seen, todo = set(), [src]
    while todo:
        for d in needs.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def _conflicts(content, src):
    return {r.dst for r in content.relations if r.relation == "conflicts_with" and r.src == src} | {
        r.src for r in content.relations if r.relation == "conflicts_with" and r.dst == src
    }


def right_options(content, q, close=CLOSE) -> list[int]:
    """Which options are right, judged from the content alone (not from the generator)."""
    names = {b.code: b.name for b in content.businesses}
    code_of = {v: k for k, v in names.items()}
    if q.kind in ("prerequisite", "conflict"):
        src = q.source.split(":")[2]
        ok = _closure(content, src) if q.kind == "prerequisite" else _conflicts(content, src)
        return [i for i, o in enumerate(q.options) if code_of[o] in ok]
    if q.kind == "script_fit":
        emotion = re.search(r"情绪为「(.+?)」", q.prompt).group(1)
        brand = re.search(r"品牌为(.+?)[。，]", q.prompt).group(1)
        labels = {v: k for k, v in EMOTION_LABELS.items()}
        reason = re.search(r"来电原因是「(.+?)」", q.prompt)
        reason_code = (
            {r.label: r.code for r in content.reasons}.get(reason.group(1)) if reason else None
        )
        stage = re.search(r"处于(.+?)[。，]", q.prompt)
        stage_code = {v: k for k, v in STAGE_LABELS.items()}[stage.group(1)] if stage else None

        def fits(s):
            return (
                s.emotion in (labels[emotion], "*")
                and s.brand in (brand, "*")
                and (reason_code is None or s.reason in (reason_code, "*"))
                and (stage_code is None or s.stage in (stage_code, "*"))
                and not s.conditions
            )

        return [
            i
            for i, o in enumerate(q.options)
            if any(fits(s) for s in content.scripts if script_text(s) == o)
        ]
    if q.kind == "readback":
        business = re.search(r"办理「(.+?)」", q.prompt).group(1)
        number = re.search(r"尾号(\d{4})", q.prompt).group(1)
        phrase = re.search(r"说：“(.+?)”", q.prompt).group(1)
        failed = any(f in phrase for f in content.operations["failed"])
        result = "未成功" if failed else "成功"
        prompts = content.operations["confirm_prompts"]
        said = {p.format(business=business, number=number, result=result) for p in prompts}
        return [i for i, o in enumerate(q.options) if o in said]
    if q.kind == "escalation":
        word = re.search(r"说到“(.+?)”", q.prompt).group(1)
        return [
            i
            for i, o in enumerate(q.options)
            for c in content.escalation["channels"]
            if c["label"] == o and word in c["words"]
        ]
    if q.kind == "emotion_word":
        word = re.search(r"客户说“(.+?)”", q.prompt).group(1)
        cats = {e.category for e in content.lexicon if e.word == word}
        near = {b for a, b in close if a in cats} | {a for a, b in close if b in cats}
        hits = [i for i, o in enumerate(q.options) if o in {EMOTION_LABELS[c] for c in cats}]
        assert not {EMOTION_LABELS[c] for c in near} & set(q.options), "a close emotion offered"
        return hits
    raise AssertionError(q.kind)


def test_every_kind_is_made_from_a_small_content_set():
    content = small_content()
    questions = quiz.generate(content, seed=7, count=12, close_emotions=CLOSE)
    assert len(questions) == 12
    assert {q.kind for q in questions} == set(KIND_LABELS)
    for q in questions:
        assert len(q.options) == 4 and len(set(q.options)) == 4
        assert q.topic == KIND_LABELS[q.kind] and q.explanation and q.source
        if q.kind == "script_fit":  # the explanation says what each wrong line was written for
            assert q.explanation.count("是写给") == 3


@pytest.mark.parametrize("seed", range(20))
def test_exactly_one_option_is_right_on_the_small_set(seed):
    content = small_content()
    questions = quiz.generate(content, seed=seed, count=10, close_emotions=CLOSE)
    assert questions
    for q in questions:
        assert right_options(content, q) == [q.answer], q


def test_exactly_one_option_is_right_on_the_shipped_content():
    content = load_files()
    close = close_emotions()
    seen = set()
    for seed in range(12):
        for q in quiz.generate(content, seed=seed, count=24, close_emotions=close):
            assert right_options(content, q, close) == [q.answer], q
            seen.add(q.kind)
    assert seen == set(KIND_LABELS)


def test_the_same_seed_makes_the_same_quiz_and_another_seed_another():
    content = small_content()
    first = quiz.generate(content, seed=3, count=8, close_emotions=CLOSE)
    assert first == quiz.generate(content, seed=3, count=8, close_emotions=CLOSE)
    assert first != quiz.generate(content, seed=4, count=8, close_emotions=CLOSE)


def test_the_prerequisite_of_a_prerequisite_is_never_a_distractor():
    # 魔百和 needs 家庭宽带, which needs 实名认证: 实名认证 is right too, so never offered as wrong.
    content = small_content()
    for seed in range(30):
        for q in quiz.generate(content, seed=seed, count=3, kinds=("prerequisite",)):
            if "魔百和" in q.prompt:
                assert "实名认证" not in q.options or q.options[q.answer] == "实名认证"


def test_conflicts_count_both_ways():
    # 呼叫转移 conflicts with 语音信箱 (written from 呼叫转移): asked about 语音信箱, 呼叫转移 is right.
    content = small_content()
    for seed in range(30):
        for q in quiz.generate(content, seed=seed, count=2, kinds=("conflict",)):
            wrong = [o for i, o in enumerate(q.options) if i != q.answer]
            if "「语音信箱」" in q.prompt:
                assert "呼叫转移" not in wrong and "国际漫游" not in wrong


def test_weak_areas_pull_half_the_questions_toward_them():
    content = small_content()
    plain = quiz.generate(content, seed=11, count=10, close_emotions=CLOSE)
    aimed = quiz.generate(content, seed=11, count=10, focus={"bb_fault": 1.0}, close_emotions=CLOSE)
    assert not any(q.focus for q in plain)
    focused = [q for q in aimed if q.focus]
    assert len(focused) >= 3 and all(
        q.focus == "bb_fault" and "bb_fault" in q.reasons for q in focused
    )


def test_too_little_content_is_refused_with_a_clear_message():
    bare = small_content(relations=(), scripts=(), lexicon=(), operations={}, escalation={})
    with pytest.raises(quiz.NotEnoughContent, match="内容只够出 0 道"):
        quiz.generate(bare, seed=1, count=5)
    with pytest.raises(quiz.NotEnoughContent, match="少于要求的 30 道"):
        quiz.generate(small_content(), seed=1, count=30, kinds=("conflict",))


@pytest.mark.parametrize("count", [0, -1, 31, True, "5", 2.5])
def test_a_bad_count_is_invalid(count):
    with pytest.raises(Invalid, match="count"):
        quiz.generate(small_content(), seed=1, count=count)


def test_an_unknown_kind_is_invalid():
    with pytest.raises(Invalid, match="kinds: unknown riddle"):
        quiz.generate(small_content(), seed=1, count=1, kinds=("riddle",))


def test_a_question_round_trips_through_its_stored_form():
    q = quiz.generate(small_content(), seed=2, count=1)[0]
    assert quiz.Question.from_dict(q.as_dict()) == q
