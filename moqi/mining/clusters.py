"""Reasons nobody has named yet: the sample of unexplained calls grouped by what the customers
said (TF-IDF of their jieba words, k-means), each group with its top words and examples.
Pure: the engine (for its tokenizer) and the rules are handed in."""

from __future__ import annotations

from dataclasses import dataclass

from moqi.assist import AssistEngine
from moqi.mining.analyse import words
from moqi.mining.rules import Rules

_MIN_CALLS = 20  # fewer unexplained calls than this are listed, not clustered
_PER_CLUSTER = 15  # about this many calls to a group
_MAX_CLUSTERS = 8
_TOP_WORDS = 6
_EXAMPLES = 3


@dataclass(frozen=True)
class Cluster:
    """A group of unexplained calls: its size, top words, and example excerpts (masked)."""

    size: int
    top_words: list[str]
    examples: list[str]


def cluster_unexplained(
    sample: list[tuple[str, str, str]], engine: AssistEngine, rules: Rules
) -> list[Cluster]:
    """Groups of the (rank, call id, excerpt) sample, largest first; none below _MIN_CALLS."""
    texts = [text for _, _, text in sample if text]
    docs = [sorted(words(t, engine, rules)) for t in texts]
    kept = [(t, d) for t, d in zip(texts, docs, strict=True) if d]
    if len(kept) < _MIN_CALLS:
        return []
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([d for _, d in kept])
    except ValueError:  # no word in two calls: nothing to group by
        return []
    k = max(2, min(_MAX_CLUSTERS, len(kept) // _PER_CLUSTER))
    model = KMeans(n_clusters=k, n_init=4, random_state=0).fit(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    distances = model.transform(matrix)
    out = []
    for c in range(k):
        members = [i for i, label in enumerate(model.labels_) if label == c]
        if not members:
            continue
        centre = model.cluster_centers_[c]
        top = [str(vocabulary[j]) for j in centre.argsort()[::-1][:_TOP_WORDS] if centre[j] > 0]
        nearest = sorted(members, key=lambda i: distances[i, c])[:_EXAMPLES]
        out.append(Cluster(len(members), top, [kept[i][0] for i in nearest]))
    out.sort(key=lambda c: (-c.size, c.top_words))
    return out
