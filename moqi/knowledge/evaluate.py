"""Retrieval evaluation: read a corpus and its queries, rank, and score Recall@k and MRR@10.

`moqi eval search` and bench/search_peers.py read the same files with these parsers and
score every system with `retrieval_scores`. Pure: text in, figures out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

CUTOFFS = (1, 5, 10)


class SearchDataError(ValueError):
    """A corpus or query file is malformed; the message names the file and line at fault."""


@dataclass(frozen=True, slots=True)
class Query:
    """A query and the ids of the corpus items that answer it."""

    text: str
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    """Mean Recall@1/5/10 and MRR@10 over n queries."""

    n: int
    recall: dict[int, float]
    mrr: float

    def as_dict(self) -> dict[str, float | int]:
        """The figures under the keys `moqi eval search --json` prints."""
        return {
            "n": self.n,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            "mrr@10": round(self.mrr, 4),
        }


def _rows(lines: Iterable[str], name: str) -> Iterable[tuple[int, dict]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise SearchDataError(f"{name}:{number}: not valid JSON") from None
        if not isinstance(row, dict):
            raise SearchDataError(f"{name}:{number}: expected a JSON object")
        yield number, row


def _id(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise SearchDataError(
            f"{where}: an id must be a non-empty string or an integer, not {value!r}"
        )
    return str(value)


def parse_corpus(lines: Iterable[str], name: str = "corpus") -> list[tuple[str, str]]:
    """(id, text) of each `{id, text}` line; ids are unique (integers are read as strings).

    >>> parse_corpus(['{"id": 1, "text": "花呗怎么还款"}'])
    [('1', '花呗怎么还款')]
    """
    items, seen = [], set()
    for number, row in _rows(lines, name):
        where = f"{name}:{number}"
        if "id" not in row or "text" not in row:
            raise SearchDataError(f"{where}: needs keys id and text")
        item_id = _id(row["id"], where)
        if item_id in seen:
            raise SearchDataError(f"{where}: duplicate id {item_id!r}")
        if not isinstance(row["text"], str) or not row["text"].strip():
            raise SearchDataError(f"{where}: text must be a non-empty string")
        seen.add(item_id)
        items.append((item_id, row["text"]))
    if not items:
        raise SearchDataError(f"{name}: no items")
    return items


def parse_queries(lines: Iterable[str], ids: set[str], name: str = "queries") -> list[Query]:
    """Each `{query, relevant: [ids]}` line; every relevant id must be in the corpus."""
    queries = []
    for number, row in _rows(lines, name):
        where = f"{name}:{number}"
        if "query" not in row or "relevant" not in row:
            raise SearchDataError(f"{where}: needs keys query and relevant")
        if not isinstance(row["query"], str) or not row["query"].strip():
            raise SearchDataError(f"{where}: query must be a non-empty string")
        relevant = row["relevant"]
        if not isinstance(relevant, list) or not relevant:
            raise SearchDataError(f"{where}: relevant must be a non-empty list of corpus ids")
        wanted = frozenset(_id(r, where) for r in relevant)
        unknown = sorted(wanted - ids)
        if unknown:
            raise SearchDataError(
                f"{where}: relevant id(s) {', '.join(map(repr, unknown))} not in the corpus"
            )
        queries.append(Query(row["query"], wanted))
    if not queries:
        raise SearchDataError(f"{name}: no queries")
    return queries


def retrieval_scores(
    rankings: Sequence[Sequence[str]], queries: Sequence[Query]
) -> RetrievalScores:
    """Recall@k (share of a query's relevant ids in its top k, averaged) and MRR@10 (1/rank of
    the first relevant id in the top 10, 0 when none).

    >>> q = [Query("a", frozenset({"1"})), Query("b", frozenset({"2", "3"}))]
    >>> s = retrieval_scores([["1", "9"], ["9", "3"]], q)
    >>> s.recall[1], s.recall[5], s.mrr
    (0.5, 0.75, 0.75)
    """
    if len(rankings) != len(queries) or not queries:
        raise ValueError("one ranking per query, and at least one query")
    recall = dict.fromkeys(CUTOFFS, 0.0)
    mrr = 0.0
    for ranked, query in zip(rankings, queries, strict=True):
        for k in CUTOFFS:
            recall[k] += len(query.relevant.intersection(ranked[:k])) / len(query.relevant)
        mrr += next(
            (1 / rank for rank, item in enumerate(ranked[:10], 1) if item in query.relevant), 0.0
        )
    n = len(queries)
    return RetrievalScores(n, {k: v / n for k, v in recall.items()}, mrr / n)


def evaluate(search: Callable[[str], Sequence[str]], queries: Sequence[Query]) -> RetrievalScores:
    """Score a search function (query → ranked ids, best first) on the queries."""
    return retrieval_scores([list(search(q.text))[:10] for q in queries], queries)
