"""Knowledge search: customers' words find the catalogue's items, with highlights and snippets."""

import re

import numpy as np
import pytest

from moqi.content import load_files
from moqi.knowledge.documents import Doc, documents
from moqi.knowledge.search import SNIPPET_WIDTH, KnowledgeIndex, Results, _bm25_scores, snippet


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("出国怎么开漫游", "roaming"),
        ("宽带断网了", "broadband_fault"),
        ("密码忘了", "password_reset"),
        ("我想把号码带走", "port"),
    ],
)
def test_customers_words_find_the_item(index, query, expected):
    hits = index.search(query, k=5)
    assert any(expected in h.id for h in hits), [h.id for h in hits]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_aliases_expand_to_the_catalogue_name(index):
    # 号码带走 is how customers say 携号转网; the query also searches the catalogue's name.
    assert "携号转网" in "".join(index.query_tokens("号码带走"))


def test_highlights_point_at_query_words(index):
    hit = index.search("宽带故障报修", k=1)[0]
    assert hit.highlights
    for start, end in hit.highlights:
        assert hit.text[start:end] in "宽带故障报修"


def test_kind_filter_and_traditional_input(index):
    scripts = index.search("寬帶斷網", kind="script", k=3)
    assert scripts and all(h.kind == "script" for h in scripts)
    traditional = index.search("寬帶斷網", k=5)
    assert [h.id for h in traditional] == [h.id for h in index.search("宽带断网", k=5)]


def test_nonsense_finds_nothing(index):
    assert index.search("zzzz qqqq", k=5) == []
    assert index.search("的了吗", k=5) == []  # nothing but particles


def test_results_say_the_query_was_searched_as_typed(index):
    results = index.search("宽带断网了", k=3)
    assert isinstance(results, Results) and results.corrected is None and len(results) == 3


def test_snippets_are_windows_with_their_own_highlights(index):
    query = "国际漫游流量包怎么收费"
    words = set(index.query_tokens(query))  # with 国际及港澳台漫游, the name 国际漫游 stands for
    hits = index.search(query, k=10)
    assert any(h.snippet.highlights for h in hits)
    for hit in hits:
        sn = hit.snippet
        assert len(sn.text) <= SNIPPET_WIDTH
        assert sn.text == hit.text[sn.start : sn.end].replace("\n", " ")
        for start, end in sn.highlights:
            # Relative to the snippet, and the same words as the full-text highlights.
            assert (sn.start + start, sn.start + end) in hit.highlights
            assert sn.text[start:end] in words


def test_the_snippet_is_where_the_matches_are_densest():
    text = (
        "开头的寒暄。"
        + "无关的内容。" * 30
        + "国际漫游要先开通，再订漫游流量包。"
        + "其他说明。" * 30
    )
    doc = Doc("article:x", "article", "出行须知", text)
    hit = KnowledgeIndex.from_docs([doc, Doc("article:y", "article", "其他", "无关")]).search(
        "国际漫游流量包", k=1
    )[0]
    assert hit.snippet.start > 0 and "国际漫游要先开通" in hit.snippet.text
    assert hit.snippet.text.startswith("国际漫游")  # starts at the sentence holding the match
    assert {hit.snippet.text[s:e] for s, e in hit.snippet.highlights} >= {"国际漫游", "流量"}


def test_a_short_text_is_its_own_snippet():
    sn = snippet("宽带故障报修", [(0, 2)])
    assert (sn.text, sn.start, sn.highlights) == ("宽带故障报修", 0, [(0, 2)])


def test_words_jieba_does_not_know_still_match_by_characters():
    # Another trade's jargon: no telecom word in it, found through characters and bigrams.
    docs = [
        Doc("1", "article", "", "花呗怎么提前还款"),
        Doc("2", "article", "", "借呗额度为什么降低了"),
        Doc("3", "article", "", "宽带怎么报修"),
    ]
    hits = KnowledgeIndex.from_docs(docs).search("花唄提前還款", k=3)
    assert hits[0].id == "1"


def test_a_new_revision_with_the_same_vocabulary_reuses_the_tokenizer(index):
    # Loading jieba's dictionary is most of a build; publishing an article must not redo it.
    assert KnowledgeIndex(load_files()).analyzer.tokenizer is index.analyzer.tokenizer


def test_field_scores_are_bm25s_scores(index):
    # The fused score adds each field's BM25 scores as bm25s computes them, only faster.
    analyzed = index._analyze_query("宽带宽带断网了怎么报修")  # a repeated word counts twice
    for name, bm25 in index._bm25.items():
        ids = bm25.get_tokens_ids(analyzed.field(name))
        assert ids
        np.testing.assert_allclose(
            _bm25_scores(index._columns[name], ids), bm25.get_scores_from_ids(ids), rtol=1e-5
        )


def test_documents_without_a_single_word_are_indexed_and_never_found():
    index = KnowledgeIndex.from_docs(
        [Doc("1", "article", "", "。。！"), Doc("2", "article", "", "？")]
    )
    assert index.search("宽带") == [] and index.search("。") == []
    assert index.suggest("kuandai") is None


def test_no_search_result_shows_a_raw_template():
    docs = documents(load_files())
    assert not [d.id for d in docs if re.search(r"\{\w+\}", d.text)]
    slotted = [d.text for d in docs if d.kind == "script" and "〔N〕" in d.text]
    assert slotted, "the {days} lines are shown with a field to fill"


def test_being_abroad_is_a_roaming_question_not_a_coverage_one():
    index = KnowledgeIndex(load_files())
    for query in ("出国了手机没信号怎么办", "在国外手机没信号"):
        top = [h.id for h in index.search(query, k=2)]
        assert "business:intl_roaming" in top and "business:net_coverage" not in top[:1]
    assert index.search("我家里手机没信号", k=1)[0].id == "business:net_coverage"
