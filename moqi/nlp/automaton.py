"""Aho–Corasick keyword automata: every lexicon, alias and cue found in one pass over the text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import ahocorasick


class KeywordAutomaton:
    """Finds keywords in text with their character spans.

    >>> a = KeywordAutomaton({"乱扣费": "anger", "扣费": "fee"})
    >>> list(a.longest("你们乱扣费"))
    [(2, 5, '乱扣费', 'anger')]
    """

    def __init__(self, words: dict[str, Any] | Iterable[tuple[str, Any]]):
        self._a = ahocorasick.Automaton()
        items = words.items() if isinstance(words, dict) else words
        self.size = 0
        for word, value in items:
            if word:
                self._a.add_word(word, (word, value))
                self.size += 1
        if self.size:
            self._a.make_automaton()

    def longest(self, text: str) -> Iterator[tuple[int, int, str, Any]]:
        """Non-overlapping, leftmost-longest matches as (start, end, word, value)."""
        if not self.size or not text:
            return
        for end, (word, value) in self._a.iter_long(text):
            yield end - len(word) + 1, end + 1, word, value

    def all(self, text: str) -> Iterator[tuple[int, int, str, Any]]:
        """Every match, overlapping ones included, as (start, end, word, value)."""
        if not self.size or not text:
            return
        for end, (word, value) in self._a.iter(text):
            yield end - len(word) + 1, end + 1, word, value
