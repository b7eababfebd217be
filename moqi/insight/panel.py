"""The fixed customer panel's arithmetic, free of the database: who is drawn, and what changed
between waves.

The draw is reproducible: the segment's customers sorted by id, shuffled by `random.Random(seed)`,
the first `size` kept; stratified, each region gets its share of the segment (largest remainders,
ties to the region that sorts first) and is drawn the same way. The same customers, size and seed
give the same panel."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from moqi.insight import stats

CHANGE = ("yes", "same", "no")  # 与上次相比：有改善 / 差不多 / 没有改善


def draw(
    customers: Sequence[tuple[str, str]], size: int, seed: int, *, stratify: bool = False
) -> list[str]:
    """Customer ids drawn from (id, region) pairs, in the order drawn."""
    pool = sorted(customers)
    if size >= len(pool):
        size = len(pool)
    if not stratify:
        rng = random.Random(seed)
        rng.shuffle(pool)
        return [cid for cid, _ in pool[:size]]
    by_region: dict[str, list[str]] = {}
    for cid, region in pool:
        by_region.setdefault(region, []).append(cid)
    quotas = allocate({r: len(ids) for r, ids in by_region.items()}, size)
    out: list[str] = []
    for region in sorted(by_region):
        ids = by_region[region]
        random.Random(f"{seed}:{region}").shuffle(ids)
        out += ids[: quotas[region]]
    return out


def allocate(counts: Mapping[str, int], size: int) -> dict[str, int]:
    """Each group's share of `size`, proportional to its count (largest remainders)."""
    total = sum(counts.values())
    if total == 0:
        return dict.fromkeys(counts, 0)
    exact = {k: size * v / total for k, v in counts.items()}
    quotas = {k: int(v) for k, v in exact.items()}
    left = size - sum(quotas.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - quotas[k]), k))[:left]:
        quotas[k] += 1
    return quotas


@dataclass(frozen=True)
class Change:
    """Members who answered a question in both waves, by the direction of their score."""

    improved: int
    same: int
    worse: int

    @property
    def n(self) -> int:
        return self.improved + self.same + self.worse


def change(before: Mapping[str, object], after: Mapping[str, object], key: str) -> Change:
    """Per member (the mappings: member → answers), how one 1–5 question moved."""
    up = same = down = 0
    for member, answers in after.items():
        earlier = before.get(member)
        if not isinstance(earlier, Mapping) or not isinstance(answers, Mapping):
            continue
        a, b = earlier.get(key), answers.get(key)
        if not isinstance(a, int) or not isinstance(b, int):
            continue
        if b > a:
            up += 1
        elif b < a:
            down += 1
        else:
            same += 1
    return Change(up, same, down)


def self_reported(answers: Mapping[str, Mapping[str, object]], key: str) -> stats.Figure:
    """The share of a wave's respondents who said they perceive an improvement ("yes" of
    yes/same/no), with its Wilson interval; members who skipped the question are left out."""
    said = [a.get(key) for a in answers.values() if a.get(key) in CHANGE]
    return stats.share(sum(1 for s in said if s == "yes"), len(said))


def measured(moved: Change) -> stats.Figure:
    """The share of members answering both waves whose overall score rose, Wilson interval."""
    return stats.share(moved.improved, moved.n)


def scores(answers: Mapping[str, Mapping[str, object]], key: str) -> list[int]:
    return [v for a in answers.values() if isinstance(v := a.get(key), int)]
