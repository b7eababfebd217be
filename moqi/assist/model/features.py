"""The n-gram blocks of a compiled model: a fitted TF-IDF vectorizer's vocabulary as sorted
integer codes, so that an utterance's n-grams are coded and looked up at once.

- each character n-gram (up to three characters) is one 64-bit integer, 21 bits a code
  point, so the codes are exact and a whole utterance is coded and looked up at once with
  a binary search over a sorted array;
- each word n-gram (jieba words, up to three) is its tokens' numbers, one digit each in a
  base as large as the vocabulary's words; a token's number is the place of its 64-bit
  BLAKE2 hash among the vocabulary's, so a whole utterance is coded with one search too.

Saved models name `_CharBlock`, `_WordBlock`, `_lowercase` and `_identity` (pickled by
name): they keep their names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from itertools import combinations

import numpy as np

_CODE_BITS = 21  # every Unicode code point + 1 fits in 21 bits; three of them in 63
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's character analyzer collapses them


class NotCompilable(ValueError):
    """The pipeline has a part the compiled form does not reproduce exactly."""


def char_key(gram: str) -> int:
    """The code of one character n-gram: its code points + 1, 21 bits each, first one highest."""
    code = 0
    for ch in gram:
        code = (code << _CODE_BITS) | (ord(ch) + 1)
    return code


def char_codes(text: str, low: int, high: int) -> np.ndarray:
    """The codes of every character n-gram of `text` with low ≤ n ≤ high (as `char_key` gives them)."""
    points = (
        np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        + 1
    )
    parts = []
    for n in range(low, min(high, len(points)) + 1):
        stop = len(points) - n + 1
        code = points[:stop].copy()
        for k in range(1, n):
            code = (code << _CODE_BITS) | points[k : stop + k]
        parts.append(code)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


@dataclass
class Block:
    """One TF-IDF block: n-gram keys (sorted) → the block's columns, and its idf."""

    keys: np.ndarray
    columns: np.ndarray
    idf: np.ndarray
    sublinear: bool
    offset: int  # of the block's first column among all the model's features

    def codes(self, text: str) -> np.ndarray:
        """The codes of the n-grams of `text` this block counts (each kind of block its own)."""
        raise NotImplementedError

    def weights(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Columns (model-wide) and L2-normalised TF-IDF weights of the n-grams found."""
        if not len(codes) or not len(self.keys):
            return np.empty(0, dtype=np.intp), np.empty(0)
        # Sorted, distinct queries: the binary searches then walk the keys in order. (By hand:
        # np.unique with counts costs ten times as much on a hundred codes.)
        codes = np.sort(codes)
        first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
        counts = np.diff(np.append(first, len(codes)))
        codes = codes[first]
        at = self.keys.searchsorted(codes)  # the method: np.searchsorted's wrapper costs as much
        at[at == len(self.keys)] = 0
        hit = self.keys[at] == codes
        columns = self.columns[at[hit]]
        tf = counts[hit].astype(float)
        if self.sublinear:
            tf = 1.0 + np.log(tf)
        w = tf * self.idf[columns]
        norm = np.sqrt(w @ w)
        return columns + self.offset, (w / norm if norm else w)


@dataclass
class _CharBlock(Block):
    preprocess: Callable[[str], str]
    low: int = 1
    high: int = 3

    def codes(self, text: str) -> np.ndarray:
        return char_codes(_WHITE_SPACES.sub(" ", self.preprocess(text)), self.low, self.high)


@dataclass
class _WordBlock(Block):
    preprocess: Callable[[str], str]
    tokenize: Callable[[str], list[str]]
    # Sorted hashes of every token in a vocabulary n-gram; its place is its number.
    words: np.ndarray
    low: int = 1
    high: int = 2
    base: int = 1  # n-gram codes are numbers in this base, one digit (token number + 1) per token

    def codes(self, text: str) -> np.ndarray:
        tokens = self.tokenize(self.preprocess(text))
        hashes = np.fromiter(map(_known_hash, tokens), dtype=np.uint64, count=len(tokens))
        at = self.words.searchsorted(hashes)  # a fitted vocabulary is never empty
        at[at == len(self.words)] = 0
        ids = np.where(self.words[at] == hashes, at + 1, 0).astype(np.int64)
        parts = []
        for n in range(self.low, min(self.high, len(ids)) + 1):
            stop = len(ids) - n + 1
            code, known = ids[:stop].copy(), ids[:stop] > 0
            for k in range(1, n):
                code = code * self.base + ids[k : stop + k]
                known &= ids[k : stop + k] > 0
            parts.append(
                code[known]
            )  # an n-gram with a token no vocabulary n-gram has is no feature
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def token_hash(token: str) -> int:
    """A stable 64-bit hash of a token (Python's own `hash` changes from process to process)."""
    return int.from_bytes(
        blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


# Words recur (Zipf): most tokens of an utterance were hashed before.
_known_hash = lru_cache(maxsize=1 << 15)(token_hash)


def _word_codes(
    vocabulary: dict[str, int], low: int, high: int
) -> tuple[np.ndarray, int, list[int], list[int]]:
    """Token numbers and one code per way each vocabulary n-gram can be tokens joined by spaces.

    scikit-learn joins a word n-gram's tokens with spaces, so "a b" is the tokens (a, b), or
    one token "a b"; every reading is coded, each to the n-gram's column, which is exactly
    what joining the tokens and looking the string up would find.
    """
    readings: list[tuple[tuple[str, ...], int]] = []
    for gram, column in vocabulary.items():
        spaces = [i for i, ch in enumerate(gram) if ch == " "]
        for n in range(low, high + 1):
            for cut in combinations(spaces, n - 1):
                bounds = (-1, *cut, len(gram))
                tokens = tuple(gram[a + 1 : b] for a, b in zip(bounds, bounds[1:], strict=False))
                if all(tokens):
                    readings.append((tokens, column))
    hashes = {t: token_hash(t) for tokens, _ in readings for t in tokens}
    words = np.unique(np.fromiter(hashes.values(), dtype=np.uint64, count=len(hashes)))
    if len(words) < len(hashes):
        raise NotCompilable("two words share a hash")
    place = {h: i for i, h in enumerate(words.tolist())}
    ids = {t: place[h] for t, h in hashes.items()}
    base = len(words) + 1
    if base**high >= 2**63:
        raise NotCompilable("too many words for 64-bit n-gram codes")
    codes = []
    for tokens, _ in readings:
        code = 0
        for t in tokens:
            code = code * base + ids[t] + 1
        codes.append(code)
    return words, base, codes, [column for _, column in readings]


def _sorted(keys: list[int], columns: list[int], dtype) -> tuple[np.ndarray, np.ndarray]:
    keys_a = np.asarray(keys, dtype=dtype)
    order = np.argsort(keys_a, kind="stable")
    keys_a = keys_a[order]
    if len(keys_a) > 1 and (keys_a[1:] == keys_a[:-1]).any():
        raise NotCompilable("two n-grams share a key")
    return keys_a, np.asarray(columns, dtype=np.int64)[order]


def _lowercase(text: str) -> str:
    return text.lower()


def _identity(text: str) -> str:
    return text


def _preprocessor(v):
    """The vectorizer's preprocessing, as a function of moqi's own (refused where it has none)."""
    if v.preprocessor is not None:
        return v.preprocessor
    if v.strip_accents:
        raise NotCompilable("accent stripping")
    return _lowercase if v.lowercase else _identity  # scikit-learn's default, accents kept


def compile_block(v, offset: int) -> Block:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if (
        not isinstance(v, TfidfVectorizer)
        or v.input != "content"
        or v.binary
        or v.norm != "l2"
        or not v.use_idf
    ):
        raise NotCompilable(f"unsupported features: {type(v).__name__}")
    low, high = v.ngram_range
    common = {
        "idf": np.asarray(v.idf_, dtype=float),
        "sublinear": bool(v.sublinear_tf),
        "offset": offset,
        "preprocess": _preprocessor(v),
        "low": low,
        "high": high,
    }
    vocabulary = v.vocabulary_
    if v.analyzer == "char" and 1 <= low <= high <= 3:
        keys, columns = _sorted(
            [char_key(g) for g in vocabulary], list(vocabulary.values()), np.int64
        )
        return _CharBlock(keys, columns, **common)
    if v.analyzer == "word" and v.stop_words is None and 1 <= low <= high <= 3:
        words, base, codes, word_columns = _word_codes(vocabulary, low, high)
        keys, columns = _sorted(codes, word_columns, np.int64)
        return _WordBlock(
            keys, columns, tokenize=v.build_tokenizer(), words=words, base=base, **common
        )
    raise NotCompilable(f"unsupported analyzer {v.analyzer!r} with n-grams {v.ngram_range}")
