"""Chinese search over the content (see documents.py for what is indexed).

Every text is read into three fields (analyzer.py): jieba words with the telecom dictionary,
single characters and character bigrams. Each field has its own BM25 index (bm25s); a query's
score in each field is divided by the field's best score for that query and the three are
added, so a document that matches the words, the characters and the phrases of a query comes
first. This fusion was chosen on the AFQMC dev queries (docs/search.md). Customers' names for
businesses also search for the catalogue's name; filters are applied before the top k are
taken, so a filter never loses results; each hit has highlights and a snippet; a query in
pinyin that finds nothing falls back to its did-you-mean (suggest.py). With a semantic stage
added (`add_semantic`, semantic.py), the query's sentence embedding is compared with each
candidate's and fused with the lexical score, so 出国了手机没信号 finds 国际漫游.

The same class serves the product (`KnowledgeIndex(content)`) and `moqi eval search`
(`KnowledgeIndex.from_docs(docs)`). Pure: no database, no web.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import bm25s
import numpy as np
from scipy import sparse

from moqi.content import Content
from moqi.errors import Invalid
from moqi.knowledge.analyzer import FIELDS, Analyzed, Analyzer, tokenizer_for
from moqi.knowledge.documents import Doc, documents
from moqi.knowledge.semantic import (
    Embedder,
    EmbeddingCache,
    SemanticStage,
    eligible,
    embed_passages,
    fuse,
    passage_text,
)
from moqi.knowledge.snippets import SNIPPET_WIDTH, Snippet, highlights, snippet  # noqa: F401
from moqi.knowledge.suggest import Suggester
from moqi.nlp.automaton import KeywordAutomaton
from moqi.nlp.normalize import normalize
from moqi.nlp.tokenize import Tokenizer

_NO_DAY, _ALWAYS = 0, date.max.toordinal() + 1


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result with where the query's words occur in its text, and a snippet."""

    id: str
    kind: str
    title: str
    text: str
    score: float
    highlights: list[tuple[int, int]]
    snippet: Snippet


class UnknownFilter(Invalid):
    """A filter names something the index does not hold (a business not in the catalogue)."""


class Results(list[Hit]):
    """Hits, best first. `corrected` is the did-you-mean searched instead when the query, typed
    in pinyin, found nothing itself (None when the query's own hits are shown)."""

    def __init__(self, hits: Iterable[Hit] = (), corrected: str | None = None):
        super().__init__(hits)
        self.corrected = corrected


def vocabulary(content: Content) -> list[str]:
    """The content's own words, most trusted first, for the tokenizer's dictionary and
    did-you-mean: business names, their aliases, call reasons and their cues, article tags."""
    words = [b.name for b in content.businesses] + [
        a for b in content.businesses for a in b.aliases
    ]
    words += [w for r in content.reasons for w in (r.label, *r.cues)]
    words += [t for a in content.articles for t in a.tags]
    return list(dict.fromkeys(normalize(w) for w in words if len(w) > 1))


class _Facet:
    """Which documents apply to each value of one facet; an empty facet applies to all values."""

    def __init__(self, values: list[tuple[str, ...]]):
        self.general = np.array([not v for v in values], dtype=bool)
        members: dict[str, list[int]] = {}
        for i, vs in enumerate(values):
            for v in vs:
                members.setdefault(v, []).append(i)
        self.members = {v: np.array(ix, dtype=np.int64) for v, ix in members.items()}

    def mask(self, value: str) -> np.ndarray:
        out = self.general.copy()
        if value in self.members:
            out[self.members[value]] = True
        return out


