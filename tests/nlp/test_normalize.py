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
        # Every kind of whitespace, not only " ": tabs, line breaks, no-break and ideographic spaces.
        ("宽带\t断了", "宽带断了"),
        ("流量\n用完了 ", "流量用完了"),
        ("话费\u00a0多少", "话费多少"),
        ("我\u3000要\u3000销户", "我要销户"),
        ("OK\t好的", "OK 好的"),
        ("\u2028", ""),
        ("Emmm好吧", "好吧"),
        ("没有填充词也没有空格", "没有填充词也没有空格"),
    ],
)
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_a_lone_yes_is_kept():
    # 嗯 on its own is how a customer agrees to a read-back; it must survive.
    assert normalize("嗯") == "嗯"


def test_emoji_survive_for_the_lexicon():
    assert "😡" in normalize("气死了😡")
