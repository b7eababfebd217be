"""The polarity model moqi ships: trained only on text the project wrote
(moqi/data/corpus/polarity.jsonl), so that feelings said without feeling words — facts,
consequences, sarcasm, resignation, relief — are read from the first call.

The model file sits beside the corpus it came from (moqi/data/models/); its note records the
corpus's SHA-256, and a test fails when the corpus changes without the model being rebuilt:

    python -m moqi.assist.model.shipped      # rebuild after editing the corpus (~10 s)

An operator's own model (`moqi train polarity`) takes its place.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from moqi.assist.model import trained
from moqi.content.reading import DATA_DIR

CORPUS = DATA_DIR / "corpus" / "polarity.jsonl"
MODELS = DATA_DIR / "models"


def corpus_digest(path: Path = CORPUS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(corpus: Path = CORPUS, directory: Path = MODELS) -> Path:
    """Train the shipped polarity model on the corpus and write it with its note."""
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    meta = {
        "kind": "polarity",
        "corpus": str(corpus.relative_to(DATA_DIR)),
        "corpus_sha256": corpus_digest(corpus),
        "n": len(texts),
        "labels": dict(Counter(labels)),
        "made_by": "python -m moqi.assist.model.shipped",
    }
    return trained.save(trained.build(texts, labels), directory, "polarity", meta)


@lru_cache(maxsize=1)
def polarity_model():
    """The shipped polarity model (compiled), or None where the package carries none."""
    return trained.load(MODELS, "polarity")


if __name__ == "__main__":
    print(f"wrote {build()}")
