"""What mining counts, as counters that add up: the tally of two sets of calls is the sum of
their tallies, in any order and grouping (so chunks mined on workers, or before and after an
interruption, add up to what one pass counts). Pure.

Keys are tuples of strings; every value is an integer (intensities in hundredths), so sums
are exact whatever the order. The only part that is not a sum, the sample of unexplained
calls, keeps the `sample` calls with the smallest hash of their id: a fixed choice that also
merges in any order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_COUNTERS = ("bases", "events", "emotions", "stages", "reasons")


@dataclass
class Tally:
    """Counts of a set of calls.

    bases:    (table, group, outcome) → positions counted; events: (table, group, item,
              outcome) → positions where the item was there. table: cword (the customer's
              words at the turn), aword (the words of the agent line just before), aline (that
              line); outcome: n (every position), up (escalation), down (calm-down).
    emotions: (table, item, outcome, category) → how often, and (…, "intensity") → summed
              intensity in hundredths: what the feeling was (the customer's at the turn for
              words, before the agent's line for lines).
    stages:   (stage, kind, code) → customer utterances voicing a need (kind reason or
              moment) in that stage; (stage, "utterances", "") → customer utterances.
    reasons:  (region, brand, month, reason) → calls.
    examples: (table, item, outcome) → (rank, masked excerpt), the lowest rank kept.
    unexplained: [(rank, call id, masked excerpt)], the `sample` lowest ranks.
    """

    calls: int = 0
    bases: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    emotions: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    examples: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    unexplained: list[tuple[str, str, str]] = field(default_factory=list)
    sample: int = 2000

    def add(self, other: Tally) -> Tally:
        """Add `other` into this tally (in place) and return it."""
        self.calls += other.calls
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for key, value in other.examples.items():
            mine = self.examples.get(key)
            if mine is None or value < mine:
                self.examples[key] = value
        self.unexplained = sorted(set(self.unexplained) | set(other.unexplained))[: self.sample]
        return self

    def example(self, key: tuple, rank: str, text: str) -> None:
        """Keep `text` as the example of `key` if its rank is the lowest seen."""
        mine = self.examples.get(key)
        if mine is None or (rank, text) < mine:
            self.examples[key] = (rank, text)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready form (keys as lists), read back by `from_json`."""
        out: dict[str, Any] = {"calls": self.calls, "sample": self.sample}
        for name in _COUNTERS:
            out[name] = [[*k, v] for k, v in sorted(getattr(self, name).items())]
        out["examples"] = [[*k, *v] for k, v in sorted(self.examples.items())]
        out["unexplained"] = [list(u) for u in self.unexplained]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        tally = cls(calls=int(data["calls"]), sample=int(data["sample"]))
        for name in _COUNTERS:
            getattr(tally, name).update({tuple(row[:-1]): int(row[-1]) for row in data[name]})
        tally.examples = {tuple(row[:-2]): (row[-2], row[-1]) for row in data["examples"]}
        tally.unexplained = [(str(r), str(c), str(t)) for r, c, t in data["unexplained"]]
        return tally

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and self.as_json() == other.as_json()
