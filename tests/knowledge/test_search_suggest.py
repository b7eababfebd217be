"""Did-you-mean: pinyin input, homophone typos, near-miss aliases; and the pinyin fallback."""

import pytest

from moqi.knowledge.documents import Doc
from moqi.knowledge.search import KnowledgeIndex
from moqi.knowledge.suggest import Suggester, pinyin_keys


@pytest.mark.parametrize(
    ("query", "meant"),
    [
        ("manyou", "漫游"),
        ("man you", "漫游"),
        ("guojimanyou", "国际漫游"),
        ("GUO JI MAN YOU", "国际漫游"),
        ("kuandai", "宽带"),
        ("kuandaiguzhang", "宽带故障"),  # two words run together
        ("kuandia", "宽带"),  # one letter off
        ("宽代", "宽带"),  # homophone typos from a pinyin keyboard
        ("流两包", "流量包"),
        ("我的宽代坏了", "我的宽带坏了"),
        ("国际慢游怎么开", "国际漫游怎么开"),
        ("携号专网", "携号转网"),  # 专网 is a word, but 携号转网 is the catalogue's
        ("畅响套餐", "畅享套餐"),  # the business name wins over its look-alike alias
        ("國際慢遊", "国际漫游"),  # traditional input is normalised first
        ("固障电话", "固定电话"),  # a slip of one character inside a business name
        ("信誉额度", "信用额度"),
    ],
)
def test_suggestions(index, query, meant):
    assert index.suggest(query) == meant


@pytest.mark.parametrize(
    "query",
    [
        "出国怎么开漫游",
        "宽带断网了",
        "密码忘了",
        "我想把号码带走",
        "携号转网",
        "提示的是别人的账号",  # 是别 sounds like 识别, but 别人 is a word
        "不小心开通了",
        "5G",
        "VoLTE",
        "zzzz",
        "",
    ],
)
def test_a_fine_query_gets_no_suggestion(index, query):
    assert index.suggest(query) is None


def test_a_pinyin_query_that_finds_nothing_searches_its_suggestion(index):
    results = index.search("guojimanyou", k=5)
    assert results.corrected == "国际漫游"
    assert results and any("roaming" in h.id for h in results)
    assert [h.id for h in results] == [h.id for h in index.search("国际漫游", k=5)]


def test_a_query_with_hits_is_not_replaced(index):
    results = index.search("宽代", k=5)
    assert results.corrected is None  # its characters found something; the page offers 宽带


def test_suggestions_come_from_the_indexed_texts_too():
    # No content vocabulary at all: the words of the documents, and the character pairs seen in
    # two documents or more (jieba does not know 花呗 or 借呗), are the vocabulary.
    texts = ["花呗怎么提前还款", "花呗分期", "借呗额度为什么降低了", "借呗怎么还"]
    docs = [Doc(str(i), "article", "", t) for i, t in enumerate(texts)]
    index = KnowledgeIndex.from_docs(docs)
    assert index.suggest("huabei") == "花呗"
    assert index.suggest("jiebei edu") == "借呗额度"
    assert index.search("huabei").corrected == "花呗"


def test_pinyin_keys_read_phrases_and_characters():
    assert pinyin_keys("银行") == {"yinhang", "yinxing"}
    assert pinyin_keys("5G套餐") == {"5gtaocan"}


def single_chars(text):
    return [(i, i + 1) for i in range(len(text))]


def test_trusted_words_win_and_only_unseen_pairs_are_corrected():
    s = Suggester(
        ["宽带"], {"款待": 50.0}, known=lambda t: t in {"款待", "坏了"}, segment=single_chars
    )
    assert s.suggest("kuandai") == "宽带"  # the content's word beats a more frequent found one
    assert s.suggest("款待") is None  # the index holds it: not a typo
    assert s.suggest("宽代坏了") == "宽带坏了"


def test_a_change_inside_a_dictionary_word_needs_a_trusted_word():
    words = lambda t: [(0, 1), (1, 3)]  # noqa: E731 - jieba would cut 流|两包
    assert (
        Suggester([], {"流量包": 9.0}, known=lambda t: False, segment=words).suggest("流两包")
        is None
    )
    assert (
        Suggester(["流量包"], {}, known=lambda t: False, segment=words).suggest("流两包")
        == "流量包"
    )


def test_a_slip_of_one_character_is_corrected_only_to_long_names():
    names = ["一天一块的卡", "流量超了", "携号转网", "出国前"]
    s = Suggester([], {}, known=lambda t: t in {"量包", "包了"}, segment=single_chars, near=names)
    assert s.suggest("一天一块钱的卡") == "一天一块的卡"  # one added
    assert s.suggest("携号换网") == "携号转网"  # one changed
    assert s.suggest("携号网") is None  # too short to tell
    assert s.suggest("流量包了") is None  # 量包 and 包了 are common pairs: not a slip
    assert s.suggest("携号转网络") is None  # the odd character at the end is the next word
    assert s.suggest("出国怎") is None  # three characters: too short to tell
