import pytest

from moqi.voice.cer import cer, cer_text, edit_distance


def test_cer_text_drops_punctuation_spaces_and_folds_width_case_and_script():
    assert cer_text("您好，請問 ＯＫ嗎？ A-b!") == "您好请问ok吗ab"
    assert cer_text("５０％") == "50"  # full-width digits kept as digits; % is not a word
    assert cer_text("……“”（）") == ""


def test_edit_distance_counts_substitutions_deletions_insertions():
    assert edit_distance("", "") == 0
    assert edit_distance("流量包", "流量包") == 0
    assert edit_distance("流量包", "流亮包") == 1  # one substitution
    assert edit_distance("携号转网", "携转网") == 1  # one deletion
    assert edit_distance("全球通", "全球通话") == 1  # one insertion
    assert edit_distance("abc", "") == 3
    assert edit_distance("kitten", "sitting") == 3


def test_corpus_cer_is_edits_over_reference_characters():
    pairs = [("甚至出现交易几乎停滞的情况", "甚至出现交易几乎停制的情况"), ("换一首歌", "换一首歌")]
    assert cer(pairs) == pytest.approx(1 / 17)
    # Punctuation, traditional characters and full-width forms cost nothing.
    assert cer([("开放时间早上九点", "開放時間，早上九點。")]) == 0.0
    # Numbers are compared as written: 9 for 九 is one substitution.
    assert cer([("早上九点", "早上9点")]) == pytest.approx(1 / 4)
    assert cer([("好的", "好的好的好的")]) == pytest.approx(2.0)  # insertions can pass 100%


def test_cer_needs_a_reference():
    with pytest.raises(ValueError, match="reference"):
        cer([("。", "好")])
