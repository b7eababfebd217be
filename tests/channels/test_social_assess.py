"""Social posts assessed: negative or escalating posts become tickets with a priority that
weighs their reach; praise, questions and withdrawn threats do not."""

import pytest

from moqi.assist.emotion import UtteranceEmotion
from moqi.channels import social
from moqi.channels.social import (
    assess,
    reach_of,
    reading_text,
)
from moqi.service.clocks import PRIORITIES as DESK_PRIORITIES
from tests.channels.social_posts import (
    ANGRY_BILL,
    BROADBAND,
    PRAISE,
    QUESTION,
    RALLY,
    SARCASM,
    THREAT,
    post_of,
)

# -- assessment -----------------------------------------------------------------------------


def test_reading_text_drops_links_mentions_and_hashtag_marks():
    post = post_of(
        ANGRY_BILL, text="@中国移动 #宽带报修# 三天没人来 http://t.cn/A6abcdEf //@某网友: 同款"
    )
    text = reading_text(post)
    assert "中国移动" not in text and "t.cn" not in text and "#" not in text
    assert "宽带报修" in text and "三天没人来" in text


def test_an_angry_post_about_charges_becomes_a_ticket(read):
    _, a = read(ANGRY_BILL, reposts=0, comments=2, likes=3, followers=200)
    assert a.negative and not a.escalating and a.becomes_ticket
    assert a.reach < social.REACH_NOTABLE
    assert a.priority == "high"  # furious, though few saw it
    assert "愤怒" in a.why and "建单" in a.why


def test_a_broadband_fault_is_a_ticket_that_rises_with_its_reach(read):
    _, quiet = read(BROADBAND)
    assert quiet.negative and quiet.becomes_ticket and not quiet.escalating
    assert quiet.reach < social.REACH_NOTABLE and quiet.priority == "normal"
    _, spreading = read(BROADBAND, reposts=800, comments=1500, likes=9000, followers=3000)
    assert spreading.reach >= social.REACH_WIDE and spreading.priority == "urgent"
    assert "正在扩散" in spreading.why


def test_a_threat_to_go_to_the_regulator_escalates(read):
    _, a = read(THREAT, followers=100, reposts=0, comments=0, likes=0)
    assert a.escalating and a.negative and a.becomes_ticket
    assert a.channels == ("miit",)
    assert a.priority == "high"
    assert "工信部申诉（12300）" in a.why
    _, seen = read(THREAT)  # 860 followers, 12 comments: seen beyond friends
    assert seen.reach >= social.REACH_NOTABLE and seen.priority == "urgent"


def test_a_call_on_others_to_complain_escalates(read):
    _, a = read(RALLY)
    assert a.escalating and a.becomes_ticket
    assert a.rallying == ("求扩散", "千万别办", "一起投诉")
    assert "号召他人" in a.why


def test_a_withdrawn_threat_does_not_escalate(read):
    _, a = read(QUESTION, text="我不会去工信部投诉的，就是想问问什么时候修好")
    assert not a.escalating and a.channels == ()


def test_a_neutral_question_is_no_ticket(read):
    _, a = read(QUESTION)
    assert not a.negative and not a.escalating and not a.becomes_ticket
    assert a.priority == "low" and "无需建单" in a.why


def test_praise_is_no_ticket(read):
    _, a = read(PRAISE)
    assert a.polarity == "positive" and not a.becomes_ticket and a.priority == "low"
    assert a.why.startswith("正面")


def test_sarcasm_reads_as_negative(read):
    _, a = read(SARCASM)
    assert a.negative and a.becomes_ticket


def _emotion(category: str, polarity: str, intensity: float, valence: float, **kw):
    return UtteranceEmotion(category, polarity, intensity, valence, **kw)


def test_praise_words_read_negative_are_called_irony():
    post = post_of(SARCASM, followers=0, reposts=0, comments=0, likes=0)
    a = assess(post, _emotion("satisfaction", "negative", 0.77, -0.1), {})
    assert a.negative and "反话" in a.why


def test_a_question_read_as_confusion_is_no_complaint_unless_strongly_negative():
    post = post_of(QUESTION)
    assert not assess(post, _emotion("confusion", "negative", 0.5, -0.2), {}).negative
    assert assess(post, _emotion("confusion", "negative", 0.9, -0.8), {}).negative


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, 0.0),
        ({"followers": 300, "comments": 2, "likes": 5}, 29.8),
        ({"followers": 1000, "reposts": 10, "comments": 20, "likes": 50}, 44.8),
        ({"followers": 50_000, "reposts": 20, "comments": 50, "likes": 300}, 64.2),
        ({"followers": 2_000_000, "reposts": 500, "comments": 800, "likes": 5000}, 89.5),
        ({"followers": 10**9, "reposts": 10**8, "comments": 10**8, "likes": 10**8}, 100.0),
    ],
)
def test_reach_follows_its_documented_formula(counts, expected):
    zero = {"reposts": 0, "comments": 0, "likes": 0, "followers": 0}
    assert reach_of(post_of(ANGRY_BILL, **{**zero, **counts})) == expected


def test_a_repost_counts_more_than_a_like():
    zero = {"reposts": 0, "comments": 0, "likes": 0, "followers": 0}
    assert reach_of(post_of(ANGRY_BILL, **{**zero, "reposts": 10})) > reach_of(
        post_of(ANGRY_BILL, **{**zero, "likes": 10})
    )


def test_priorities_are_the_service_desks():
    assert set(social.PRIORITIES) == set(DESK_PRIORITIES)


def test_priority_rules():
    small = post_of(ANGRY_BILL, followers=10, reposts=0, comments=0, likes=0)
    notable = post_of(ANGRY_BILL, followers=5000, reposts=5, comments=5, likes=20)
    wide = post_of(ANGRY_BILL, followers=100_000, reposts=100, comments=100, likes=1000)
    calm = _emotion("disappointment", "negative", 0.5, -0.6)
    furious = _emotion("anger", "negative", 0.95, -1.0)
    threat = _emotion("anger", "negative", 0.9, -1.0, channels=["media"])
    neutral = _emotion("neutral", "neutral", 0.0, 0.0)
    assert assess(small, calm, {}).priority == "normal"
    assert assess(small, furious, {}).priority == "high"
    assert assess(notable, calm, {}).priority == "high"
    assert assess(wide, calm, {}).priority == "urgent"
    assert assess(small, threat, {"media": "媒体／网络曝光"}).priority == "high"
    assert assess(notable, threat, {}).priority == "urgent"
    assert assess(wide, neutral, {}).priority == "low"
