"""Reason texts: an utterance is compared with each reason's own texts, beyond its cue words."""

import numpy as np
import pytest

from moqi.assist.engine import default_engine
from moqi.assist.reason_text import ReasonTexts, grams
from moqi.assist.session import AssistSession


def test_grams_stop_at_punctuation():
    assert grams("查流量，谢谢") == {"查", "流", "量", "查流", "流量", "谢", "谢谢"}
    assert grams("") == set() and grams("，。！") == set()


def test_the_likest_document_scores_highest_and_unknown_words_score_nothing():
    texts = ReasonTexts([[("宽带断网了", 1.0), ("光猫红灯", 0.5)], [("话费余额还有多少", 1.0)]])
    broadband, balance = texts.similarities("家里宽带又断了")
    assert broadband > 0.3 and balance == 0.0
    assert texts.similarities("天气不错").tolist() == [0.0, 0.0]
    assert texts.similarities("").tolist() == [0.0, 0.0]


def test_no_gram_is_found_across_punctuation():
    texts = ReasonTexts([[("断网光猫", 1.0)], [("话费", 1.0)]])
    across, inside = texts.similarities("网，光")[0], texts.similarities("网光")[0]
    assert (
        0.0 < across < inside
    )  # 网 and 光 are shared either way; the bigram 网光 only without the comma
    assert max(texts.similarities("宽带话费")) <= 1.0 + 1e-6


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        # No cue of the reason in any of these: the sample utterances, the articles and the
        # product names carry them.
        ("下周要去法兰克福出差，那边打电话上网是怎么扣钱的", "roaming_inquiry"),
        ("我攒的那些分能换点什么东西", "points_redeem"),
        ("我家老人的号码上都弄了哪些收费的东西", "subscription_query"),
    ],
)
def test_customers_words_find_the_reason_their_cues_miss(said, reason):
    event = AssistSession().feed("customer", said)
    assert reason in [r["code"] for r in event.need["reasons"]], event.need


def test_every_reason_has_a_document():
    engine = default_engine()
    texts = engine.reason_texts
    assert texts.weights.shape[1] == len(engine.need_model.reasons)
    assert np.allclose(np.linalg.norm(texts.weights, axis=0), 1.0, atol=1e-5)
