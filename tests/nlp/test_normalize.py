"""Traditional characters, full-width forms and ASR fillers are normalised before analysis."""

import pytest

from moqi.nlp.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("我的密碼鎖住了", "我的密码锁住了"),
        ("寬頻老是斷線，謝謝", "宽频老是断线,谢谢"),
        ("ＯＫ，１２３", "OK,123"),
        ("呃那个我想问一下", "那个我想问一下"),
        ("嗯嗯嗯我的流量", "我的流量"),
        ("  OK   好的  ", "OK 好的"),
        ("我 要 投 诉", "我要投诉"),
    ],
)
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_a_lone_yes_is_kept():
    # 嗯 on its own is how a customer agrees to a read-back; it must survive.
    assert normalize("嗯") == "嗯"


def test_emoji_survive_for_the_lexicon():
    assert "😡" in normalize("气死了😡")
