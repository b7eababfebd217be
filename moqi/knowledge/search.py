"""Chinese search over the content (see documents.py for what is indexed): jieba words with the telecom dictionary, customers' names
for businesses expanded to the catalogue's, BM25 ranking by bm25s, highlighted snippets.

Pure: built from a Content; no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np

from moqi.content import Content
from moqi.knowledge.documents import documents
from moqi.nlp.automaton import KeywordAutomaton
from moqi.nlp.normalize import normalize
from moqi.nlp.tokenize import Tokenizer

_SKIP = set(" ,.!?;:，。！？；：、的了吗呢吧啊我你您")


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result with where the query's words occur in its text."""

    id: str
    kind: str
    title: str
    text: str
    score: float
    highlights: list[tuple[int, int]]


class KnowledgeIndex:
    """BM25 over jieba words; a query's business aliases also search for the business's name."""

    def __init__(self, content: Content, tokenizer: Tokenizer | None = None):
        self.docs = documents(content)
        words = [a for b in content.businesses for a in (b.name, *b.aliases)] + [c for r in content.reasons for c in r.cues]
        self.tokenizer = tokenizer or Tokenizer(words)
        self.aliases = KeywordAutomaton({a: b.name for b in content.businesses for a in (b.name, *b.aliases)})
        self.bm25 = bm25s.BM25()
        self.bm25.index([self._tokens(f"{d.title} {d.text}") for d in self.docs], show_progress=False)

    def _tokens(self, text: str) -> list[str]:
        words = [w for w in self.tokenizer.cut_for_search(normalize(text).lower()) if w.strip() and w not in _SKIP]
        return words or ["∅"]

    def query_tokens(self, query: str) -> list[str]:
        """The query's words plus the catalogue names of the businesses it names (客户的叫法 → 业务名)."""
        text = normalize(query)
        tokens = self._tokens(text)
        for _, _, _, name in self.aliases.longest(text):
            tokens += self._tokens(name)
        return tokens

    def search(self, query: str, *, k: int = 10, kind: str | None = None) -> list[Hit]:
        """The best k items for the query (optionally of one kind), best first."""
        tokens = self.query_tokens(query)
        n = len(self.docs) if kind else min(k, len(self.docs))
        ids, scores = self.bm25.retrieve([tokens], k=n, show_progress=False)
        marker = KeywordAutomaton({t: True for t in set(tokens) if len(t) > 1 or not t.isascii()})
        hits = []
        for i, score in zip(ids[0], scores[0], strict=True):
            doc = self.docs[int(i)]
            if score <= 0 or (kind and doc.kind != kind):
                continue
            spans = [(s, e) for s, e, _, _ in marker.longest(doc.text)]
            hits.append(Hit(doc.id, doc.kind, doc.title, doc.text, round(float(np.float64(score)), 3), spans))
            if len(hits) == k:
                break
        return hits
