"""How the engine reads the words around a match: an agent's 你 as the operation phrases' 您,
a wrap-up word that stands as a clause of its own, a digit inside a longer number."""

from __future__ import annotations

import re

from moqi.assist.emotion import BREAKS


def numeral(ch: str) -> bool:
    return ch.isdigit() or ch == "."


def found_in(pattern: re.Pattern | None, text: str) -> str | None:
    """What the pattern's group catches in an agent's words (你 read as 您), or None."""
    m = pattern.search(polite(text)) if pattern is not None else None
    return m.group(1) if m else None


def polite(text: str) -> str:
    """The operation phrases say 您; an agent talking to a student says 你 ("已经为你办理成功")."""
    return text.replace("你", "您")


def own_clause(text: str, found: list[tuple[int, int, str, bool]], i: int) -> bool:
    """Whether the i-th wrap-up word found stands as a clause of its own, or is said twice in a row."""
    start, end, word, _ = found[i]
    if text.startswith(word, end) or (i and found[i - 1][1] == start and found[i - 1][2] == word):
        return True
    before = start == 0 or text[start - 1] in BREAKS
    after = end == len(text) or text[end] in BREAKS or text[end] in "啊呀啦吧哈"
    return before and after
