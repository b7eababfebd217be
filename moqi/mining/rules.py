"""The rules a mining run follows: what counts as an emotion turn, which words count, how
sure a reason must be, how large a sample of unexplained calls is kept. Pure; the word lists
and stage names are content files under moqi/data/mining/."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from moqi.content import shipped_words, shipped_yaml


def _stop_words() -> frozenset[str]:
    return frozenset(shipped_words("mining/stopwords.txt"))


def _stage_labels() -> dict[str, str]:
    return dict(shipped_yaml("mining/stages.yaml"))


@dataclass(frozen=True)
class Rules:
    """`turn`: how far the customer's signed emotion level (intensity, negative feelings up,
    positive ones down) must move between two of their utterances to count as an escalation
    or a calm-down. `unexplained_below`: a call whose predicted reason is less sure than this
    (and that names none) is unexplained. `sample`: how many unexplained calls are kept for
    clustering (the same ones, however the calls are split into chunks)."""

    turn: float = 0.3
    unexplained_below: float = 0.4
    sample: int = 2000
    min_word_length: int = 2
    stop_words: frozenset[str] = field(default_factory=_stop_words)
    stages: dict[str, str] = field(default_factory=_stage_labels)

    def fingerprint(self) -> str:
        """A short digest of the rules: a resumed run must count by the same ones."""
        body = asdict(self)
        body["stop_words"] = sorted(self.stop_words)
        raw = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()[:16]
