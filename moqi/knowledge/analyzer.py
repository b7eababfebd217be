"""Text → search tokens in three fields: jieba words, single characters, character bigrams.

Words carry meaning where jieba knows the vocabulary (our telecom dictionary); characters and
bigrams still match where it does not — another trade's jargon, a typo, a word cut one way in
the question and another way in the answer. Each field gets its own BM25 index (search.py).

Pure: no database, no web.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from moqi.nlp.normalize import normalize
from moqi.nlp.tokenize import Tokenizer

FIELDS = ("words", "chars", "bigrams")

# Particles and pronouns in almost every question; they only add noise to the word and
# character fields (bigrams keep them, so 我的/的卡 still help a phrase match).
STOP = frozenset("的了吗呢吧啊我你您是")

# Runs of Han characters, and runs of ASCII letters/digits (5g, volte, 10086).
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Analyzed:
    """The tokens of one text in each field."""

    words: list[str]
    chars: list[str]
    bigrams: list[str]

    def field(self, name: str) -> list[str]:
        """The tokens of field `name` (one of FIELDS)."""
        return getattr(self, name)


@lru_cache(maxsize=2)  # the live revision's and the one before (each holds jieba's dictionary)
def _tokenizer(words: frozenset[str]) -> Tokenizer:
    return Tokenizer(words)


def tokenizer_for(words: Iterable[str]) -> Tokenizer:
    """A jieba tokenizer that knows `words`, shared by indexes built with the same vocabulary.

    Loading jieba's dictionary is most of an index's build time, and a content revision that
    changes no business name, alias or cue keeps the same vocabulary.
    """
    return _tokenizer(frozenset(w for w in words if len(w) > 1))


class Analyzer:
    """Splits text into the search fields; the same analyzer reads documents and queries.

    >>> a = Analyzer(tokenizer_for(["国际漫游"]))
    >>> a.analyze("開通國際漫遊").bigrams
    ['开通', '通国', '国际', '际漫', '漫游']
    """

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer

    def words(self, text: str) -> list[str]:
        """jieba search-mode words (long words and their parts), lower-cased, without particles."""
        return self._words(normalize(text))

    def _words(self, text: str) -> list[str]:
        out = []
        for word in self.tokenizer.cut_for_search(text):
            word = word.lower()
            if word not in STOP and _RUNS.search(word):
                out.append(word)
        return out

    def analyze(self, text: str) -> Analyzed:
        """All three fields of `text` (normalised first: traditional → simplified, full-width → ASCII)."""
        text = normalize(text)
        chars: list[str] = []
        bigrams: list[str] = []
        for run in _RUNS.findall(text.lower()):
            if run.isascii():
                chars.append(run)
                bigrams.append(run)
                continue
            chars.extend(c for c in run if c not in STOP)
            bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
            if len(run) == 1:
                bigrams.append(run)
        return Analyzed(self._words(text), chars, bigrams)
