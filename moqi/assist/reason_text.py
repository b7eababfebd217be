"""What an utterance's words say about each call reason, learnt from the content itself.

Cue words catch the phrases a reason is known by; customers mostly say something else
("下周飞法兰克福开会，那边手机怎么扣钱"). So each reason is also read as a document — its
sample utterances (utterances.yaml), cues and label, the names and aliases of its
businesses, and the questions, titles and tags of the knowledge articles filed under it —
and an utterance is compared with every reason by the cosine of their TF-IDF character
1–2-grams. Built when the engine is (a content revision rebuilds it); nothing is saved.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np

from moqi.content.model import Content
from moqi.nlp.automaton import KeywordAutomaton
from moqi.nlp.normalize import normalize

# Weights of a reason document's parts: what customers say counts most; an article's title
# and tags, and product names, say what the reason is about in the operator's words.
_SAID, _NAMED, _NAME = 1.0, 0.5, 0.5
_BREAK = re.compile(r"[\s,.!?;:，。！？；：、…~（）()\"“”'‘’*]+")


def grams(text: str) -> set[str]:
    """Character unigrams and bigrams of a normalised text, none across punctuation."""
    out: set[str] = set()
    for piece in _BREAK.split(text):
        out.update(piece)
        out.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return out


class ReasonTexts:
    """Cosine similarity of an utterance with each reason's document (reasons in content order)."""

    def __init__(self, documents: list[list[tuple[str, float]]]):
        counts: list[dict[str, float]] = []
        df: dict[str, int] = defaultdict(int)
        for doc in documents:
            tf: dict[str, float] = defaultdict(float)
            for text, weight in doc:
                for g in sorted(grams(normalize(text))):
                    tf[g] += weight
            counts.append(tf)
            for g in tf:
                df[g] += 1
        n = len(documents)
        # Grams in sorted order, and rows summed in that order below: a set's order changes
        # with every process, and float32 sums in another order move a probability's last digit.
        self.index = {g: i for i, g in enumerate(sorted(df))}
        self.idf = np.array(
            [math.log((1 + n) / (1 + df[g])) + 1 for g in self.index], dtype=np.float32
        )
        self.weights = np.zeros(
            (len(df), n), dtype=np.float32
        )  # gram × reason, each reason's column of unit length
        for r, tf in enumerate(counts):
            rows = [self.index[g] for g in tf]
            values = (
                np.array([1 + math.log1p(v) for v in tf.values()], dtype=np.float32)
                * self.idf[rows]
            )
            norm = float(np.linalg.norm(values))
            if norm:
                self.weights[rows, r] = values / norm
        # Every gram of the index in one automaton: a pass over an utterance finds the rows of the
        # grams it shares with the reasons — what grams() and a lookup would give, at half the
        # cost. (No gram holds a break character, so none is found across punctuation.)
        self._grams = KeywordAutomaton(self.index)

    @classmethod
    def from_content(cls, content: Content) -> ReasonTexts:
        names = {b.code: (b.name, *b.aliases) for b in content.businesses}
        at = {r.code: i for i, r in enumerate(content.reasons)}
        docs: list[list[tuple[str, float]]] = []
        for r in content.reasons:
            doc = [(t, _SAID) for t in (*r.examples, *r.cues, r.label)]
            doc += [(name, _NAME) for b in r.businesses for name in names.get(b, ())]
            docs.append(doc)
        for a in content.articles:
            for code in a.reasons:
                if code in at:
                    docs[at[code]] += [
                        (a.question, _SAID),
                        (a.title, _NAMED),
                        *((t, _NAMED) for t in a.tags),
                    ]
        return cls(docs)

    def similarities(self, text: str) -> np.ndarray:
        """Cosine of a normalised utterance with each reason (0 where nothing is shared)."""
        found = self._grams.present(text)
        if not found:
            return np.zeros(self.weights.shape[1], dtype=np.float32)
        rows = np.array(
            sorted(found), dtype=np.intp
        )  # converted once: take() is cheaper than list indexing
        q = self.idf.take(rows)
        return (q @ self.weights.take(rows, 0)) / math.sqrt(float(q @ q))
