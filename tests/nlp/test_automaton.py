"""KeywordAutomaton: leftmost-longest matches with character spans, and overlapping ones."""

from moqi.nlp.automaton import KeywordAutomaton


def test_a_shorter_word_is_found_after_a_longer_one_fails():
    # pyahocorasick's iter_long lost these (its issues #133, #185): a longer word that starts
    # the same way and fails must not hide the shorter word inside it.
    a = KeywordAutomaton({"知识产权": "ip", "国家知识产权局": "office"})
    assert a.longest("国家知识产权") == [(2, 6, "知识产权", "ip")]
    b = KeywordAutomaton({"b": 1, "c": 2, "abd": 3})
    assert [w for _, _, w, _ in b.longest("abc")] == ["b", "c"]
    c = KeywordAutomaton({"ab": 1, "abcabd": 2})
    assert c.longest("zzabcabdzz") == [(2, 8, "abcabd", 2)]


def test_leftmost_longest_and_no_overlap():
    a = KeywordAutomaton({"乱扣费": "anger", "扣费": "fee", "费用": "cost"})
    assert a.longest("你们乱扣费用了") == [(2, 5, "乱扣费", "anger")]
    assert a.all("你们乱扣费用了") == [
        (2, 5, "乱扣费", "anger"),
        (3, 5, "扣费", "fee"),
        (4, 6, "费用", "cost"),
    ]
    assert a.present("扣费用") == {"fee", "cost"}


def test_spans_count_characters_not_bytes():
    a = KeywordAutomaton({"乱扣费": 1})
    text = "😀👨‍👩‍👧乱扣费"
    ((start, end, word, _),) = a.longest(text)
    assert text[start:end] == word == "乱扣费"


def test_negation_is_kept_inside_a_failed_longer_entry():
    # The lexicon has 不走 phrases; "不走套餐流量" must still see 不 when none of them matches.
    a = KeywordAutomaton({"不": "n", "不走运": "e"})
    assert a.longest("还是不走套餐流量") == [(2, 3, "不", "n")]


def test_empty_inputs():
    assert KeywordAutomaton({}).longest("任何") == []
    assert KeywordAutomaton({"": 1, "有": 2}).longest("") == []
    assert KeywordAutomaton({"": 1, "有": 2}).size == 1
