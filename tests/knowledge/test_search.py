"""Knowledge search: customers' words find the catalogue's items, with highlights."""

import pytest

from moqi.content import load_files
from moqi.knowledge.search import KnowledgeIndex


@pytest.fixture(scope="module")
def index():
    return KnowledgeIndex(load_files())


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
    assert all(h.kind == "script" for h in index.search("寬帶斷網", kind="script", k=3))
    assert index.search("寬帶斷網", k=1)


def test_nonsense_finds_nothing(index):
    assert index.search("zzzz qqqq", k=5) == []
