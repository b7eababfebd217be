"""`moqi eval search`: figures from the real search path, one clear line for a bad file."""

import json

import pytest
from typer.testing import CliRunner

from moqi.cli import app
from tests.cli.test_eval_cli import moqi, write_jsonl
from tests.conftest import shared_file

CORPUS = [
    {"id": 1, "text": "出国前怎么开通国际漫游"},
    {"id": 2, "text": "家里宽带断网了怎么报修"},
    {"id": 3, "text": "服务密码忘了怎么重置"},
    {"id": 4, "text": "携号转网需要满足什么条件"},
    {"id": "bill", "text": "这个月话费为什么扣了这么多"},
]
QUERIES = [
    {"query": "我要出国，漫游怎么开", "relevant": [1]},
    {"query": "宽带坏了找谁修", "relevant": [2]},
    {"query": "密码不记得了", "relevant": [3]},
    {"query": "话费怎么扣这么多", "relevant": ["bill"]},
]


@pytest.fixture
def files(tmp_path):
    return write_jsonl(tmp_path / "corpus.jsonl", CORPUS), write_jsonl(
        tmp_path / "queries.jsonl", QUERIES
    )


def run(*args):
    return CliRunner().invoke(app, ["eval", "search", *map(str, args)])


def test_json_figures(files, instance):
    corpus, queries = files
    done = moqi(
        "eval",
        "search",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--json",
        home=instance,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "n": 4,
        "recall@1": 1.0,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": 1.0,
    }


def test_a_miss_lowers_the_figures(files, tmp_path):
    corpus, _ = files
    # 携号转网 is item 4, but the query says it is item 1: a rank-2-or-worse answer.
    queries = write_jsonl(
        tmp_path / "wrong.jsonl", [*QUERIES, {"query": "携号转网的条件", "relevant": [1]}]
    )
    done = run("--corpus", corpus, "--queries", queries, "--json")
    assert done.exit_code == 0, done.output
    figures = json.loads(done.stdout)
    assert figures["n"] == 5 and figures["recall@1"] == 0.8 and figures["mrr@10"] < 1.0


def test_table(files):
    corpus, queries = files
    done = run("--corpus", corpus, "--queries", queries)
    assert done.exit_code == 0, done.output
    assert "Recall@5" in done.stdout and "MRR@10" in done.stdout and "1.000" in done.stdout


@pytest.mark.parametrize(
    ("corpus_text", "queries_text", "message"),
    [
        ('{"id": 1, "text": "好"}\n{oops', None, "corpus.jsonl:2: not valid JSON"),
        ("id,text\n1,好", None, "corpus.jsonl:1: not valid JSON"),
        ('{"id": 1}', None, "corpus.jsonl:1: needs keys id and text"),
        ("", None, "corpus.jsonl: no items"),
        (None, '{"query": "漫游"}', "queries.jsonl:1: needs keys query and relevant"),
        (
            None,
            '{"query": "漫游", "relevant": [1, 42]}',
            "queries.jsonl:1: relevant id(s) '42' not in the corpus",
        ),
        (None, "\n\n", "queries.jsonl: no queries"),
    ],
)
def test_bad_files_are_one_line_on_stderr(files, corpus_text, queries_text, message):
    corpus, queries = files
    if corpus_text is not None:
        corpus.write_text(corpus_text, encoding="utf-8")
    if queries_text is not None:
        queries.write_text(queries_text, encoding="utf-8")
    done = run("--corpus", corpus, "--queries", queries, "--json")
    assert done.exit_code != 0
    assert done.stdout == ""
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_missing_and_unreadable_files(files, tmp_path):
    corpus, queries = files
    done = run("--corpus", tmp_path / "nope.jsonl", "--queries", queries)
    assert done.exit_code != 0 and "nope.jsonl: file not found" in done.stderr
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": 1, "text": "caf\u00e9"}'.encode("latin-1"))
    done = run("--corpus", latin, "--queries", queries)
    assert done.exit_code != 0 and "latin.jsonl: not UTF-8 text" in done.stderr


@pytest.mark.realdata
def test_afqmc_dev_beats_the_peers(instance):
    corpus = shared_file("data", "faq", "afqmc_corpus.jsonl")
    queries = shared_file("data", "faq", "afqmc_queries_dev.jsonl")
    done = run("--corpus", corpus, "--queries", queries, "--json")
    assert done.exit_code == 0, done.output
    figures = json.loads(done.stdout)
    # bench/search_peers.py on the same dev queries: rank-bm25 (jieba words) R@5 0.305,
    # MRR@10 0.201; bm25s (characters + bigrams) R@5 0.335, MRR@10 0.225.
    assert figures["n"] == 669
    assert figures["recall@5"] > 0.335 and figures["mrr@10"] > 0.225


def test_with_the_semantic_stage_the_passages_are_cached(files, instance, monkeypatch):
    from moqi.knowledge import semantic
    from moqi.settings import get_settings

    monkeypatch.setenv("MOQI_SEMANTIC_SEARCH", "on")
    monkeypatch.setattr(semantic, "SHARED_MEMORY", semantic.VectorMemory())
    get_settings.cache_clear()
    corpus, queries = files
    done = run("--corpus", corpus, "--queries", queries, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["recall@1"] == 1.0
    shards = list((instance / "cache" / "embeddings" / semantic.MODEL).glob("*.keys.npy"))
    assert len(shards) == 1
