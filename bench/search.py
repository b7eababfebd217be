"""Knowledge search at scale: index build time and query latency at 100,000 items, with
rank-bm25 (BM25Okapi over jieba words) on the same corpus in the same run.

    python bench/search.py [--items 100000] [--queries 1000] [--peer-queries 50] [--seed 7]
                           [--semantic-sample 1000]   (--peer-queries 0: no rank-bm25)

The items are generated from the shipped content (moqi/data), so they read like a real
knowledge base: each is one call reason × one of its businesses, written as an article, a
script, a business note or a reason card, holding the business's name and summary, some of the
reason's customer phrasings, one or two scripts for that reason (or general ones), and a step
or key point of an article about the same business; a third carry a brand, a quarter a region,
a fifth a validity window. Queries are what agents type: an alias with a customer phrasing, an
article's question, a cue, a business name with 怎么收费/怎么办理/取消. Everything is drawn from
one seeded generator, so a run is repeatable.

Runs on one core. Targets (issue 4): p99 ≤ 10 ms per query, ≥ 20× rank-bm25's throughput.
rank-bm25 scores every item in Python for every query, so it is timed on a sample of the
queries (--peer-queries) and its rate is reported per query.

Then the semantic stage (docs/search.md): the passages of --semantic-sample items are embedded
(the build rate, from which the cost of all items is extrapolated: embedding 100,000 passages
takes over an hour on one core), and the searches are timed again with the stage on. Timing
needs a vector for every item: the items beyond the sample reuse the sample's vectors in turn,
which changes no cost (above 20,000 items the stage scores the lexical top 200 only).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

import numpy as np
from _measure import peak_mb, percentile

from moqi.content import Content, load_files
from moqi.knowledge.documents import KINDS, Doc
from moqi.knowledge.search import KnowledgeIndex, vocabulary
from moqi.knowledge.semantic import E5Embedder, SemanticStage, passage_text

PROVINCES = (
    "广东",
    "四川",
    "浙江",
    "江苏",
    "北京",
    "上海",
    "福建",
    "湖北",
    "河南",
    "山东",
    "湖南",
    "河北",
)
BRANDS = ("全球通", "神州行", "动感地带")
TITLE_ENDS = ("办理说明", "常见问题", "资费与规则", "处理流程", "答复口径", "注意事项")
QUERY_ENDS = ("怎么收费", "怎么办理", "怎么取消", "多少钱", "在哪里查", "为什么不行")
FILL = {
    "customer": "张先生",
    "business": "该业务",
    "amount": "30元",
    "date": "本月底",
    "phone": "尾号5678的号码",
}


def _fill(text: str) -> str:
    for key, value in FILL.items():
        text = text.replace("{" + key + "}", value)
    return text


def generate(content: Content, n: int, rng: random.Random) -> list[Doc]:
    """`n` items made by combining the shipped content (see the module docstring)."""
    businesses = {b.code: b for b in content.businesses}
    reasons = [r for r in content.reasons if r.businesses]
    scripts: dict[str, list[str]] = {}
    for s in content.scripts:
        scripts.setdefault(s.reason, []).append(_fill(s.text))
    points: dict[str, list[str]] = {}
    for a in content.articles:
        for code in a.businesses:
            points.setdefault(code, []).extend((*a.steps, *a.key_points))
    anywhere = [p for a in content.articles for p in (*a.steps, *a.key_points)]
    docs = []
    for i in range(n):
        reason = rng.choice(reasons)
        business = businesses[rng.choice(reason.businesses)]
        kind = rng.choices(KINDS, weights=(5, 1, 3, 1))[0]
        lines = [
            business.summary,
            "客户常说：" + "、".join(rng.sample(reason.cues, min(3, len(reason.cues)))),
        ]
        lines += rng.sample(scripts.get(reason.code) or scripts["*"], 1 + (rng.random() < 0.5))
        lines.append(rng.choice(points.get(business.code) or anywhere))
        rng.shuffle(lines)
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        valid = rng.random() < 0.2
        docs.append(
            Doc(
                f"{kind}:{i}",
                kind,
                f"{business.name}·{reason.label}{rng.choice(TITLE_ENDS)}",
                "\n".join(lines),
                (business.code,),
                (rng.choice(BRANDS),) if rng.random() < 1 / 3 else (),
                (rng.choice(PROVINCES),) if rng.random() < 1 / 4 else (),
                start if valid else None,
                start + timedelta(days=rng.randrange(30, 400)) if valid else None,
            )
        )
    return docs


def queries(content: Content, n: int, rng: random.Random) -> list[str]:
    """`n` queries of the kinds agents type (see the module docstring)."""
    aliased = [b for b in content.businesses if b.aliases]
    out = []
    for _ in range(n):
        shape = rng.random()
        if shape < 0.35:
            reason = rng.choice([r for r in content.reasons if r.cues])
            b = rng.choice(aliased)
            out.append(rng.choice(b.aliases) + rng.choice(reason.cues))
        elif shape < 0.55 and content.articles:
            out.append(rng.choice(content.articles).question)
        elif shape < 0.8:
            out.append(rng.choice(rng.choice(content.reasons).cues))
        else:
            out.append(rng.choice(content.businesses).name + rng.choice(QUERY_ENDS))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--peer-queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--semantic-sample", type=int, default=1000, help="0: no semantic run")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    content = load_files()
    rng = random.Random(args.seed)
    docs = generate(content, args.items, rng)
    asked = queries(content, args.queries, rng)
    chars = sum(len(d.title) + len(d.text) for d in docs)
    print(
        f"corpus: {len(docs):,} items generated from the shipped content (seed {args.seed}), {chars / len(docs):.0f} characters each on average"
    )
    print(f"queries: {len(asked):,}, e.g. {' / '.join(asked[:4])}")

    synonyms = {a: b.name for b in content.businesses for a in (b.name, *b.aliases)}
    # Load jieba's dictionary first, so the build below is the index alone.
    KnowledgeIndex.from_docs(docs[:10], synonyms=synonyms, terms=vocabulary(content))
    before = peak_mb()
    t0 = time.perf_counter()
    index = KnowledgeIndex.from_docs(docs, synonyms=synonyms, terms=vocabulary(content))
    build_s = time.perf_counter() - t0
    print(
        f"moqi: index built in {build_s:.1f} s ({len(docs) / build_s:,.0f} items/s); "
        f"peak memory grew by {peak_mb() - before:,.0f} MB while building"
    )

    for q in asked[:20]:  # warm caches (jieba, numpy) before timing
        index.search(q, k=10)
    rates = _time_searches(index, asked, "")
    if args.semantic_sample:
        _semantic(index, asked, args.semantic_sample)
    if args.peer_queries:
        _peer(docs, asked, args.peer_queries, rates["no filter"])


def _semantic(index: KnowledgeIndex, asked: list[str], sample: int) -> None:
    embedder = E5Embedder()
    texts = [passage_text(d.title, d.text) for d in index.docs[:sample]]
    embedder.passages(texts[:8])  # load the engine before timing
    t0, c0 = time.perf_counter(), time.process_time()
    vectors = embedder.passages(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    per = wall / len(texts)
    print(
        f"semantic: {len(texts):,} passages embedded in {wall:.1f} s ({per * 1000:.1f} ms each, "
        f"CPU {cpu / len(texts) * 1000:.1f} ms); all {len(index.docs):,} would take "
        f"{per * len(index.docs) / 60:.0f} min once, then nothing (cache)"
    )
    rows = np.resize(vectors, (len(index.docs), vectors.shape[1]))  # the sample, in turn
    index.semantic = SemanticStage(embedder, rows)
    distinct = len(set(asked))
    print(
        f"semantic: {distinct:,} distinct queries of {len(asked):,} (a repeat's vector is cached)"
    )
    _time_searches(index, asked, " + semantic")
    # The same again with each query's vector already known (asked before: the LRU keeps the
    # last 2,048): the stage's own cost beside the words, without the embedding.
    for q in asked:
        index.semantic.query_vector(q).result()
    _time_searches(index, asked, " + semantic, query vector cached", fresh=False)


def _time_searches(
    index: KnowledgeIndex, asked: list[str], stage: str, *, fresh: bool = True
) -> dict[str, float]:
    runs = {
        "no filter": {},
        "brand+region+valid_on": {
            "brand": "全球通",
            "region": "广东",
            "valid_on": date(2026, 6, 1),
        },
        "kind=article": {"kind": "article"},
    }
    # The three kinds of search take turns query by query, so a busy machine slows them alike.
    # Wall-clock time is the latency an agent sees; CPU time is the work, without the waits
    # for a core that other processes on a shared machine cause.
    wall: dict[str, list[float]] = {label + stage: [] for label in runs}
    cpu: dict[str, list[float]] = {label + stage: [] for label in runs}
    empty = dict.fromkeys(wall, 0)
    print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for q in asked:
        for label, filters in runs.items():
            if fresh and index.semantic is not None:  # every search embeds its query
                index.semantic._queries.clear()
            # CPU time of the process: the query's embedding runs on a worker thread.
            t, c = time.perf_counter(), time.process_time()
            hits = index.search(q, k=10, **filters)
            cpu[label + stage].append((time.process_time() - c) * 1000)
            wall[label + stage].append((time.perf_counter() - t) * 1000)
            empty[label + stage] += not hits
    rates = {}
    for label, ms in wall.items():
        rates[label] = len(ms) / (sum(ms) / 1000)
        print(
            f"moqi search ({label}): p50 {statistics.median(ms):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, "
            f"max {max(ms):.2f} ms (CPU time p50 {statistics.median(cpu[label]):.2f} ms, "
            f"p99 {percentile(cpu[label], 0.99):.2f} ms); {rates[label]:,.0f} queries/s; "
            f"{empty[label]} of {len(asked)} with no hit"
        )
    print(f"load average after timing: {os.getloadavg()[0]:.2f}")
    return {label[: len(label) - len(stage)]: rate for label, rate in rates.items()}


def _peer(docs: list[Doc], asked: list[str], peer_queries: int, rate: float) -> None:
    import jieba
    from rank_bm25 import BM25Okapi

    t0 = time.perf_counter()
    peer = BM25Okapi([jieba.lcut(f"{d.title}。{d.text}") for d in docs])
    peer_build = time.perf_counter() - t0
    sample = asked[:peer_queries]
    t0 = time.perf_counter()
    for q in sample:
        scores = peer.get_scores(jieba.lcut(q))
        scores.argsort()[-10:]
    peer_rate = len(sample) / (time.perf_counter() - t0)
    print(
        f"rank-bm25 (BM25Okapi, jieba words): index built in {peer_build:.1f} s; {peer_rate:,.1f} queries/s on a sample of {len(sample)} queries"
    )
    print(f"moqi / rank-bm25 throughput (no filter): {rate / peer_rate:,.0f}×")


if __name__ == "__main__":
    sys.exit(main())
