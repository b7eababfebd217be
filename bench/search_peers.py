"""moqi's knowledge search against rank-bm25 and bm25s on real customer-service FAQ retrieval
(AFQMC, ../shared/data/faq), in one run, scored by the same code as `moqi eval search`.

    python bench/search_peers.py [--corpus FILE] [--queries FILE]

Peers, as listed in ../shared/data/README.md:
- rank-bm25: BM25Okapi over jieba words (jieba.lcut, the default dictionary);
- bm25s char+bigram: bm25s BM25 over the characters and character bigrams of the text;
- moqi: KnowledgeIndex.from_docs, the path the product searches (words + characters + bigrams,
  each a BM25 field, scores fused).

Prints Recall@1/5/10, MRR@10 and queries/s on one core (each system's query time includes
tokenising the query and taking its top 10; moqi's includes highlights and snippets too).
Target (issue 4): moqi above both peers on Recall@5 and MRR@10.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import shared  # noqa: E402

from moqi.knowledge.documents import Doc  # noqa: E402
from moqi.knowledge.evaluate import Query, RetrievalScores, evaluate, parse_corpus, parse_queries  # noqa: E402
from moqi.knowledge.search import KnowledgeIndex  # noqa: E402


def rank_bm25(items: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    import jieba
    from rank_bm25 import BM25Okapi

    ids = [i for i, _ in items]
    model = BM25Okapi([jieba.lcut(text) for _, text in items])

    def search(query: str) -> list[str]:
        scores = model.get_scores(jieba.lcut(query))
        return [ids[i] for i in np.argsort(-scores, kind="stable")[:10]]

    return search


def _chars_and_bigrams(text: str) -> list[str]:
    text = "".join(text.split())
    return list(text) + [text[i : i + 2] for i in range(len(text) - 1)]


def bm25s_char_bigram(items: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    import bm25s

    ids = [i for i, _ in items]
    model = bm25s.BM25()
    model.index([_chars_and_bigrams(text) for _, text in items], show_progress=False)

    def search(query: str) -> list[str]:
        found, _ = model.retrieve([_chars_and_bigrams(query) or [""]], k=10, show_progress=False)
        return [ids[i] for i in found[0]]

    return search


def moqi(items: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    index = KnowledgeIndex.from_docs(Doc(i, "article", "", text) for i, text in items)
    return lambda query: [hit.id for hit in index.search(query, k=10)]


def measure(
    make: Callable, items: list[tuple[str, str]], queries: list[Query]
) -> tuple[RetrievalScores, float, float]:
    t0 = time.perf_counter()
    search = make(items)
    build = time.perf_counter() - t0
    for q in queries[:5]:  # warm up
        search(q.text)
    t0 = time.perf_counter()
    scores = evaluate(search, queries)
    return scores, build, len(queries) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--queries", type=Path)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    corpus_path = args.corpus or shared("data", "faq", "afqmc_corpus.jsonl")
    queries_path = args.queries or shared("data", "faq", "afqmc_queries_dev.jsonl")
    items = parse_corpus(corpus_path.read_text(encoding="utf-8").splitlines(), str(corpus_path))
    queries = parse_queries(
        queries_path.read_text(encoding="utf-8").splitlines(),
        {i for i, _ in items},
        str(queries_path),
    )
    print(
        f"{corpus_path.name}: {len(items):,} items; {queries_path.name}: {len(queries):,} queries"
    )
    print(
        f"{'system':<28}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR@10':>8}{'build s':>9}{'queries/s':>11}"
    )
    results = {}
    for name, make in (
        ("rank-bm25 (jieba words)", rank_bm25),
        ("bm25s (chars + bigrams)", bm25s_char_bigram),
        ("moqi", moqi),
    ):
        scores, build, rate = measure(make, items, queries)
        results[name] = scores
        r = scores.recall
        print(
            f"{name:<28}{r[1]:>7.3f}{r[5]:>7.3f}{r[10]:>7.3f}{scores.mrr:>8.3f}{build:>9.2f}{rate:>11,.0f}"
        )
    ours = results.pop("moqi")
    beaten = all(ours.recall[5] > s.recall[5] and ours.mrr > s.mrr for s in results.values())
    print(f"moqi above both peers on R@5 and MRR@10: {'yes' if beaten else 'NO'}")


if __name__ == "__main__":
    main()
