"""jieba with moqi's telecom user dictionary, so product names and emotion phrases stay whole.

jieba's own code decides the dictionary: which frequency each of our words gets (suggest_freq,
as words are added in order). The cutting is done by jieba-rs (rjieba): the same algorithm and
dictionary in Rust, about ten times as fast — a full cut was 40% of the live path with a
trained model. Given the same words, frequencies and total it cuts as jieba does: on
bench/assist.py's 20,000 texts every cut and search cut is jieba's, word for word (they could
part only where two cuts score the same to the last bit of a float).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import jieba
import rjieba

jieba.setLogLevel(logging.WARNING)

_base: jieba.Tokenizer | None = None
_base_lock = threading.Lock()


def _fresh() -> jieba.Tokenizer:
    """A jieba tokenizer with the stock dictionary, copied from one loaded once per process.

    Reading the dictionary takes about a second; copying it takes tens of milliseconds, so a
    content revision (new aliases, cues, words) rebuilds its tokenizers quickly.
    """
    global _base
    with _base_lock:
        if _base is None:
            _base = jieba.Tokenizer()
            _base.initialize()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = dict(_base.FREQ), _base.total
        tokenizer.initialized = True
    return tokenizer


_NO_TEXT = "\ue000"  # one private-use character: a word no other word holds, so it changes no cut


class Tokenizer:
    """A private tokenizer that knows our words (catalogue aliases, lexicon, cues)."""

    def __init__(self, words: Iterable[str] = ()):
        planned = _fresh()
        self._t = rjieba.Jieba()
        # jieba adds a word's frequency to its total even when the word was in the dictionary
        # already; jieba-rs takes the old frequency off. The difference goes to a word of its
        # own (_NO_TEXT), so both divide by the same total.
        kept = 0
        # Sorted: each suggested frequency depends on the words added before it, and set order
        # changes with every process (hash randomisation), which made the cut differ run to run.
        for word in sorted(set(words)):
            if len(word) > 1:
                freq = max(2000, planned.suggest_freq(word, tune=False))
                kept += planned.FREQ.get(word) or 0
                planned.add_word(word, freq=freq)
                self._t.add_word(word, freq, None)
        if kept:
            self._t.add_word(_NO_TEXT, kept, None)

    def cut(self, text: str) -> list[str]:
        """Words of `text` (no HMM: faster, and our dictionary covers the words that matter)."""
        return self._t.cut(text, False)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Start/end character offsets of each word."""
        out, pos = [], 0
        for word in self._t.cut(text, False):
            out.append((pos, pos + len(word)))
            pos += len(word)
        return out

    def words_among(
        self, text: str, spans: Iterable[tuple[int, int]], reach: int = 6
    ) -> set[tuple[int, int]]:
        """Which of `spans` (start, end) jieba cuts `text` into as words of their own.

        Only `reach` characters either side of each span are cut: jieba's choice at a place
        hangs on the words near it, not on the far end of a long post. On the 1,779 utterances
        of bench/assist.py's corpus with a one-character emotion keyword this answers as
        cutting the whole text does, in a tenth of the time.
        """
        found: set[tuple[int, int]] = set()
        for start, end in spans:
            pos = max(0, start - reach)
            for word in self._t.cut(text[pos : end + reach], False):
                if pos >= start:
                    if pos == start and pos + len(word) == end:
                        found.add((start, end))
                    break
                pos += len(word)
        return found

    def cut_for_search(self, text: str) -> list[str]:
        """Words and, for long words, their parts too (宽带故障报修 → 宽带, 故障, 报修, 宽带故障报修)."""
        return self._t.cut_for_search(text, False)
