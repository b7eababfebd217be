"""The telecom tokenizer: our words stay whole, and the windowed cut agrees with the full one."""

import pytest

from moqi.nlp.tokenize import Tokenizer

TEXTS = [
    "我就是想问一下这个流量包怎么又扣了我三十块钱烦死了",
    "你们这个宽带三天两头断网我真的很气",
    "好的谢谢你啊没事了",
    "气",
    "我不是很满意你们的处理结果，太慢了，我要投诉到工信部",
]


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(["流量包", "投诉到工信部", "断网"])


def test_user_words_stay_whole(tokenizer):
    assert "流量包" in tokenizer.cut("流量包怎么又扣费了")
    assert "投诉到工信部" in tokenizer.cut("我要投诉到工信部")


@pytest.mark.parametrize("text", TEXTS)
def test_words_among_agrees_with_cutting_the_whole_text(tokenizer, text):
    whole = set(tokenizer.spans(text))
    singles = [(i, i + 1) for i in range(len(text))]
    assert tokenizer.words_among(text, singles) == {s for s in singles if s in whole}


def test_words_among_finds_nothing_for_no_spans(tokenizer):
    assert tokenizer.words_among("烦死了", []) == set()
