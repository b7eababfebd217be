"""Aho–Corasick keyword automata: every lexicon, alias and cue found in one pass over the text.

Built on the Rust `aho-corasick` crate (ahocorasick-rs), whose leftmost-longest search is exact. (pyahocorasick, used before, walks a linked trie — slow at a root with thousands of
Chinese first characters — and its `iter_long` drops a short match after a longer one fails:
"不走套餐流量" lost its 不; pyahocorasick issues #133, #185.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ahocorasick_rs


class KeywordAutomaton:
    """Finds keywords in text with their character spans.

    >>> a = KeywordAutomaton({"乱扣费": "anger", "扣费": "fee"})
    >>> a.longest("你们乱扣费")
    [(2, 5, '乱扣费', 'anger')]
    """

    def __init__(self, words: dict[str, Any] | Iterable[tuple[str, Any]]):
        found: dict[str, Any] = {}
        for word, value in words.items() if isinstance(words, dict) else words:
            if word:
                found[word] = value  # a word given twice keeps its last value
        self.size = len(found)
        self._words = list(found)
        self._values = list(found.values())
        self._longest: ahocorasick_rs.AhoCorasick | None = None
        self._all: ahocorasick_rs.AhoCorasick | None = None
        if self.size:
            self._longest = ahocorasick_rs.AhoCorasick(
                self._words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )

    def longest(self, text: str) -> list[tuple[int, int, str, Any]]:
        """Non-overlapping, leftmost-longest matches as (start, end, word, value)."""
        automaton = self._longest  # None exactly when there are no words (size 0)
        if automaton is None or not text:
            return []
        words, values = self._words, self._values
        return [
            (start, end, words[i], values[i])
            for i, start, end in automaton.find_matches_as_indexes(text)
        ]

    def all(self, text: str) -> list[tuple[int, int, str, Any]]:
        """Every match, overlapping ones included, as (start, end, word, value)."""
        if not self.size or not text:
            return []
        words, values = self._words, self._values
        return [
            (start, end, words[i], values[i])
            for i, start, end in self._overlapping().find_matches_as_indexes(text, overlapping=True)
        ]

    def present(self, text: str) -> set[Any]:
        """The values of every word found anywhere in `text`, overlapping ones included."""
        if not self.size or not text:
            return set()
        values = self._values
        return {
            values[i]
            for i, _, _ in self._overlapping().find_matches_as_indexes(text, overlapping=True)
        }

    def _overlapping(self) -> ahocorasick_rs.AhoCorasick:
        if self._all is None:  # built on first need: few automata are asked for overlaps
            self._all = ahocorasick_rs.AhoCorasick(self._words)
        return self._all
