"""Character error rate (CER) of Chinese speech recognition, after the normalisation that keeps
CER about the words: punctuation, spaces, full-width forms, letter case and traditional
characters do not count. Numbers are compared as written (九点 ≠ 9点): no inverse text
normalisation is done."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from moqi.nlp.normalize import to_simplified


def cer_text(text: str) -> str:
    """The characters CER compares: NFKC, simplified, lower-case, only letters and digits."""
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def edit_distance(ref: str, hyp: str) -> int:
    """Levenshtein distance (substitutions, deletions, insertions), by characters."""
    if len(ref) < len(hyp):
        ref, hyp = hyp, ref
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def cer(pairs: Iterable[tuple[str, str]]) -> float:
    """Corpus CER of (reference, hypothesis) pairs: all edits over all reference characters."""
    edits = chars = 0
    for ref, hyp in pairs:
        r, h = cer_text(ref), cer_text(hyp)
        edits += edit_distance(r, h)
        chars += len(r)
    if chars == 0:
        raise ValueError("CER needs at least one reference character")
    return edits / chars