class KnowledgeIndex:
    """BM25 over words, characters and bigrams, fused; filters, highlights, did-you-mean."""

    def __init__(self, content: Content, tokenizer: Tokenizer | None = None):
        words = vocabulary(content)
        synonyms = {normalize(a): b.name for b in content.businesses for a in (b.name, *b.aliases)}
        titles = [normalize(a.title) for a in content.articles]
        self._build(
            documents(content), tokenizer or tokenizer_for(words), synonyms, [*words, *titles]
        )
        self._business_codes.update({b.name: b.code for b in content.businesses})

    @classmethod
    def from_docs(
        cls,
        docs: Iterable[Doc],
        *,
        synonyms: Mapping[str, str] | None = None,
        terms: Iterable[str] = (),
        tokenizer: Tokenizer | None = None,
    ) -> KnowledgeIndex:
        """An index of any documents (e.g. an evaluation corpus), searched exactly like the content.

        `synonyms` maps what users say to what the documents say; `terms` are extra words for the
        dictionary and did-you-mean.
        """
        words = [normalize(t) for t in terms]
        index = cls.__new__(cls)
        index._build(list(docs), tokenizer or tokenizer_for(words), dict(synonyms or {}), words)
        return index

    def _build(
        self, docs: list[Doc], tokenizer: Tokenizer, synonyms: dict[str, str], terms: list[str]
    ) -> None:
        self.docs = docs
        self.analyzer = Analyzer(tokenizer)
        self._synonyms = list(synonyms)
        self.aliases = KeywordAutomaton({k: v for a, v in synonyms.items() for k in {a, a.lower()}})
        # Tokens become ids as each document is read: 100,000 documents' token strings would
        # take gigabytes before bm25s turned them into ids itself.
        vocabularies: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        token_ids: dict[str, list[list[int]]] = {name: [] for name in FIELDS}
        for doc in docs:
            analyzed = self.analyzer.analyze(f"{doc.title}。{doc.text}")
            for name, vocab in vocabularies.items():
                token_ids[name].append(
                    [vocab.setdefault(t, len(vocab)) for t in analyzed.field(name)]
                )
        self._bm25: dict[str, bm25s.BM25] = {}
        for name, vocab in vocabularies.items():
            vocab.setdefault("∅", len(vocab))  # bm25s needs one token, even if no text has any
            self._bm25[name] = bm25s.BM25()
            with np.errstate(invalid="ignore", divide="ignore"):  # texts with no token at all
                self._bm25[name].index((token_ids.pop(name), vocab), show_progress=False)
        self._columns = {name: _columns(bm25) for name, bm25 in self._bm25.items()}
        self._kind_codes = {kind: i for i, kind in enumerate(dict.fromkeys(d.kind for d in docs))}
        self._kinds = np.array([self._kind_codes[d.kind] for d in docs], dtype=np.int32)
        self._facets = {
            "business": _Facet([d.businesses for d in docs]),
            "brand": _Facet([d.brands for d in docs]),
            "region": _Facet([d.regions for d in docs]),
        }
        self._business_codes = {code: code for code in self._facets["business"].members}
        self._valid_from = np.array(
            [d.valid_from.toordinal() if d.valid_from else _NO_DAY for d in docs], dtype=np.int64
        )
        self._valid_to = np.array(
            [d.valid_to.toordinal() if d.valid_to else _ALWAYS for d in docs], dtype=np.int64
        )
        self._terms = terms
        self._suggester: Suggester | None = None
        self._lock = threading.Lock()
        self.semantic: SemanticStage | None = None
        self.semantic_status = "off"  # or "building", "on", or why it is not used
        self.semantic_done = threading.Event()  # set once a background embedding has ended

    def add_semantic(
        self, embedder: Embedder, cache: EmbeddingCache, *, limit: int | None = None
    ) -> None:
        """Embed every item's passage (the cache's vectors reused) and search with them from now
        on. Raises semantic.TooMany when more than `limit` passages lack a cached vector."""
        texts = [passage_text(d.title, d.text) for d in self.docs]
        vectors = embed_passages(embedder, cache, texts, limit=limit)
        if len(self.docs):
            self.semantic = SemanticStage(embedder, vectors)
        self.semantic_status = "on"

    def query_tokens(self, query: str) -> list[str]:
        """The query's words plus the catalogue names of the businesses it names (客户的叫法 → 业务名)."""
        return self._analyze_query(query).words

    def _analyze_query(self, query: str) -> Analyzed:
        text = normalize(query)
        names = {name for _, _, _, name in self.aliases.longest(text)} | {
            name for _, _, _, name in self.aliases.longest(text.lower())
        }
        # A full stop between the query and the names, so no bigram straddles them.
        return self.analyzer.analyze("。".join([text, *sorted(names)]))

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        kind: str | None = None,
        business: str | None = None,
        brand: str | None = None,
        region: str | None = None,
        valid_on: date | None = None,
    ) -> Results:
        """The best k items for the query that pass the filters, best first.

        A document with an empty facet (no brand, say) passes any value of that filter; `valid_on`
        keeps documents valid that day. A query in plain letters that finds nothing is read as
        pinyin and its did-you-mean is searched instead (`Results.corrected` says so).
        Raises UnknownFilter for a business the index does not know.
        """
        mask = self._mask(kind, business, brand, region, valid_on)
        hits = self._search(query, k, mask)
        if not hits and normalize(query).isascii():
            suggestion = self.suggest(query)
            if suggestion:
                return Results(self._search(suggestion, k, mask), corrected=suggestion)
        return Results(hits)

    def _mask(
        self,
        kind: str | None,
        business: str | None,
        brand: str | None,
        region: str | None,
        valid_on: date | None,
    ) -> np.ndarray | None:
        masks = []
        if kind:
            masks.append(self._kinds == self._kind_codes.get(kind, -1))
        if business:
            if business not in self._business_codes:
                raise UnknownFilter(f"未知业务：{business}（请用业务目录中的编码或名称）")
            masks.append(self._facets["business"].mask(self._business_codes[business]))
        if brand:
            masks.append(self._facets["brand"].mask(brand))
        if region:
            masks.append(self._facets["region"].mask(region))
        if valid_on:
            day = valid_on.toordinal()
            masks.append((self._valid_from <= day) & (day <= self._valid_to))
        if not masks:
            return None
        return np.logical_and.reduce(masks).astype(np.float32)

    def _scores(self, analyzed: Analyzed, mask: np.ndarray | None) -> np.ndarray:
        total = np.zeros(len(self.docs), dtype=np.float32)
        for name, bm25 in self._bm25.items():
            ids = bm25.get_tokens_ids(analyzed.field(name))
            if not ids:
                continue
            scores = _bm25_scores(self._columns[name], ids)
            if mask is not None:
                scores *= mask
            best = scores.max()
            if best > 0:
                scores *= 1 / best
                total += scores
        return total

    def _search(self, query: str, k: int, mask: np.ndarray | None) -> list[Hit]:
        analyzed = self._analyze_query(query)
        if not analyzed.words and not analyzed.chars:
            return []  # nothing but particles and punctuation
        stage = self.semantic if eligible(query) else None
        pending = stage.query_vector(query) if stage else None  # embedded while BM25 scores
        scores = self._scores(analyzed, mask)
        if stage and pending:
            try:
                vector = pending.result()
            except Exception:  # an engine that fails mid-way leaves the lexical ranking
                vector = None
            # A query no item shares a character with stays a miss (a gap in usage.py), not
            # the nearest neighbours of nothing.
            if vector is not None and scores.max() > 0:
                rows = stage.candidates(scores)
                scores = fuse(scores, stage.similarity(vector, rows), mask, rows)
        # The k-th best score, then everything at or above it (ties included), best first.
        least = max(np.partition(scores, -k)[-k] if len(scores) > k else 0.0, np.float32(1e-9))
        ranked = sorted(np.flatnonzero(scores >= least).tolist(), key=lambda i: (-scores[i], i))[:k]
        marker = KeywordAutomaton({w: True for w in analyzed.words})
        hits = []
        for i in ranked:
            doc = self.docs[i]
            spans = highlights(doc.text, marker)
            hits.append(
                Hit(
                    doc.id,
                    doc.kind,
                    doc.title,
                    doc.text,
                    round(float(scores[i]), 4),
                    spans,
                    snippet(doc.text, spans),
                )
            )
        return hits

    def suggest(self, query: str) -> str | None:
        """Did-you-mean: the query as the user most likely meant it, or None when it looks right.

        Pinyin (manyou, guo ji man you) → 漫游/国际漫游; homophone typos (宽代 → 宽带); a slip of
        one character in a business name or alias (固障电话 → 固定电话). Built on first use.
        """
        with self._lock:
            if self._suggester is None:
                self._suggester = self._make_suggester()
        return self._suggester.suggest(query)

    def _make_suggester(self) -> Suggester:
        words = self._bm25["words"].vocab_dict
        bigrams = self._bm25["bigrams"].vocab_dict
        return Suggester(
            self._terms,
            _frequent(self._bm25["words"], 1),
            known=lambda text: text in words or text in bigrams,
            segment=self.analyzer.tokenizer.spans,
            pairs=_frequent(self._bm25["bigrams"], 2),  # seen in two documents or more
            near=self._synonyms,
        )


def _frequent(bm25: bm25s.BM25, least: int) -> dict[str, float]:
    """The Han tokens of two or more characters in at least `least` documents, with their count."""
    frequency = np.diff(bm25.scores["indptr"])
    return {
        t: float(frequency[i])
        for t, i in bm25.vocab_dict.items()
        if len(t) > 1 and not t.isascii() and frequency[i] >= least
    }


def _columns(bm25: bm25s.BM25) -> sparse.csc_matrix:
    """bm25s's precomputed per-token scores as a documents × tokens matrix (shared, not copied)."""
    index = bm25.scores
    return sparse.csc_matrix(
        (index["data"], index["indices"], index["indptr"]),
        shape=(index["num_docs"], len(index["indptr"]) - 1),
    )


def _bm25_scores(columns: sparse.csc_matrix, ids: list[int]) -> np.ndarray:
    """Each document's BM25 score for the query's token ids: the same sum as bm25s's
    `get_scores_from_ids`, taken by scipy over the tokens' columns at once instead of one
    `np.add.at` per token (more than ten times faster on 100,000 documents)."""
    return np.asarray(columns[:, ids].sum(axis=1), dtype=np.float32).ravel()
