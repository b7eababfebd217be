"""Did-you-mean: pinyin typed instead of Chinese, homophone typos, near-miss words.

The vocabulary is the index's own: the content's names, aliases, cues and titles (trusted), then
the words of the indexed texts. Agents type with a pinyin keyboard, so most typos sound right
and look wrong (宽代 for 宽带, 流两包 for 流量包), and a query in plain letters (manyou, guo ji
man you) is pinyin for a word the content knows.

A stretch of the query is only corrected when it is not itself a dictionary word, does not cut
through one (是别人 holds 是别, which sounds like 识别, but 别人 is a word), and is made of
character pairs the index has never seen. A change inside a dictionary word (两 of 两包) is
only made towards a trusted word, and so is a change that does not sound the same.

Pure: no database, no web.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from pypinyin import lazy_pinyin

from moqi.nlp.normalize import normalize

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_KEY = re.compile(r"[^a-z0-9]")
MAX_TERM = 8  # the longest stretch of a query checked as one word
MIN_NEAR_KEY = 6  # pinyin shorter than this is too ambiguous to correct by one letter
# Only names this long are corrected by one character (不卡了 is not a slip of 不要了).
MIN_NEAR_WORD = 4
# Characters that are words of their own (particles, pronouns, prepositions, common verbs and
# adverbs): a "typo" that lands on one of them is far more often the word itself.
FUNCTION_CHARS = frozenset(
    "的了吗呢吧啊呀嘛么是在有和与及或跟同把被给让对向从以已而并但可才再也就都又还要会能说过该这那个我你您他她它们"
)


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    return lazy_pinyin(char)[0].lower()


def _letters(term: str) -> str:
    return _NOT_KEY.sub("", "".join(_char_pinyin(c) for c in term))


def pinyin_keys(term: str) -> set[str]:
    """The toneless pinyin of `term`, read as a phrase and char by char (polyphones differ).

    >>> sorted(pinyin_keys("银行"))
    ['yinhang', 'yinxing']
    """
    phrase = _NOT_KEY.sub("", "".join(lazy_pinyin(term)).lower())
    return {k for k in (phrase, _letters(term)) if k}


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))} | {text}


class Suggester:
    """Finds the query the user most likely meant.

    `trusted` are the content's own words, most trusted first; `words` the words of the indexed
    texts with their document frequency (the more frequent wins when two sound the same);
    `pairs` frequent character pairs of the texts, used only to read pinyin (names jieba does
    not know, like 花呗, are such pairs; as typo fixes they would be noise); `near` the names a
    slip of one character is corrected to (business names and aliases). `known(text)` says
    whether the index holds `text` as a word or character bigram; `segment(text)` gives the
    (start, end) of each dictionary word of `text` (jieba), single characters where it knows none.
    """

    def __init__(
        self,
        trusted: Iterable[str],
        words: Mapping[str, float],
        known: Callable[[str], bool],
        segment: Callable[[str], list[tuple[int, int]]],
        pairs: Mapping[str, float] | None = None,
        near: Iterable[str] = (),
    ):
        # Trusted words outrank found ones, and the first-named trusted words (business names
        # before aliases and cues) the later ones; found words rank by document frequency.
        order = list(dict.fromkeys(normalize(t) for t in trusted if len(t) > 1))
        self._trusted = set(order)
        pairs = pairs or {}
        top = max([*words.values(), *pairs.values()], default=0.0) + 1
        self._weight = {**pairs, **words, **{t: top + len(order) - i for i, t in enumerate(order)}}
        self._known = known
        self._segment = segment
        self._by_key: dict[str, str] = {}  # pinyin → word, for typos
        self._by_letters: dict[str, str] = {}  # pinyin → word or pair, for pinyin input
        self._near_chars: dict[str, set[str]] = {}
        self._near_keys: dict[str, set[str]] = {}
        for term in self._weight:
            # A pair read char by char is enough: a pair whose phrase reading differs (银行) is a word too.
            keys = pinyin_keys(term) if term in words or term in self._trusted else {_letters(term)}
            for key in keys:
                self._by_letters[key] = max(self._by_letters.get(key, term), term, key=self._rank)
                if term not in pairs or term in words or term in self._trusted:
                    self._by_key[key] = max(self._by_key.get(key, term), term, key=self._rank)
                if len(key) >= MIN_NEAR_KEY:
                    for variant in _deletions(key):
                        self._near_keys.setdefault(variant, set()).add(term)
        for term in {normalize(t) for t in near}:
            if len(term) >= MIN_NEAR_WORD:
                self._weight.setdefault(term, top)
                for variant in _deletions(term):
                    self._near_chars.setdefault(variant, set()).add(term)
        self._longest_key = max(map(len, self._by_letters), default=0)

    def _rank(self, term: str) -> tuple[float, int, str]:
        return (self._weight[term], -len(term), term)

    def suggest(self, query: str) -> str | None:
        """The corrected query, or None when it looks right (or nothing better is known).

        >>> s = Suggester(["国际漫游", "宽带"], {"漫游": 5}, known=lambda t: False, segment=lambda t: [(i, i + 1) for i in range(len(t))])
        >>> s.suggest("guo ji man you"), s.suggest("manyou"), s.suggest("宽代坏了"), s.suggest("宽带")
        ('国际漫游', '漫游', '宽带坏了', None)
        """
        text = normalize(query).lower()
        if not text:
            return None
        if text.isascii():
            return self._from_pinyin(text)
        fixed = self._fix_typos(text)
        return fixed if fixed != text else None

    def _from_pinyin(self, text: str) -> str | None:
        """A query in letters that the index does not know, read as pinyin."""
        if any(self._known(w) for w in re.findall(r"[a-z0-9]+", text)):
            return None
        letters = _NOT_KEY.sub("", text)
        if len(letters) < 2:
            return None
        if letters in self._by_letters:
            return self._by_letters[letters]
        return self._cut_pinyin(letters) or self._near_key(letters)

    def _cut_pinyin(self, letters: str) -> str | None:
        """Cut a run of pinyin into vocabulary words (kuandaiguzhang → 宽带故障), fewest words first."""
        n = len(letters)
        # best[i]: (words used, -their total weight, the words) covering letters[:i]
        best: list[tuple[int, float, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (0, 0.0, ())
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for j in range(i + 2, min(n, i + self._longest_key) + 1):
                term = self._by_letters.get(letters[i:j])
                if term is None:
                    continue
                candidate = (here[0] + 1, here[1] - self._weight[term], (*here[2], term))
                there = best[j]
                if there is None or candidate[:2] < there[:2]:
                    best[j] = candidate
        final = best[n]
        return "".join(final[2]) if final else None

    def _near_key(self, letters: str) -> str | None:
        """The vocabulary word whose pinyin is one letter away (kuandia → 宽带)."""
        return self._nearest(letters, self._near_keys, MIN_NEAR_KEY)

    def _nearest(
        self, text: str, near: dict[str, set[str]], shortest: int, fits=lambda term: True
    ) -> str | None:
        """The best-ranked term that `near` holds under one of `text`'s one-deletion variants."""
        if len(text) < shortest:
            return None
        found = {term for variant in _deletions(text) for term in near.get(variant, ())}
        found = {term for term in found if fits(term)}
        return max(found, key=self._rank) if found else None

    def _fix_typos(self, text: str) -> str:
        """Replace stretches of whole dictionary words that the index has never seen but that
        sound like (or, for trusted words, are one character from) a vocabulary word."""
        spans = self._segment(text)
        words = set(spans)
        ends = {e for _, e in spans}
        inside_word = [False] * len(text)
        for s, e in spans:
            if e - s > 1:
                inside_word[s:e] = [True] * (e - s)
        out, pos = [], 0
        for start, _ in spans:
            if start < pos:
                continue
            out.append(text[pos:start])
            pos = start
            for end in range(min(len(text), start + MAX_TERM), start + 1, -1):
                piece = text[start:end]
                if (
                    end not in ends
                    or (start, end) in words
                    or not all(_HAN.match(c) for c in piece)
                    or piece in self._weight
                    or self._known(piece)
                ):
                    continue
                if self._familiar(piece):
                    continue
                term = self._homophone(piece, inside_word[start:end]) or self._near_word(piece)
                if term:
                    out.append(term)
                    pos = end
                    break
        out.append(text[pos:])
        return "".join(out)

    def _familiar(self, piece: str) -> bool:
        """Whether the index holds every pair of neighbouring characters in `piece`: a typo
        usually makes at least one pair the index has never seen."""
        return all(self._known(piece[j : j + 2]) for j in range(len(piece) - 1))

    def _homophone(self, piece: str, in_word: list[bool]) -> str | None:
        term = self._by_key.get("".join(_char_pinyin(c) for c in piece))
        if term is None or len(term) != len(piece):
            return None
        changed = [i for i, (a, b) in enumerate(zip(piece, term, strict=True)) if a != b]
        # Most of the word must stay: one changed character in two or three, half of longer ones.
        if not changed or len(changed) > max(1, len(piece) // 2 if len(piece) > 3 else 1):
            return None
        if any(piece[i] in FUNCTION_CHARS for i in changed) or (
            len(piece) == 2 and set(piece) & FUNCTION_CHARS
        ):
            return None  # 不过是 is not 不过世, 管了 not 关了: these characters are words
        if term not in self._trusted and (len(term) < 3 or any(in_word[i] for i in changed)):
            # Two characters that sound like a common pair are as often two words (在|说 is
            # not 再说, 已|上 not 以上) or a name jieba does not know (音悦, 天翼) as a typo.
            return None
        return term

    def _near_word(self, piece: str) -> str | None:
        return self._nearest(
            piece, self._near_chars, MIN_NEAR_WORD, lambda term: self._slip(piece, term)
        )

    def _slip(self, piece: str, term: str) -> bool:
        """Whether `piece` is `term` with one character changed, added or dropped inside it (not
        at its ends, where the odd character is usually the next word: 出国怎 is not 出国前),
        such that the pairs around the slip are ones the index has never seen (流量包了 is not
        a slip of 流量超了: 量包 and 包了 are common)."""
        unseen = lambda i: not self._known(piece[i - 1 : i + 1])  # noqa: E731 - the pair ending at i
        if len(piece) == len(term):
            changed = [i for i, (a, b) in enumerate(zip(piece, term, strict=True)) if a != b]
            return (
                len(changed) == 1
                and 0 < changed[0] < len(piece) - 1
                and unseen(changed[0])
                and unseen(changed[0] + 1)
            )
        if len(piece) == len(term) + 1:  # a character added at i
            return any(
                piece[:i] + piece[i + 1 :] == term and unseen(i) and unseen(i + 1)
                for i in range(1, len(piece) - 1)
            )
        if len(term) == len(piece) + 1:  # a character dropped before i
            return any(
                term[:i] + term[i + 1 :] == piece and unseen(i) for i in range(1, len(term) - 1)
            )
        return False
