"""Normalise what customers type or an ASR writes: full-width, traditional characters, fillers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Hesitation sounds an ASR transcribes; they carry no meaning for assist. 嗯 alone is kept
# because "嗯" is also how customers say yes.
_FILLERS = re.compile(r"(?:[呃唔]+|嗯{2,}|[Ee]m{2,}|(?<=[，,。\s])嗯(?=[，,。\s]))[，,。\s]*")
_FILLER_SOUNDS = re.compile(r"[呃唔嗯Ee]")  # a character every filler above starts with
_SPACES = re.compile(r"\s+")
# Full-width ASCII and the ideographic space, as NFKC maps them: most Chinese text is not NFKC
# only because of its full-width punctuation (，？！), which a table maps at a fraction of the cost.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Some ASR engines and keyboards leave spaces between Chinese characters.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters → simplified, nothing else changed (an ASR's raw output).

    >>> to_simplified("這個號碼")
    '这个号码'
    """
    return _t2s().convert(text)


@lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, fillers and stray spaces removed.

    Cached: on the live path one utterance is normalised by each reader of it (the lexicon,
    a trained model's character and word features), and the second time costs nothing.

    >>> normalize("我的密碼鎖住了，ＯＫ？呃呃 謝謝")
    '我的密码锁住了,OK?谢谢'
    """
    if not unicodedata.is_normalized("NFKC", text):  # the check is a tenth of the work
        text = text.translate(_FULL_WIDTH)
        if not unicodedata.is_normalized("NFKC", text):  # "…", ①, a no-break space
            text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    # Each pattern below costs a scan with lookbehinds at every character; most utterances
    # have no filler sound and no space at all, which one plain scan tells.
    if _FILLER_SOUNDS.search(text):
        text = _FILLERS.sub("", text)
    if text.isprintable() and " " not in text:
        return text  # no whitespace (every space but " " is unprintable): nothing below would change it
    text = _CJK_GAP.sub("", text)
    return _SPACES.sub(" ", text).strip()
