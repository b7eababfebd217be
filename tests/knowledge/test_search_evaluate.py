"""Retrieval metrics and the corpus/query parsers behind `moqi eval search`."""

import json

import pytest

from moqi.knowledge.documents import Doc
from moqi.knowledge.evaluate import (
    Query,
    SearchDataError,
    evaluate,
    parse_corpus,
    parse_queries,
    retrieval_scores,
)
from moqi.knowledge.search import KnowledgeIndex


def q(text, *relevant):
    return Query(text, frozenset(relevant))


def test_recall_and_mrr_by_hand():
    queries = [q("a", "1"), q("b", "2"), q("c", "3"), q("d", "4", "5")]
    rankings = [
        ["1", "x"],  # rank 1
        ["x", "x", "x", "x", "x", "2"],  # rank 6: in the top 10, not the top 5
        ["x"] * 10 + ["3"],  # rank 11: not found
        ["x", "5", "x", "x", "x", "x", "4"],  # one of two relevant in the top 5, both in the top 10
    ]
    s = retrieval_scores(rankings, queries)
    assert s.n == 4
    assert s.recall[1] == pytest.approx(1 / 4)
    assert s.recall[5] == pytest.approx((1 + 0 + 0 + 0.5) / 4)
    assert s.recall[10] == pytest.approx((1 + 1 + 0 + 1) / 4)
    assert s.mrr == pytest.approx((1 + 1 / 6 + 0 + 1 / 2) / 4)
    assert s.as_dict() == {
        "n": 4,
        "recall@1": 0.25,
        "recall@5": 0.375,
        "recall@10": 0.75,
        "mrr@10": round((1 + 1 / 6 + 0.5) / 4, 4),
    }


def test_the_search_path_on_a_tiny_corpus_with_known_answers():
    corpus = {
        "roam": "出国前怎么开通国际漫游",
        "bb": "家里宽带断网了怎么报修",
        "pwd": "服务密码忘了怎么重置",
        "port": "携号转网需要什么条件",
        "bill": "这个月话费为什么这么多",
    }
    index = KnowledgeIndex.from_docs(Doc(i, "article", "", t) for i, t in corpus.items())
    queries = [
        q("我要出国，漫游怎么开", "roam"),
        q("宽带坏了找谁修", "bb"),
        q("密码不记得了", "pwd"),
        q("话费怎么扣这么多", "bill"),
    ]
    s = evaluate(lambda text: [h.id for h in index.search(text, k=10)], queries)
    assert s.as_dict() == {
        "n": 4,
        "recall@1": 1.0,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": 1.0,
    }


def lines(*rows):
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]


def test_parsers_read_int_and_string_ids_alike():
    items = parse_corpus(lines({"id": 7, "text": "花呗"}, "", {"id": "a", "text": "借呗"}))
    assert items == [("7", "花呗"), ("a", "借呗")]
    queries = parse_queries(lines({"query": "花呗", "relevant": [7, "a"]}), {"7", "a"})
    assert queries == [q("花呗", "7", "a")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (['{"id": 1, "text": "好"}', "{oops"], "corpus:2: not valid JSON"),
        (["[1, 2]"], "corpus:1: expected a JSON object"),
        ([{"id": 1}], "corpus:1: needs keys id and text"),
        ([{"id": 1, "text": "好"}, {"id": "1", "text": "坏"}], "corpus:2: duplicate id '1'"),
        ([{"id": None, "text": "好"}], "an id must be"),
        ([{"id": 1, "text": "  "}], "text must be a non-empty string"),
        (["", "  "], "corpus: no items"),
    ],
)
def test_bad_corpus(rows, message):
    with pytest.raises(SearchDataError, match=message):
        parse_corpus(lines(*rows))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"query": "好"}], "queries:1: needs keys query and relevant"),
        ([{"query": "好", "relevant": []}], "relevant must be a non-empty list"),
        ([{"query": "好", "relevant": 1}], "relevant must be a non-empty list"),
        ([{"query": "", "relevant": [1]}], "query must be a non-empty string"),
        (
            [{"query": "好", "relevant": [1]}, {"query": "坏", "relevant": [1, 99]}],
            r"queries:2: relevant id\(s\) '99' not in the corpus",
        ),
        ([], "queries: no queries"),
    ],
)
def test_bad_queries(rows, message):
    with pytest.raises(SearchDataError, match=message):
        parse_queries(lines(*rows), {"1"})
