"""Live-assist speed on real utterances, with snownlp and raw jieba on the same text in the same run.

    python bench/assist.py [--min-utterances 20000] [--models DIR]

With --models (a MOQI_HOME/models folder written by `moqi train polarity`) the engine reads
customer utterances with that trained model too, as live assist does when one is present.

Prints p50/p99 latency per utterance, utterances/s on one core, the memory the loaded engine
takes, and the peers' rates. Targets (issue 2): p99 ≤ 5 ms, ≥ 2,000/s, ≥ 10× snownlp,
≥ 25% of raw jieba's rate, engine ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import real_utterances  # noqa: E402
from _measure import peak_mb  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-utterances", type=int, default=20000)
    parser.add_argument("--snownlp-sample", type=int, default=3000)
    parser.add_argument(
        "--models", type=Path, help="a models folder with polarity.joblib (moqi train polarity)"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    calls = real_utterances(args.min_utterances)
    n = sum(len(c) for c in calls)
    print(
        f"corpus: {len(calls)} contacts, {n} real utterances (STC-3 dialogues, then Weibo/review texts)"
    )

    base = rss_mb()
    t0 = time.perf_counter()
    from moqi.assist import AssistSession, default_engine

    engine = default_engine()
    if args.models:
        from moqi.assist.model import trained

        engine.polarity_model = trained.load(args.models, "polarity")
        if engine.polarity_model is None:
            sys.exit(f"bench: no polarity model in {args.models}")
    _ = engine.tokenizer  # jieba is part of the loaded engine
    load_s = time.perf_counter() - t0
    gc.collect()
    engine_mb = rss_mb() - base
    print(f"engine: loaded in {load_s:.2f}s, +{engine_mb:.0f} MB RSS ({engine.content.counts()})")

    # Warm-up, then the timed pass: one session per contact, as in production.
    for speaker, text in calls[0]:
        AssistSession(engine=engine).feed(speaker, text)
    lat = []
    clock = time.perf_counter_ns
    start = time.perf_counter()
    for call in calls:
        session = AssistSession(engine=engine)
        for speaker, text in call:
            t = clock()
            session.feed(speaker, text)
            lat.append(clock() - t)
    wall = time.perf_counter() - start
    lat.sort()
    p50 = lat[len(lat) // 2] / 1e6
    p99 = lat[int(len(lat) * 0.99)] / 1e6
    moqi_rate = n / wall
    peak = peak_mb()
    print(
        f"moqi AssistSession: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {lat[-1] / 1e6:.1f} ms, {moqi_rate:,.0f} utterances/s, peak RSS {peak:.0f} MB"
    )

    texts = [text for call in calls for _, text in call]
    import jieba

    jieba.initialize()
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    jieba_rate = len(texts) / (time.perf_counter() - t)
    print(f"raw jieba.lcut (default dictionary, HMM on): {jieba_rate:,.0f} utterances/s")

    from snownlp import SnowNLP

    # snownlp divides by zero on text with no sentence in it; give it only what it can read.
    sample = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)][
        : args.snownlp_sample
    ]
    t = time.perf_counter()
    for text in sample:
        _ = SnowNLP(text).sentiments
    snow_rate = len(sample) / (time.perf_counter() - t)
    print(f"snownlp sentiments ({len(sample)} of the same texts): {snow_rate:,.0f} utterances/s")

    print()
    print("| figure | measured | target |")
    print("|---|---|---|")
    print(f"| p99 latency | {p99:.2f} ms | ≤ 5 ms |")
    print(f"| throughput (1 core) | {moqi_rate:,.0f}/s | ≥ 2,000/s |")
    print(f"| vs snownlp | {moqi_rate / snow_rate:.1f}× | ≥ 10× |")
    print(f"| vs raw jieba | {moqi_rate / jieba_rate:.0%} | ≥ 25% |")
    print(f"| loaded engine | {engine_mb:.0f} MB | ≤ 300 MB |")
    print(f"(median of per-utterance latency {statistics.median(lat) / 1e3:.0f} µs)")


if __name__ == "__main__":
    main()
