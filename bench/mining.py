"""Mining speed: calls per second on 1 and 2 workers of a real Dask LocalCluster, and in the
same run the raw jieba tokenisation rate of the same text, the limit a worker cannot beat.

    python bench/mining.py [--calls 1850] [--workers 1 2] [--chunk 50]

Text: the STC-3 helpdesk dialogues in ../shared/data when present, else calls generated from
the shipped content (customer utterances of each reason, agent scripts). Each worker builds
the engine before the clock starts. Targets (issue 27): ≥ 1.8× the calls/s on 2 workers as
on 1; mining ≥ 50% of the jieba rate per worker. jieba is measured two ways on one core:
jieba itself (jieba.lcut, no HMM) and moqi's tokenizer (jieba's algorithm and dictionary in
Rust, rjieba), which mining uses.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from moqi.mining.calls import Call, read_calls
from moqi.mining.rules import Rules
from moqi.mining.run import mine

STC3 = Path(__file__).resolve().parents[2] / "shared/data/dialogues/stc3_helpdesk_dev.jsonl"


def generated_calls(n: int, seed: int = 27) -> list[Call]:
    """Calls built from the shipped content: a greeting, the customer's reason in their own
    words, the agent's scripts, a follow-up and a closing."""
    from moqi.content import load_files

    content = load_files()
    rnd = random.Random(seed)
    reasons = [r for r in content.reasons if r.examples]
    scripts = [s.text.replace("{customer}", "") for s in content.scripts]
    calls = []
    for i in range(n):
        reason = rnd.choice(reasons)
        turns = [("agent", rnd.choice(scripts))]
        for _ in range(rnd.randint(2, 4)):
            turns.append(("customer", rnd.choice(reason.examples)))
            turns.append(("agent", rnd.choice(scripts)))
        turns.append(("customer", rnd.choice(("好的，谢谢", "还是不行，我要投诉", "那就这样吧"))))
        calls.append(Call(id=f"gen-{i}", turns=turns, region=rnd.choice(("广东", "北京"))))
    return calls


def load(n: int) -> tuple[str, list[Call]]:
    if STC3.exists():
        base = read_calls(STC3)
        source = f"STC-3 dev ({len(base)} dialogues)"
    else:
        base = generated_calls(min(n, 2000))
        source = "generated from the shipped content"
    calls = [
        Call(id=f"{c.id}#{i // len(base)}", turns=c.turns, region=c.region, brand=c.brand)
        for i, c in enumerate(base[i % len(base)] for i in range(n))
    ]
    return source, calls


def _warm() -> None:
    from moqi.assist import default_engine

    _ = default_engine().tokenizer


def _cpu() -> float:
    return time.process_time()


def on_cluster(calls: list[Call], workers: int, chunk: int) -> tuple[float, float, object]:
    """Wall seconds, the workers' CPU seconds, and the tally."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm)
        cpu = client.run(_cpu)
        start = time.perf_counter()
        tally = mine(calls, Rules(), scheduler=cluster.scheduler_address, chunk_size=chunk)
        wall = time.perf_counter() - start
        used = sum(t - cpu[w] for w, t in client.run(_cpu).items())
        return wall, used, tally


def jieba_rates(calls: list[Call]) -> dict[str, float]:
    """CPU seconds to cut every utterance once: jieba as it comes (jieba.lcut, HMM on), jieba
    without HMM (as moqi cuts), and moqi's tokenizer (rjieba). CPU time, as the workers' is
    counted: on a busy machine wall time measures the neighbours."""
    import jieba

    from moqi.assist import default_engine

    texts = [t for c in calls for _, t in c.turns]
    jieba.initialize()
    tokenizer = default_engine().tokenizer
    out = {}
    for name, cut in (
        ("jieba.lcut", jieba.lcut),
        ("jieba.lcut, no HMM", lambda t: jieba.lcut(t, HMM=False)),
        ("moqi tokenizer (rjieba)", tokenizer.cut),
    ):
        start = time.process_time()
        for t in texts:
            cut(t)
        out[name] = time.process_time() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1850)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()
    source, calls = load(args.calls)
    utterances = sum(len(c.turns) for c in calls)
    chars = sum(len(t) for c in calls for _, t in c.turns)
    print(
        f"text: {source}; {len(calls)} calls, {utterances} utterances, {chars} characters; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start"
    )
    limits = jieba_rates(calls)
    for name, seconds in limits.items():
        print(f"{name:24s} {len(calls) / seconds:7.0f} calls per CPU-second")
    rates, per_cpu = {}, {}
    totals = []
    for w in args.workers:
        seconds, cpu, tally = on_cluster(calls, w, args.chunk)
        rates[w] = len(calls) / seconds
        per_cpu[w] = len(calls) / cpu
        totals.append(tally)
        print(
            f"mining, LocalCluster {w} worker(s): {rates[w]:9.0f} calls/s ({seconds:.1f} s; "
            f"{len(calls) / cpu:.0f} calls per worker CPU-second)"
        )
    assert all(t == totals[0] for t in totals), "the clusters counted differently"
    for w, rate in per_cpu.items():
        shares = "; ".join(
            f"{rate * seconds / len(calls):.0%} of {name}" for name, seconds in limits.items()
        )
        print(f"mining per worker CPU-second on {w} worker(s): {shares} (target ≥ 50% of jieba)")
    one = rates.get(1)
    if one:
        for w, rate in rates.items():
            if w > 1:
                print(f"speed-up on {w} workers: {rate / one:.2f}× (target ≥ 1.8× on 2)")


if __name__ == "__main__":
    main()
