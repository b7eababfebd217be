"""Lift of a word or line for an emotion turn, with its interval and sample size. Pure.

lift = P(turn | item) / P(turn): how much likelier an escalation (or a calm-down) is at the
positions where the item is than at all positions of its table and group. The interval is the
Wilson score interval of P(turn | item) divided by P(turn); P(turn) is taken as known (it is
measured on every position, far more than any one item's).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from moqi.mining.tally import Tally

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (0, 1 when n is 0)."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


@dataclass(frozen=True)
class Lift:
    """One item's lift for one outcome in one table and group."""

    table: str
    group: str
    item: str
    outcome: str
    n: int  # positions with the item
    k: int  # of those, the outcome
    base: float  # P(outcome) over every position of the table and group
    lift: float
    low: float
    high: float

    @property
    def p(self) -> float:
        return self.k / self.n if self.n else 0.0


class TallyIndex:
    """A tally's events and feelings by table and group, read once: ranking every group of a
    large run asks for them thousands of times."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.items: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(dict)
        for (table, group, item, outcome), n in tally.events.items():
            self.items[(table, group)].setdefault(item, {})[outcome] = n
        self.feelings: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
        for (table, item, outcome, category), n in tally.emotions.items():
            self.feelings[(table, item, outcome)][category] = n


def lifts(
    index: TallyIndex,
    table: str,
    outcome: str,
    *,
    group: str = "*",
    min_support: int = 5,
    min_count: int = 2,
) -> list[Lift]:
    """Items seen at `min_support` positions or more, `min_count` of them with the outcome,
    that make it likelier (lift above 1), most lift first (then the larger sample)."""
    bases = index.tally.bases
    total = bases.get((table, group, "n"), 0)
    hits = bases.get((table, group, outcome), 0)
    if not total or not hits:
        return []
    base = hits / total
    out = []
    for item, counts in index.items.get((table, group), {}).items():
        n, k = counts.get("n", 0), counts.get(outcome, 0)
        if n < min_support or k < min_count or k / n <= base:
            continue
        low, high = wilson(k, n)
        out.append(
            Lift(table, group, item, outcome, n, k, base, (k / n) / base, low / base, high / base)
        )
    out.sort(key=lambda x: (-x.lift, -x.n, x.item))
    return out


def groups_of(tally: Tally, table: str) -> list[str]:
    """The groups counted for a table: * first, then region=, brand=, reason= values by size."""
    sizes = {g: n for (t, g, o), n in tally.bases.items() if t == table and o == "n"}
    return sorted(sizes, key=lambda g: (g != "*", -sizes[g], g))


def dominant(index: TallyIndex, table: str, item: str, outcome: str) -> tuple[str | None, float]:
    """The commonest feeling at an item's turns and its mean intensity (0–1)."""
    found = index.feelings.get((table, item, outcome), {})
    counts = {c: n for c, n in found.items() if c != "intensity"}
    if not counts:
        return None, 0.0
    total = sum(counts.values())
    return max(counts, key=lambda c: (counts[c], c)), found.get("intensity", 0) / 100 / total
